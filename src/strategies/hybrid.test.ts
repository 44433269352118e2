import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { badge, BADGE_WORK_BUDGET, badgeCandidates, badgeSelect, clusterMargin } from "./hybrid.js";
import { fixedModel, makeContext } from "./testing.js";

void test("badge: first the largest gradient embedding, never a duplicate of a chosen one", () => {
  // Rows 0 and 1 are identical and have the largest embedding; row 2 is smaller; 3-4 labeled.
  const rows = [[3, 0], [3, 0], [0, 1], [0, 0], [1, 1]];
  const proba = [[0.5, 0.5], [0.5, 0.5], [0.6, 0.4], [1, 0], [0, 1]];
  const sel = badge.select(makeContext(rows, [3, 4], [0, 1], { model: fixedModel(proba) }), 2);
  assert.equal(sel.indices[0], 0, "ties to the lower position");
  // ||g||^2 = ||p - e||^2 (||x||^2 + 1) = 0.5 * 10.
  assert.ok(Math.abs(sel.scores[0] - 5) < 1e-12);
  assert.equal(sel.indices[1], 2, "the copy of row 0 has D^2 = 0");
  // D^2 by hand from explicit embeddings (yhat = class 0 for both: ties go to the first class).
  const g0 = [-0.5, 0.5].flatMap((a) => [3, 0, 1].map((x) => a * x));
  const g2 = [-0.4, 0.4].flatMap((a) => [0, 1, 1].map((x) => a * x));
  const d2 = g0.reduce((s, v, j) => s + (v - g2[j]) ** 2, 0);
  assert.ok(Math.abs(sel.scores[1] - d2) < 1e-12);
});

void test("cluster_margin: round-robin over clusters, smallest candidate cluster first", () => {
  // Three tight blobs; among the 20 lowest-margin items (k = 2), blob A has 12, blob B 4, blob C 4 (and is less uncertain).
  const rows: number[][] = [];
  const proba: number[][] = [];
  const blob = (cx: number, cy: number, n: number, p: number): void => {
    for (let i = 0; i < n; i++) {
      rows.push([cx + 0.01 * i, cy]);
      proba.push([p, 1 - p]);
    }
  };
  blob(0, 0, 12, 0.5);
  blob(20, 0, 4, 0.55);
  blob(0, 20, 4, 0.6);
  blob(-20, -20, 10, 0.99);
  const ctx = makeContext(rows, [26, 27], [0, 1], { model: fixedModel(proba) });
  const s = clusterMargin();
  const sel = s.select(ctx, 3);
  const blobOf = (i: number): number => (i < 12 ? 0 : i < 16 ? 1 : i < 20 ? 2 : 3);
  assert.deepEqual(new Set(Array.from(sel.indices, blobOf)), new Set([0, 1, 2]), "one item from each candidate blob");
  assert.equal(blobOf(sel.indices[2]), 0, "the biggest candidate cluster comes last");
  // The clustering is cached per instance: a second query on the same pool still works from it.
  assert.equal(s.select(makeContext(rows, [26, 27], [0, 1], { model: fixedModel(proba), X: ctx.X }), 3).indices.length, 3);
});

void test("badge: above its work budget, the batch comes from the items of largest gradient norm; within it, the whole pool", () => {
  const rng = new Rng(5);
  const rows = Array.from({ length: 3000 }, () => [rng.next() * 4 - 2, rng.next() * 4 - 2]);
  const ctx = () => makeContext(rows, [0, 1, 2, 3], [0, 1, 0, 1], { seed: 3 });
  const c = ctx();
  // 10 x 50 features x 10 classes: 10^5 items are within the default budget, 10^6 are not.
  const X = (n: number) => ({ kind: "dense" as const, rows: n, cols: 50, data: new Float64Array(0) });
  assert.equal(badgeCandidates(X(100_000), 100_000, 10, 10), 100_000);
  assert.equal(badgeCandidates(X(1_000_000), 1_000_000, 10, 10), Math.floor(BADGE_WORK_BUDGET / (9 * 60)));
  const small = 9 * (2 + 2) * 1000; // the budget of exactly 1,000 candidates
  assert.equal(badgeCandidates(c.X, c.unlabeled.length, 2, 10, small), 1000);
  // The 1,000 largest gradient norms among the unlabeled items.
  const p = c.model.predictProba(c.X, c.unlabeled);
  const g2 = Array.from(c.unlabeled, (i, r) => {
    const best = p[2 * r] >= p[2 * r + 1] ? 0 : 1;
    const a0 = p[2 * r] - (best === 0 ? 1 : 0);
    const a1 = p[2 * r + 1] - (best === 1 ? 1 : 0);
    return { i, g: (a0 * a0 + a1 * a1) * (rows[i][0] ** 2 + rows[i][1] ** 2 + 1) };
  });
  const top = new Set(g2.sort((a, b) => b.g - a.g).slice(0, 1000).map((e) => e.i));
  const restricted = badgeSelect(ctx(), 10, small);
  assert.equal(restricted.indices.length, 10);
  for (const i of restricted.indices) assert.ok(top.has(i), `item ${i} is among the 1,000 largest gradient norms`);
  // Same seed, same batch; the first pick is the largest norm either way.
  assert.deepEqual(badgeSelect(ctx(), 10, small).indices, restricted.indices);
  assert.equal(badgeSelect(ctx(), 10, Infinity).indices[0], restricted.indices[0]);
  // Within the budget the strategy and the unbounded selection agree exactly.
  assert.deepEqual(badge.select(ctx(), 10).indices, badgeSelect(ctx(), 10, Infinity).indices);
});
