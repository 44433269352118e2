import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { largestPositions } from "./helpers.js";

/** The reference: sort positions by score descending (NaN last), ties by position, take m, ascending. */
function bySort(scores: readonly number[], m: number): number[] {
  const key = (x: number): number => (Number.isNaN(x) ? -Infinity : x);
  return scores
    .map((x, r) => ({ x: key(x), r }))
    .sort((a, b) => b.x - a.x || a.r - b.r)
    .slice(0, m)
    .map((e) => e.r)
    .sort((a, b) => a - b);
}

void test("largestPositions: the m largest scores, ascending by position, ties at the cut to the lower positions", () => {
  assert.deepEqual(Array.from(largestPositions([3, 1, 3, 2, 3], 2)), [0, 2]);
  assert.deepEqual(Array.from(largestPositions([1, NaN, 0], 2)), [0, 2]);
  assert.deepEqual(Array.from(largestPositions([5, 4], 5)), [0, 1]);
  assert.deepEqual(Array.from(largestPositions([5, 4], 0)), []);
  const rng = new Rng(11);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(200);
    // Few distinct values (many ties), sometimes NaN and infinities.
    const distinct = 1 + rng.int(12);
    const scores = Array.from({ length: n }, () => {
      const u = rng.next();
      if (u < 0.03) return NaN;
      if (u < 0.05) return u < 0.04 ? Infinity : -Infinity;
      return trial % 2 === 0 ? rng.int(distinct) : rng.next();
    });
    const m = rng.int(n + 2);
    assert.deepEqual(Array.from(largestPositions(scores, m)), bySort(scores, m), `trial ${trial}: n ${n}, m ${m}`);
  }
});
