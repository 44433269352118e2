import assert from "node:assert/strict";
import test from "node:test";
import { EER_LOOKAHEAD_TOL, eer, errorPrediction, expectedErrorReduction, outOfFoldProba } from "./error-reduction.js";
import { fixedModel, makeContext } from "./testing.js";
import { entropyScores, leastConfidenceScores, margin } from "./uncertainty.js";

// 1-D, two classes split at 0; unlabeled items far out and near the boundary.
const rows = [[-3], [-2], [-1.5], [2], [1.5], [3], [-9], [0.2], [9], [-0.3], [5]];
const labeled = [0, 1, 2, 3, 4, 5];
const labels = [0, 0, 0, 1, 1, 1];

void test("eer: the score is H0 minus the expected entropy after refitting with each label", () => {
  const ctx = makeContext(rows, labeled, labels, { seed: 2 });
  const sel = eer.select(ctx, 5);
  // Recompute the score of the best item by hand (the eval set is all 5 unlabeled items).
  const U = ctx.unlabeled;
  const meanH = (p: Float64Array): number => entropyScores(p, U.length, 2).reduce((a, b) => a + b, 0) / U.length;
  const x = sel.indices[0];
  const px = ctx.model.predictProba(ctx.X, Int32Array.of(x));
  let expected = 0;
  for (const y of [0, 1]) {
    const m = ctx.newModel(2).fit(ctx.X, [...labels, y], { rows: Int32Array.from([...labeled, x]), warmStart: ctx.model as never, tol: EER_LOOKAHEAD_TOL });
    expected += px[y] * meanH(m.predictProba(ctx.X, U));
  }
  assert.ok(Math.abs(sel.scores[0] - (meanH(ctx.model.predictProba(ctx.X, U)) - expected)) < 1e-9);
  // Labeling near the boundary reduces the pool's expected log loss more than labeling far out.
  assert.ok([7, 9].includes(sel.indices[0]));
  assert.ok(sel.indices.indexOf(8) > sel.indices.indexOf(7));
});

void test("error_prediction falls back to margin with too few labels or too few mistakes", () => {
  const few = makeContext(rows, labeled, labels);
  assert.deepEqual(errorPrediction.select(few, 3).indices, margin.select(makeContext(rows, labeled, labels), 3).indices);
});

void test("error_prediction learns where out-of-fold mistakes are and queries there", () => {
  // Class = sign of x0, except where x1 > 3: there labels are mixed and the model errs.
  // Margin alone would query the clean boundary (x0 near 0, x1 = 0).
  const pts: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < 30; i++) {
    const x0 = -3 + (6 * i) / 29;
    pts.push([x0, 0]);
    ys.push(x0 > 0 ? 1 : 0);
  }
  for (let i = 0; i < 12; i++) {
    pts.push([-3 + (6 * i) / 11, 4]);
    ys.push(i % 2);
  }
  const unl = [[0.05, 0], [-0.05, 0], [2.5, 4.5], [-2.5, 4.5]];
  const all = [...pts, ...unl];
  const ctx = makeContext(all, pts.map((_, i) => i), ys, { seed: 4 });
  const oof = outOfFoldProba(ctx);
  assert.equal(oof.length, pts.length * 2);
  const sel = errorPrediction.select(ctx, 2);
  assert.deepEqual(new Set(sel.indices), new Set([44, 45]), "the noisy region, not the clean boundary");
  const m = margin.select(makeContext(all, pts.map((_, i) => i), ys, { seed: 4 }), 2).indices;
  assert.deepEqual(new Set(m), new Set([42, 43]));
});

void test("eer ignores labels the model deems nearly impossible", () => {
  const model = fixedModel(rows.map(() => [0.995, 0.005]));
  const sel = eer.select(makeContext(rows, labeled, labels, { model }), 2);
  assert.equal(sel.indices.length, 2);
  for (const s of sel.scores) assert.ok(Number.isFinite(s));
});

void test("eer's 0/1-loss form scores the expected drop in mistakes, 1 - max p, after refitting", () => {
  const ctx = makeContext(rows, labeled, labels, { seed: 2 });
  const sel = expectedErrorReduction("zero_one", "eer01").select(ctx, 5);
  const U = ctx.unlabeled;
  const meanErr = (p: Float64Array): number => leastConfidenceScores(p, U.length, 2).reduce((a, b) => a + b, 0) / U.length;
  const x = sel.indices[0];
  const px = ctx.model.predictProba(ctx.X, Int32Array.of(x));
  let expected = 0;
  for (const y of [0, 1]) {
    const m = ctx.newModel(2).fit(ctx.X, [...labels, y], { rows: Int32Array.from([...labeled, x]), warmStart: ctx.model as never, tol: EER_LOOKAHEAD_TOL });
    expected += px[y] * meanErr(m.predictProba(ctx.X, U));
  }
  assert.ok(Math.abs(sel.scores[0] - (meanErr(ctx.model.predictProba(ctx.X, U)) - expected)) < 1e-9);
  assert.equal(new Set(sel.indices).size, 5);
});
