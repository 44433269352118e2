import assert from "node:assert/strict";
import test from "node:test";
import {
  calibrateJoint,
  classCounts,
  confidentJoint,
  estimatedIssues,
  noiseRates,
  normalizedMargin,
  perClassThresholds,
  pruneByNoiseRate,
  selfConfidence,
} from "./confident-learning.js";
import { issuesFromProba } from "./label-issues.js";

/*
 * The hand-worked case: 8 rows, 3 classes.
 *
 *   row  given  p0   p1   p2
 *   r0   0      .8   .1   .1
 *   r1   0      .6   .3   .1
 *   r2   0      .1   .8   .1    <- looks like a 1
 *   r3   1      .2   .7   .1
 *   r4   1      .1   .6   .3
 *   r5   2      .1   .2   .7
 *   r6   2      .2   .1   .7
 *   r7   2      .7   .2   .1    <- looks like a 0
 *
 * Thresholds (mean self-confidence per given class):
 *   t0 = (.8 + .6 + .1) / 3 = .5,  t1 = (.7 + .6) / 2 = .65,  t2 = (.7 + .7 + .1) / 3 = .5
 * Confident class (most probable among the classes with p_j >= t_j):
 *   r0: 0 (.8 >= .5)   r1: 0 (.6 >= .5)   r2: 1 (.8 >= .65)   r3: 1 (.7 >= .65)
 *   r4: none (.1 < .5, .6 < .65, .3 < .5)  r5: 2   r6: 2   r7: 0 (.7 >= .5)
 * Confident joint C [given][confident]:
 *   given 0: [2, 1, 0]   given 1: [0, 1, 0]   given 2: [1, 0, 2]
 * Calibrated (row i scaled to the 3, 2, 3 rows given i, divided by n = 8):
 *   given 0: [2, 1, 0] * (3/3) / 8 = [.25, .125, 0]
 *   given 1: [0, 1, 0] * (2/1) / 8 = [0, .25, 0]
 *   given 2: [1, 0, 2] * (3/3) / 8 = [.125, 0, .25]        (sum 1)
 * Noise rates: class 0: 1 - .25/.375 = 1/3; class 1: 0; class 2: 1/3.
 * Estimated issues: 8 * (.125 + .125) = 2.
 * Prune by noise rate: cell (0, 1): round(8 * .125) = 1 row given 0 with the largest p1 - p0:
 *   r0 -.7, r1 -.3, r2 +.7 -> r2. Cell (2, 0): 1 row given 2 with the largest p0 - p2:
 *   r5 -.6, r6 -.5, r7 +.6 -> r7. Issues: r2, r7 (neither's given label is its most probable).
 */
const p = Float64Array.from([0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.8, 0.1, 0.2, 0.7, 0.1, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7, 0.2, 0.1, 0.7, 0.7, 0.2, 0.1]);
const given = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2]);
const K = 3;

const close = (actual: ArrayLike<number>, expected: readonly number[], what: string): void => {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-12, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
};

void test("thresholds are the mean self-confidence per given class (hand values)", () => {
  close(perClassThresholds(p, given, K), [0.5, 0.65, 0.5], "thresholds");
});

void test("the confident joint, its calibration and the noise rates match the hand computation", () => {
  const t = perClassThresholds(p, given, K);
  const cj = confidentJoint(p, given, K, t);
  assert.deepEqual(Array.from(cj.counts), [2, 1, 0, 0, 1, 0, 1, 0, 2]);
  assert.deepEqual(Array.from(cj.confident), [0, 0, 1, 1, -1, 2, 2, 0]);
  const Q = calibrateJoint(cj.counts, classCounts(given, K));
  close(Q, [0.25, 0.125, 0, 0, 0.25, 0, 0.125, 0, 0.25], "calibrated joint");
  close(noiseRates(Q, K), [1 / 3, 0, 1 / 3], "noise rates");
  assert.equal(estimatedIssues(Q, K, 8), 2);
});

void test("prune by noise rate flags the rows of largest margin per off-diagonal cell (hand values)", () => {
  const Q = calibrateJoint(confidentJoint(p, given, K, perClassThresholds(p, given, K)).counts, classCounts(given, K));
  assert.deepEqual(Array.from(pruneByNoiseRate(p, given, K, Q)), [0, 0, 1, 0, 0, 0, 0, 1]);
});

void test("prune by noise rate never flags a row whose given label is its most probable class", () => {
  // Q[0][1] = .25: two rows given 0 by margin p1 - p0 are r2 (+.7) and r1 (-.3); r1's most probable class is 0, its given label.
  const Q = Float64Array.from([0.125, 0.25, 0, 0, 0.25, 0, 0, 0, 0.375]);
  assert.deepEqual(Array.from(pruneByNoiseRate(p, given, K, Q)), [0, 0, 1, 0, 0, 0, 0, 0]);
  // The whole class is never flagged: at most all rows but one.
  const all = Float64Array.from([0, 0.375, 0, 0, 0.25, 0, 0, 0, 0.375]);
  assert.ok(pruneByNoiseRate(p, given, K, all).slice(0, 3).reduce((a, b) => a + b, 0) <= 2);
});

void test("label quality: self-confidence and normalized margin (hand values)", () => {
  close(selfConfidence(p, given, K), [0.8, 0.6, 0.1, 0.7, 0.6, 0.7, 0.7, 0.1], "self-confidence");
  // r0: (.8 - .1 + 1) / 2 = .85; r2: (.1 - .8 + 1) / 2 = .15; r4: (.6 - .3 + 1) / 2 = .65.
  const m = normalizedMargin(p, given, K);
  close([m[0], m[2], m[4]], [0.85, 0.15, 0.65], "normalized margin");
});

void test("issues: as many as prune by noise rate flags, the lowest self-confidence among rows whose given label is not the most probable", () => {
  const r = issuesFromProba(p, given, ["a", "b", "c"]);
  assert.equal(r.pruned, 2);
  assert.equal(r.flagged, 2);
  assert.deepEqual(Array.from(r.issue), [0, 0, 1, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(r.suggested), [0, 0, 1, 1, 1, 2, 2, 0]);
  close(r.noiseRates, [1 / 3, 0, 1 / 3], "noise rates");
});

void test("a class no row is given has an infinite threshold and is never a confident class", () => {
  const q = Float64Array.from([0.9, 0.1, 0.2, 0.8]);
  const g = Int32Array.from([0, 0]);
  const t = perClassThresholds(q, g, 2);
  assert.equal(t[1], Infinity);
  assert.deepEqual(Array.from(confidentJoint(q, g, 2, t).confident), [0, -1]);
});

void test("shape errors name the problem", () => {
  assert.throws(() => perClassThresholds(new Float64Array(5), given, K), /5 probabilities for 8 rows x 3 classes/);
  assert.throws(() => selfConfidence(p, Int32Array.from([0, 0, 0, 1, 1, 2, 2, 3]), K), /given label 3 of row 7/);
});
