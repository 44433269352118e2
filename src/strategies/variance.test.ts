import assert from "node:assert/strict";
import test from "node:test";
import { dense } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { spdInverse } from "../linalg/spd.js";
import { modelFactory } from "../models/registry.js";
import { fixedModel, makeContext } from "./testing.js";
import { FisherState, rowMatrices, varianceReduction } from "./variance.js";
import { margin } from "./uncertainty.js";

/** A pool of n rows, d features, K classes, with softmax probabilities from fixed random weights. */
function problem(n: number, d: number, K: number, seed: number) {
  const rng = new Rng(seed);
  const X = dense(n, d, Float64Array.from({ length: n * d }, () => rng.next() * 4 - 2));
  const proba = new Float64Array(n * K);
  const w = Float64Array.from({ length: K * d }, () => rng.next() * 2 - 1);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let c = 0; c < K; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += w[c * d + j] * X.data[i * d + j];
      proba[i * K + c] = Math.exp(s);
      z += proba[i * K + c];
    }
    for (let c = 0; c < K; c++) proba[i * K + c] /= z;
  }
  return { X, proba };
}

/**
 * Brute force, written from the definitions: θ indexed (class a, feature j) with x' = [x, 1];
 * F = penalty + C Σ_L D ⊗ x'x'ᵀ, total variance tr(F⁻¹ S), S = Σ_E D² ⊗ x'x'ᵀ.
 */
function totalVariance(X: { data: Float64Array; cols: number }, proba: Float64Array, K: number, C: number, lab: number[], ev: number[]): number {
  const m = K === 2 ? 1 : K;
  const dp = X.cols + 1;
  const P = m * dp;
  const xr = (i: number, j: number): number => (j === dp - 1 ? 1 : X.data[i * X.cols + j]);
  const D = (i: number, a: number, b: number): number => {
    if (m === 1) return proba[i * K + 1] * (1 - proba[i * K + 1]);
    return (a === b ? proba[i * K + a] : 0) - proba[i * K + a] * proba[i * K + b];
  };
  const F = new Float64Array(P * P);
  const S = new Float64Array(P * P);
  for (let a = 0; a < m; a++) for (let j = 0; j < dp; j++) for (let b = 0; b < m; b++) for (let l = 0; l < dp; l++) {
    let f = a === b && j === l ? (j === dp - 1 ? 1e-3 : 1) : 0;
    for (const i of lab) f += C * D(i, a, b) * xr(i, j) * xr(i, l);
    let s = 0;
    for (const i of ev) {
      let d2 = 0;
      for (let c = 0; c < m; c++) d2 += D(i, a, c) * D(i, c, b);
      s += d2 * xr(i, j) * xr(i, l);
    }
    F[(a * dp + j) * P + b * dp + l] = f;
    S[(a * dp + j) * P + b * dp + l] = s;
  }
  const A = spdInverse(F, P);
  let t = 0;
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) t += A[i * P + j] * S[j * P + i];
  return t;
}

for (const K of [2, 3]) {
  void test(`FisherState (K = ${K}): each score is the exact fall of the total variance, also after rank-${K === 2 ? 1 : K} updates`, () => {
    const { X, proba } = problem(14, 3, K, 5 + K);
    const C = 0.7;
    const lab = [0, 1, 2, 3];
    const ev = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    const pl = new Float64Array(lab.length * K);
    lab.forEach((i, r) => pl.set(proba.subarray(i * K, (i + 1) * K), r * K));
    const pe = new Float64Array(ev.length * K);
    ev.forEach((i, r) => pe.set(proba.subarray(i * K, (i + 1) * K), r * K));
    const state = new FisherState(X, K, C, Int32Array.from(lab), pl, 1, Int32Array.from(ev), pe);
    const m = K === 2 ? 1 : K;
    const R = (i: number): Float64Array => {
      const r = new Float64Array(m * m);
      rowMatrices(proba.subarray(i * K, (i + 1) * K), m, new Float64Array(m * m), new Float64Array(m * m), r);
      return r;
    };
    const known = [...lab];
    for (const add of [5, 9, 12]) {
      const before = totalVariance(X, proba, K, C, known, ev);
      for (const c of [4, 6, 7, 10]) {
        const want = before - totalVariance(X, proba, K, C, [...known, c], ev);
        const got = state.score(X, c, R(c));
        assert.ok(want > 0);
        assert.ok(Math.abs(got - want) < 1e-9 * Math.max(1, want), `after ${known.length} rows, candidate ${c}: ${got} vs ${want}`);
      }
      state.add(X, add, R(add));
      known.push(add);
    }
  });
}

void test("variance_reduction: greedy batch; an item's value falls once its twin is chosen", () => {
  // 2-D pool, four labeled items around the origin; rows 4 and 5 are identical.
  const rows = [[-2, 0], [2, 0], [0, -2], [0, 2], [0.2, 0.1], [0.2, 0.1], [0.1, 1.2], [-0.3, 1], [1.5, -1.2], [-1.2, -0.4]];
  const proba = [[0.95, 0.05], [0.05, 0.95], [0.9, 0.1], [0.1, 0.9], [0.5, 0.5], [0.5, 0.5], [0.45, 0.55], [0.55, 0.45], [0.2, 0.8], [0.7, 0.3]];
  const ctx = makeContext(rows, [0, 1, 2, 3], [0, 1, 0, 1], { model: fixedModel(proba) });
  const sel = varianceReduction().select(ctx, 4);
  assert.deepEqual(Array.from(sel.indices), [7, 4, 5, 6]);
  // The twin is worth about half as much once row 4 is in (a rank-one update of the same row).
  assert.ok(sel.scores[2] < 0.6 * sel.scores[1], `${sel.scores[2]} vs ${sel.scores[1]}`);
  for (let t = 1; t < 4; t++) assert.ok(sel.scores[t] <= sel.scores[t - 1]);
  // The first pick alone is the same item with the same score.
  const one = varianceReduction().select(ctx, 1);
  assert.deepEqual([one.indices[0], one.scores[0]], [sel.indices[0], sel.scores[0]]);
});

void test("variance_reduction: pools wider than maxParams use margin; a fitted model's C is used", () => {
  const { X } = problem(40, 6, 3, 2);
  const y = Int32Array.from({ length: 40 }, (_, i) => i % 3);
  const lab = Int32Array.from({ length: 9 }, (_, i) => i);
  const model = modelFactory("logreg")(3).fit(X, y.subarray(0, 9), { rows: lab });
  const ctx = makeContext([], Array.from(lab), Array.from(y.subarray(0, 9)), { X, model, nClasses: 3 });
  const narrow = varianceReduction({ maxParams: 10 }).select(ctx, 5);
  assert.deepEqual(narrow, margin.select(ctx, 5));
  const wide = varianceReduction().select(ctx, 5);
  assert.equal(new Set(wide.indices).size, 5);
  assert.notDeepEqual(Array.from(wide.indices), Array.from(narrow.indices));
});
