import assert from "node:assert/strict";
import test from "node:test";
import { stratifiedSplit } from "./split.js";

void test("stratified split keeps class proportions, covers every row once and is seeded", () => {
  const y = Int32Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 950 ? 1 : 2));
  const s = stratifiedSplit(y, 3, 0.3, 7);
  assert.equal(s.test.length, 300);
  assert.equal(s.pool.length + s.test.length, 1000);
  const count = (idx: Int32Array, c: number): number => Array.from(idx).filter((i) => y[i] === c).length;
  assert.deepEqual([count(s.test, 0), count(s.test, 1), count(s.test, 2)], [210, 75, 15]);
  assert.equal(new Set([...s.pool, ...s.test]).size, 1000);
  assert.deepEqual(stratifiedSplit(y, 3, 0.3, 7), s);
  assert.notDeepEqual(stratifiedSplit(y, 3, 0.3, 8).test, s.test);
  assert.throws(() => stratifiedSplit(y, 3, 1.5, 0), { code: "BAD_OPTION" });
});

void test("the split is scikit-learn's train_test_split(stratify=y, random_state=seed), row for row and in its order", () => {
  // Expected parts computed with NumPy's RandomState and StratifiedShuffleSplit's algorithm.
  const y = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1, 0, 0, 2, 1, 1, 1, 0, 2, 2, 0, 1, 1, 2];
  const s = stratifiedSplit(y, 3, 0.3, 3);
  assert.deepEqual(Array.from(s.pool), [22, 16, 3, 5, 19, 6, 10, 4, 9, 11, 14, 18, 2, 8, 20, 12]);
  assert.deepEqual(Array.from(s.test), [21, 17, 15, 1, 13, 0, 7]);
});

void test("a class with one row, or a part too small for one row per class, is refused by name", () => {
  assert.throws(() => stratifiedSplit([0, 0, 1, 1, 2], 3, 0.4, 0, ["a", "b", "fraud"]), /class "fraud" has only one row/);
  assert.throws(() => stratifiedSplit([0, 0, 1, 1, 2, 2], 3, 0.1, 0), /at least one row per class/);
});
