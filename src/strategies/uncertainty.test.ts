import assert from "node:assert/strict";
import test from "node:test";
import { dense } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import type { ProbabilisticModel } from "../models/types.js";
import { getStrategy, strategyNames } from "./registry.js";
import { entropyScores, leastConfidenceScores, marginScores } from "./uncertainty.js";

// Three items, three classes.
const P = Float64Array.from([0.7, 0.2, 0.1, 0.4, 0.35, 0.25, 0.5, 0.5, 0]);

void test("least confidence: 1 - p(1)", () => {
  const s = leastConfidenceScores(P, 3, 3);
  assert.deepEqual(Array.from(s, (v) => +v.toFixed(12)), [0.3, 0.6, 0.5]);
});

void test("margin: 1 - (p(1) - p(2))", () => {
  const s = marginScores(P, 3, 3);
  assert.deepEqual(Array.from(s, (v) => +v.toFixed(12)), [0.5, 0.95, 1]);
});

void test("entropy: -sum p ln p, with 0 ln 0 = 0", () => {
  const s = entropyScores(P, 3, 3);
  const h = (ps: number[]): number => -ps.filter((p) => p > 0).reduce((a, p) => a + p * Math.log(p), 0);
  assert.ok(Math.abs(s[0] - h([0.7, 0.2, 0.1])) < 1e-12);
  assert.ok(Math.abs(s[1] - h([0.4, 0.35, 0.25])) < 1e-12);
  assert.ok(Math.abs(s[2] - Math.log(2)) < 1e-12);
});

const fixed: ProbabilisticModel = {
  nClasses: 3,
  predictProba(_X, rows) {
    const out = new Float64Array((rows?.length ?? 3) * 3);
    (rows ?? Int32Array.from([0, 1, 2])).forEach((i, r) => out.set(P.subarray(i * 3, i * 3 + 3), r * 3));
    return out;
  },
};

function ctx(unlabeled: number[]) {
  return { model: fixed, X: dense(3, 1), unlabeled: Int32Array.from(unlabeled), labeled: new Int32Array(0), labels: new Int32Array(0), nClasses: 3, rng: new Rng(1), newModel: modelFactory("logreg") };
}

void test("strategies select pool indices best first, among the unlabeled only", () => {
  assert.deepEqual(Array.from(getStrategy("least-confidence").select(ctx([0, 1, 2]), 2).indices), [1, 2]);
  assert.deepEqual(Array.from(getStrategy("margin").select(ctx([0, 1, 2]), 2).indices), [2, 1]);
  assert.deepEqual(Array.from(getStrategy("entropy").select(ctx([0, 1, 2]), 1).indices), [1]);
  const sel = getStrategy("margin").select(ctx([0, 1]), 5);
  assert.deepEqual(Array.from(sel.indices), [1, 0]);
  assert.deepEqual(Array.from(sel.scores, (v) => +v.toFixed(12)), [0.95, 0.5]);
});

void test("random selection is seeded and never repeats an item", () => {
  const a = getStrategy("random").select({ ...ctx([0, 1, 2]), rng: new Rng(9) }, 2).indices;
  const b = getStrategy("random").select({ ...ctx([0, 1, 2]), rng: new Rng(9) }, 2).indices;
  assert.deepEqual(a, b);
  assert.equal(new Set(a).size, 2);
});

void test("registry knows the four basic strategies and names unknown ones", () => {
  assert.deepEqual(strategyNames().slice(0, 4), ["random", "least_confidence", "margin", "entropy"]);
  assert.throws(() => getStrategy("nope"), /unknown strategy "nope"; known: random/);
});
