import assert from "node:assert/strict";
import test from "node:test";
import { balancedMargin, believerMargin, diverseMargin, kcenterMargin, knnDensityMargin } from "./diverse.js";
import { getStrategy } from "./registry.js";
import { fixedModel, makeContext } from "./testing.js";
import { margin } from "./uncertainty.js";

// Blob A (rows 0-9, the most uncertain), blob B (rows 10-19, a little less), blob C (rows 20-39,
// confident); rows 40-41 labeled.
const rows: number[][] = [];
const proba: number[][] = [];
for (let i = 0; i < 10; i++) {
  rows.push([10 + 0.1 * i, 0]);
  proba.push([0.5 + 0.001 * i, 0.5 - 0.001 * i]);
}
for (let i = 0; i < 10; i++) {
  rows.push([-10, 0.1 * i]);
  proba.push([0.53 + 0.001 * i, 0.47 - 0.001 * i]);
}
for (let i = 0; i < 20; i++) {
  rows.push([0, 10 + 0.1 * i]);
  proba.push([0.95, 0.05]);
}
rows.push([0, 5], [0, -5]);
proba.push([1, 0], [0, 1]);
const ctx = (seed = 1) => makeContext(rows, [40, 41], [0, 1], { model: fixedModel(proba), seed });

void test("diverse_margin clusters the factor·k most uncertain items and takes one per cluster", () => {
  // k = 2, factor 10: the 20 candidates are blobs A and B, so one from each; margin takes both from A.
  const m = margin.select(ctx(), 2).indices;
  assert.ok(m[0] < 10 && m[1] < 10);
  const d = diverseMargin({ name: "d", factor: 10, pick: "nearest" }).select(ctx(), 2);
  assert.deepEqual([...d.indices].map((i) => (i < 10 ? "A" : i < 20 ? "B" : "C")).sort(), ["A", "B"]);
  assert.ok(d.scores[0] >= d.scores[1], "ordered by margin uncertainty");
  // factor 5: the 10 candidates are blob A only, so both picks come from A.
  const narrow = diverseMargin({ name: "d", factor: 5, pick: "nearest" }).select(ctx(), 2).indices;
  assert.ok(narrow[0] < 10 && narrow[1] < 10);
  // pick "uncertain": the most uncertain member of each cluster (row 0 of A, row 10 of B).
  const unc = diverseMargin({ name: "d", factor: 10, pick: "uncertain" }).select(ctx(), 2).indices;
  assert.deepEqual([...unc].sort((a, b) => a - b), [0, 10]);
});

void test("the registered diverse_margin uses a 20k prefilter: with k = 2 its candidates reach blob C", () => {
  const s = getStrategy("diverse_margin");
  // 40 candidates = every unlabeled row; two k-means clusters over three blobs never both land in A.
  const picks = s.select(ctx(), 2).indices;
  assert.equal(new Set(picks).size, 2);
  assert.ok(!(picks[0] < 10 && picks[1] < 10));
});

void test("tuning variants (k-center, kNN density, believer margin) return k distinct unlabeled items", () => {
  for (const s of [kcenterMargin(3), knnDensityMargin(3, 3, 1), believerMargin(20)]) {
    const c = makeContext(rows, [40, 41], [0, 1], { seed: 2 });
    const sel = s.select(c, 4);
    assert.equal(new Set(sel.indices).size, 4, s.name);
    for (const i of sel.indices) assert.ok(i < 40, s.name);
    assert.ok(sel.scores.every(Number.isFinite), s.name);
  }
});

void test("balanced_margin caps a batch's items per confused class pair, then fills up in margin order", () => {
  // Rows 0-5: confused between classes 0 and 1 (most uncertain); rows 6-7: between 1 and 2; row 8 labeled.
  const proba = [
    ...Array.from({ length: 6 }, (_, i) => [0.5 - 0.01 * i, 0.5 + 0.01 * i - 0.001, 0.001]),
    [0.001, 0.6, 0.399],
    [0.001, 0.65, 0.349],
    [1, 0, 0],
  ];
  const rows = proba.map((_, i) => [i]);
  const ctx = () => makeContext(rows, [8], [0], { nClasses: 3, model: fixedModel(proba) });
  // k = 4, share 1: at most ceil(4 / 3) = 2 per pair.
  const sel = balancedMargin(1).select(ctx(), 4);
  assert.deepEqual(Array.from(sel.indices), [0, 1, 6, 7]);
  assert.deepEqual(Array.from(margin.select(ctx(), 4).indices), [0, 1, 2, 3]);
  // k = 6: still 2 per pair; when no other pair is left the skipped items fill up, in margin order.
  assert.deepEqual(Array.from(balancedMargin(1).select(ctx(), 6).indices), [0, 1, 6, 7, 2, 3]);
});
