import assert from "node:assert/strict";
import test from "node:test";
import { fixedModel, makeContext } from "./testing.js";
import { typicalMargin, typicalVariance, typiclust } from "./typical.js";
import type { QueryStrategy } from "./types.js";
import { varianceReductionStrategy } from "./variance.js";
import { margin } from "./uncertainty.js";

/** Three blobs: A (rows 0-11, labeled rows 0-1), B (12-31, the largest) and C (32-39), plus an outlier (40). */
function blobs(): { rows: number[][]; proba: number[][] } {
  const rows: number[][] = [];
  const ring = (cx: number, cy: number, n: number): void => {
    rows.push([cx, cy]);
    for (let i = 1; i < n; i++) rows.push([cx + Math.cos(i) * (0.2 + 0.05 * (i % 5)), cy + Math.sin(i) * (0.2 + 0.05 * (i % 5))]);
  };
  ring(0, 0, 12);
  ring(10, 0, 20);
  ring(0, 10, 8);
  rows.push([30, 30]);
  // The model is most unsure about blob A and the outlier: typiclust must not care.
  const proba = rows.map((_, i) => (i < 12 || i === 40 ? [0.5, 0.5] : [0.9, 0.1]));
  return { rows, proba };
}

void test("typiclust takes the most typical item of the largest uncovered cluster first, then of the next; never the outlier", () => {
  const { rows, proba } = blobs();
  const sel = typiclust.select(makeContext(rows, [0, 1], [0, 1], { model: fixedModel(proba), seed: 3 }), 2);
  assert.equal(sel.indices.length, 2);
  const blob = (i: number): string => (i < 12 ? "A" : i < 32 ? "B" : i < 40 ? "C" : "outlier");
  assert.deepEqual(Array.from(sel.indices, blob), ["B", "C"]);
  // The ring centres are the densest points of their blobs.
  assert.deepEqual(Array.from(sel.indices), [12, 32]);
  assert.ok(sel.scores.every((s) => s > 0));
  // Same seed, same batch.
  assert.deepEqual(typiclust.select(makeContext(rows, [0, 1], [0, 1], { model: fixedModel(proba), seed: 3 }), 2), sel);
});

void test("typical_margin is typiclust below perClass labels per class and margin from there on", () => {
  const { rows, proba } = blobs();
  const few = makeContext(rows, [0, 1], [0, 1], { model: fixedModel(proba), seed: 3 });
  const s = typicalMargin(2);
  assert.deepEqual(s.select(few, 2).indices, typiclust.select(makeContext(rows, [0, 1], [0, 1], { model: fixedModel(proba), seed: 3 }), 2).indices);
  const many = () => makeContext(rows, [0, 1, 12, 32], [0, 1, 0, 1], { model: fixedModel(proba), seed: 3 });
  assert.deepEqual(s.select(many(), 3).indices, margin.select(many(), 3).indices);
  assert.equal(s.name, "typical_margin");
});

void test("typical_variance: typiclust below 5 labels a class, variance reduction below 25 (3+ classes), then margin", () => {
  const b = blobs();
  // 41 blob rows plus 100 on a line, so that 75 labeled rows still leave a pool.
  const rows = [...b.rows, ...Array.from({ length: 100 }, (_, i) => [20 + 0.3 * i, 20 - 0.2 * (i % 17)])];
  const three = rows.map((_, i) => [0.2 + 0.005 * (i % 40), 0.5 - 0.005 * (i % 40), 0.3]);
  const ctxWith = (n: number, K: number) =>
    makeContext(rows, Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => i % K), {
      model: fixedModel(K === 3 ? three : three.map(([p]) => [p, 1 - p])),
      seed: 3,
    });
  const same = (n: number, K: number, other: QueryStrategy): void => {
    const got = typicalVariance.select(ctxWith(n, K), 3);
    assert.deepEqual({ ...got, by: undefined }, { ...other.select(ctxWith(n, K), 3), by: undefined }, `${n} labels, ${K} classes`);
    // The phase that chose is named, for "why this item".
    assert.equal(got.by, other.name);
  };
  same(14, 3, typiclust);
  same(15, 3, varianceReductionStrategy);
  same(74, 3, varianceReductionStrategy);
  same(75, 3, margin);
  assert.notDeepEqual(typicalVariance.select(ctxWith(15, 3), 3).indices, margin.select(ctxWith(15, 3), 3).indices);
  // Two classes: typical_margin.
  same(9, 2, typiclust);
  same(10, 2, margin);
  same(49, 2, margin);
  assert.equal(typicalVariance.name, "typical_variance");
});

void test("typiclust on a sparse pool and on a pool smaller than the batch", () => {
  const { rows } = blobs();
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    indptr[i + 1] = indices.length;
  });
  const X = { kind: "csr" as const, rows: rows.length, cols: 2, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
  const sel = typiclust.select(makeContext(rows, [0, 1], [0, 1], { X, model: fixedModel(rows.map(() => [0.5, 0.5])) }), 2);
  assert.equal(new Set(sel.indices).size, 2);
  assert.ok(Array.from(sel.indices).every((i) => i >= 12 && i < 40), `picked ${Array.from(sel.indices).join(", ")}`);
  const tiny = typiclust.select(makeContext([[0], [1], [2]], [0], [0], { nClasses: 2, model: fixedModel([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]) }), 5);
  assert.deepEqual(Array.from(tiny.indices).sort(), [1, 2]);
});
