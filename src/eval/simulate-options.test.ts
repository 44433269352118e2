import assert from "node:assert/strict";
import test from "node:test";
import { strategyNames } from "../strategies/registry.js";
import { resolveSimulateOptions } from "./simulate.js";

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
