import assert from "node:assert/strict";
import test from "node:test";
import { rareClass, rarestLabeledClass } from "./rare-class.js";
import { fixedModel, makeContext } from "./testing.js";

void test("the rarest labeled class; none when fewer than two classes are labeled", () => {
  assert.equal(rarestLabeledClass(Int32Array.from([0, 0, 2, 2, 1, 0]), 4), 1);
  assert.equal(rarestLabeledClass(Int32Array.from([2, 0, 2, 0]), 3), 0);
  assert.equal(rarestLabeledClass(Int32Array.from([1, 1]), 3), -1);
});

const rows = [[0], [1], [2], [3], [4], [5], [6], [7]];
// Rows 0-4 unlabeled: 0 = likely positive (class 1), 1 = uncertain, 2 = certain negative,
// 3 = likely class 2, 4 = fairly likely positive and uncertain. Rows 5-7 labeled 0, 0 / 1 / 2.
const proba = [[0.05, 0.9, 0.05], [0.45, 0.45, 0.1], [0.98, 0.01, 0.01], [0.1, 0.1, 0.8], [0.35, 0.6, 0.05], [1, 0, 0], [0, 1, 0], [0, 0, 1]];

void test("mix 0 mines the target class; the default mix also weighs uncertainty", () => {
  const ctx = () => makeContext(rows, [5, 6, 7, 2], [0, 1, 2, 0], { model: fixedModel(proba) });
  // Rarest labeled: classes 1 and 2 tie at one label -> class 1.
  assert.deepEqual(Array.from(rareClass({ mix: 0 }).select(ctx(), 2).indices), [0, 4]);
  // mix 0.5: row 1 = 0.5 * 0.45 + 0.5 * 1 = 0.725, row 4 = 0.5 * 0.6 + 0.5 * 0.75 = 0.675,
  // row 0 = 0.5 * 0.9 + 0.5 * 0.15 = 0.525: the uncertain ones now come before the easy positive.
  const sel = rareClass().select(ctx(), 3);
  assert.deepEqual(Array.from(sel.indices), [1, 4, 0]);
  assert.deepEqual(Array.from(sel.scores, (v) => +v.toFixed(12)), [0.725, 0.675, 0.525]);
  assert.deepEqual(Array.from(rareClass({ target: 2, mix: 0 }).select(ctx(), 1).indices), [3]);
});

void test("rare_class checks its options and falls back to seeded random with one class labeled", () => {
  assert.throws(() => rareClass({ mix: 2, target: -1 }), (e: Error & { code?: string }) => e.code === "BAD_OPTION" && /mix/.test(e.message) && /target/.test(e.message));
  const ctx = makeContext(rows, [5, 6, 7], [0, 1, 2], { model: fixedModel(proba) });
  assert.throws(() => rareClass({ target: 3 }).select(ctx, 1), { code: "BAD_OPTION" });
  const one = () => makeContext(rows, [5, 2], [0, 0], { nClasses: 3, model: fixedModel(proba), seed: 8 });
  const a = rareClass().select(one(), 3).indices;
  assert.deepEqual(a, rareClass().select(one(), 3).indices);
  assert.equal(new Set(a).size, 3);
});
