import assert from "node:assert/strict";
import test from "node:test";
import { MersenneTwister } from "./mt19937.js";

// Expected values printed by numpy.random.RandomState(seed).
void test("MT19937 with NumPy's legacy seeding: random_sample, permutation and choice match NumPy", () => {
  const r = new MersenneTwister(0);
  assert.equal(r.random(), 0.5488135039273248);
  assert.equal(r.nextUint32(), 3071714933);
  assert.deepEqual(Array.from(new MersenneTwister(0).permutation(10)), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  assert.deepEqual(Array.from(new MersenneTwister(42).permutation(20)), [0, 17, 15, 1, 8, 5, 11, 3, 18, 16, 13, 2, 9, 19, 4, 12, 7, 10, 14, 6]);
  assert.deepEqual(Array.from(new MersenneTwister(4294967295).choice(1000, 5)), [94, 405, 819, 632, 217]);
  assert.throws(() => new MersenneTwister(-1), { code: "BAD_OPTION" });
});
