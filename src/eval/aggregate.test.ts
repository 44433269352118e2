import assert from "node:assert/strict";
import test from "node:test";
import { pairedDifference } from "./aggregate.js";

void test("pairedDifference: mean, standard error and seeds above of the per-seed differences", () => {
  // Differences 0.02, 0.01, -0.01, 0.02: mean 0.01, sample sd 0.014142, se 0.007071.
  const d = pairedDifference([0.82, 0.71, 0.69, 0.9], [0.8, 0.7, 0.7, 0.88]);
  assert.equal(d.mean, 0.01);
  assert.equal(d.se, 0.0071);
  assert.equal(d.above, 3);
  assert.equal(d.seeds, 4);
  // A constant shift has no spread: the se is 0, every seed above.
  assert.deepEqual(pairedDifference([0.5, 0.6], [0.4, 0.5]), { mean: 0.1, se: 0, above: 2, seeds: 2 });
  assert.deepEqual(pairedDifference([0.5], [0.6]), { mean: -0.1, se: 0, above: 0, seeds: 1 });
  assert.throws(() => pairedDifference([0.5], [0.6, 0.7]), /1 and 2 seeds/);
});
