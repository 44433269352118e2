import assert from "node:assert/strict";
import test from "node:test";
import { Pcg64, seedSequenceState } from "./pcg64.js";

// Expected values printed by NumPy (SeedSequence, PCG64.random_raw, default_rng(seed).choice).
void test("SeedSequence and PCG64 match NumPy's default_rng", () => {
  assert.deepEqual(Array.from(seedSequenceState(0, 4)), [2968811710, 3677149159, 745650761, 2884920346]);
  const g = new Pcg64(0);
  assert.equal(g.nextUint64(), 11749869230777074271n);
  assert.equal(g.nextUint64(), 4976686463289251617n);
});

void test("choice without replacement draws NumPy's items: Floyd's algorithm and the tail shuffle", () => {
  assert.deepEqual(Array.from(new Pcg64(0).choice(1257, 10)), [1061, 1022, 795, 638, 337, 51, 20, 385, 220, 94]);
  assert.deepEqual(Array.from(new Pcg64(3).choice(592, 10)), [471, 343, 511, 104, 473, 50, 23, 106, 55, 138]);
  assert.deepEqual(Array.from(new Pcg64(7).choice(10, 10)), [4, 1, 5, 9, 8, 0, 7, 6, 2, 3]);
  assert.deepEqual(Array.from(new Pcg64(1).choice(20000, 500).slice(0, 10)), [12688, 10518, 14450, 15807, 1905, 12329, 5624, 14904, 5157, 12814]);
  assert.deepEqual(Array.from(new Pcg64(2 ** 40 + 5).choice(100, 5)), [0, 91, 1, 36, 44]);
  assert.throws(() => new Pcg64(0).choice(5, 6), { code: "BAD_OPTION" });
});
