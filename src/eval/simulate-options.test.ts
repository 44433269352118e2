import assert from "node:assert/strict";
import test from "node:test";
import { strategyNames } from "../strategies/registry.js";
import path from "node:path";
import { loadDataset } from "../data/load.js";
import { tempFiles } from "../data/test-support.js";
import { resolveSimulateOptions, simulate } from "./simulate.js";

void test("--strategies all runs every registered strategy, auto included; cold start defaults to random", () => {
  const o = resolveSimulateOptions({ strategies: ["all"] });
  assert.deepEqual([...o.strategies].sort(), [...strategyNames()].sort());
  assert.ok(o.strategies.includes("auto"));
  assert.equal(o.coldStart, "random");
  assert.equal(resolveSimulateOptions({ coldStart: "cluster" }).coldStart, "cluster");
});

void test("a bad cold start is reported with the other problems", () => {
  assert.throws(
    () => resolveSimulateOptions({ coldStart: "kmeans" as "cluster", seeds: 0 }),
    (e: Error) => /--seeds/.test(e.message) && /--cold-start must be one of random, cluster, got "kmeans"/.test(e.message),
  );
});

void test("firstSeed runs seeds firstSeed..firstSeed+seeds-1, each the same run as under seeds from 0", async () => {
  assert.equal(resolveSimulateOptions({}).firstSeed, 0);
  assert.throws(() => resolveSimulateOptions({ firstSeed: -1 }), /--first-seed must be a whole number >= 0/);
  const ds = loadDataset("data/vehicle.csv", { label: "Class" });
  const opts = { strategies: ["margin"], initial: 10, batch: 10, budget: 30, workers: 0 };
  const shifted = await simulate(ds, { ...opts, seeds: 2, firstSeed: 2 });
  const fromZero = await simulate(ds, { ...opts, seeds: 4 });
  assert.deepEqual(shifted.options.seeds, [2, 3]);
  assert.match(shifted.protocol, /seeds 2-3/);
  assert.deepEqual(shifted.strategies.margin.per_seed, fromZero.strategies.margin.per_seed.slice(2));
});

void test("a class with a single row is refused before any run, naming the file, the label column, the class and its row", async () => {
  const { temp } = tempFiles("al-thin-");
  const file = temp(".csv", "a,b,y\n1,2,x\n2,3,x\n3,4,x\n4,5,z\n5,6,z\n6,7,w\n");
  const ds = loadDataset(file, { label: "y" });
  await assert.rejects(simulate(ds, { strategies: ["margin"], workers: 0 }), (e: Error & { code?: string }) => {
    assert.equal(e.code, "BAD_INPUT");
    assert.match(e.message, /column "y": class "w" has only one row \(row 6\)/);
    assert.ok(e.message.includes(path.basename(file)));
    return true;
  });
});
