import assert from "node:assert/strict";
import test from "node:test";
import { pairedDifference, tCritical95, tiedWithBest } from "./aggregate.js";
import type { StrategyResult } from "./types.js";

void test("pairedDifference: mean, standard error and seeds above of the per-seed differences", () => {
  // Differences 0.02, 0.01, -0.01, 0.02: mean 0.01, sample sd 0.014142, se 0.007071.
  const d = pairedDifference([0.82, 0.71, 0.69, 0.9], [0.8, 0.7, 0.7, 0.88]);
  assert.equal(d.mean, 0.01);
  assert.equal(d.se, 0.0071);
  assert.equal(d.above, 3);
  assert.equal(d.seeds, 4);
  // t = 0.01 / 0.00707 = 1.41 < 3.182 (3 degrees of freedom): not significant.
  assert.equal(d.significant, false);
  assert.equal(pairedDifference([0.82, 0.72, 0.71, 0.9], [0.8, 0.7, 0.7, 0.88]).significant, true); // t = 7.0
  // A constant shift has no spread: the se is 0, every seed above.
  assert.deepEqual(pairedDifference([0.5, 0.6, 0.7], [0.4, 0.5, 0.6]), { mean: 0.1, se: 0, above: 3, seeds: 3, significant: true });
  // With fewer than 3 seeds the se is n/a (null, never 0) and nothing is significant.
  assert.deepEqual(pairedDifference([0.5, 0.6], [0.4, 0.5]), { mean: 0.1, se: null, above: 2, seeds: 2, significant: false });
  assert.deepEqual(pairedDifference([0.5], [0.6]), { mean: -0.1, se: null, above: 0, seeds: 1, significant: false });
  assert.throws(() => pairedDifference([0.5], [0.6, 0.7]), /1 and 2 seeds/);
});

void test("tCritical95: Student's t at 5% two-sided, from the table and past it", () => {
  assert.equal(tCritical95(4), 2.776);
  assert.equal(tCritical95(19), 2.093);
  assert.ok(Math.abs(tCritical95(60) - 2.0) < 0.002);
  assert.ok(Math.abs(tCritical95(1e9) - 1.96) < 1e-6);
  assert.equal(tCritical95(0), Infinity);
});

void test("tiedWithBest: the best AULC and the strategies a paired t-test cannot tell from it", () => {
  const run = (aulcs: number[]): StrategyResult => ({
    labels: [10],
    mean_accuracy: [0],
    sd_accuracy: [0],
    aulc: aulcs.reduce((a, b) => a + b, 0) / aulcs.length,
    acc_at: {},
    median_iteration_s: 0,
    labels_to_match_random: null,
    per_seed: aulcs.map((aulc, seed) => ({ seed, accuracy: [aulc], aulc })),
  });
  const t = tiedWithBest({
    best: run([0.8, 0.7, 0.75, 0.9, 0.85]),
    noisy: run([0.79, 0.72, 0.74, 0.88, 0.86]), // differences -0.01, +0.02, -0.01, -0.02, +0.01
    worse: run([0.77, 0.68, 0.72, 0.88, 0.82]), // always 0.02-0.03 below
  });
  assert.deepEqual(t, { best: "best", tied: ["noisy"] });
  assert.equal(tiedWithBest({}), undefined);
});
