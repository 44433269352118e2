import assert from "node:assert/strict";
import test from "node:test";
import { strategyNames } from "../strategies/registry.js";
import { loadDataset } from "../data/load.js";
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
