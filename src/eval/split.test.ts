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
