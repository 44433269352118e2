import assert from "node:assert/strict";
import test from "node:test";
import { coreset, rankedBatch, representative } from "./representative.js";
import { fixedModel, makeContext } from "./testing.js";
import { margin } from "./uncertainty.js";

void test("representative spreads the batch over clusters of uncertain items; margin does not", () => {
  // Blob A (rows 0-5, slightly more uncertain) and blob B (rows 6-11); rows 12-13 labeled.
  const rows: number[][] = [];
  const proba: number[][] = [];
  for (let i = 0; i < 6; i++) {
    rows.push([10 + 0.1 * i, 0]);
    proba.push([0.5 + 0.001 * i, 0.5 - 0.001 * i]);
  }
  for (let i = 0; i < 6; i++) {
    rows.push([-10, 0.1 * i]);
    proba.push([0.52 + 0.001 * i, 0.48 - 0.001 * i]);
  }
  rows.push([0, 5], [0, -5]);
  proba.push([1, 0], [0, 1]);
  const ctx = () => makeContext(rows, [12, 13], [0, 1], { model: fixedModel(proba) });
  const m = margin.select(ctx(), 2).indices;
  assert.ok(m[0] < 6 && m[1] < 6, "margin takes both from blob A");
  const r = representative.select(ctx(), 2);
  assert.equal(r.indices.filter((i) => i < 6).length, 1);
  assert.equal(r.indices.filter((i) => i >= 6 && i < 12).length, 1);
  assert.ok(r.scores[0] >= r.scores[1], "best first");
});

void test("coreset: k-center greedy picks the farthest item, then the farthest from everything so far", () => {
  const rows = [[0, 0], [1, 0], [5, 0], [-5.1, 0], [-5, 0.1]];
  const sel = coreset.select(makeContext(rows, [0], [0], { nClasses: 2, model: fixedModel(rows.map(() => [0.5, 0.5])) }), 3);
  assert.deepEqual(Array.from(sel.indices), [3, 2, 1]);
  assert.deepEqual(Array.from(sel.scores, (s) => +s.toFixed(9)), [5.1, 5, 1]);
});

void test("ranked batch: alpha = |U| / (|U| + |L|) trades dissimilarity against least confidence", () => {
  // One labeled item at the origin; U = three items: near and uncertain, far and certain, middle.
  const rows = [[0, 0], [0.5, 0], [4, 0], [2, 0]];
  const proba = [[1, 0], [0.5, 0.5], [1, 0], [0.8, 0.2]];
  const sel = rankedBatch.select(makeContext(rows, [0], [0], { nClasses: 2, model: fixedModel(proba) }), 3);
  const alpha = 3 / 4;
  const score = (d: number, lc: number): number => alpha * (1 - 1 / (1 + d)) + (1 - alpha) * lc;
  // First pick: max of score(0.5, 0.5), score(4, 0), score(2, 0.2) -> the far item.
  assert.equal(sel.indices[0], 2);
  assert.ok(Math.abs(sel.scores[0] - score(4, 0)) < 1e-12);
  // Then the middle item is 2 from both centers: score(2, 0.2) vs score(0.5, 0.5).
  assert.equal(sel.indices[1], 3);
  assert.ok(Math.abs(sel.scores[1] - score(2, 0.2)) < 1e-12);
  assert.ok(Math.abs(sel.scores[2] - score(0.5, 0.5)) < 1e-12);
});
