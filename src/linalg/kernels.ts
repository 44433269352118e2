/**
 * Hot loops of the linear models, for dense and CSR input. Weights are class-major: class c,
 * feature j at w[c * d + j]. Dense loops are register-blocked two rows by two classes (measured
 * 3-4x faster than the naive loop in V8). `rows` selects pool rows without copying (null = all
 * rows); outputs are caller-owned buffers.
 */
import type { Matrix } from "./matrix.js";

/**
 * out[r * k + c] = sum_j X[rows[r], j] * w[c * d + j] + b[c], for r < nRows.
 * @param out length >= nRows * k, overwritten.
 */
export function linearScores(
  X: Matrix,
  rows: Int32Array | null,
  nRows: number,
  w: Float64Array,
  b: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const d = X.cols;
  if (X.kind === "dense") {
    denseScores(X.data, d, rows, nRows, w, b, k, out);
    return;
  }
  {
    const { indptr, indices, values } = X;
    for (let r = 0; r < nRows; r++) {
      const i = rows === null ? r : rows[r];
      const o = r * k;
      for (let c = 0; c < k; c++) out[o + c] = b[c];
      for (let q = indptr[i]; q < indptr[i + 1]; q++) {
        const x = values[q];
        const j = indices[q];
        for (let c = 0; c < k; c++) out[o + c] += x * w[c * d + j];
      }
    }
  }
}

/** Dense part of linearScores, on raw arrays so V8 keeps it monomorphic. */
function denseScores(
  data: Float64Array,
  d: number,
  rows: Int32Array | null,
  nRows: number,
  w: Float64Array,
  b: Float64Array,
  k: number,
  out: Float64Array,
): void {
  let r = 0;
  for (; r + 1 < nRows; r += 2) {
    const xa = (rows === null ? r : rows[r]) * d;
    const xb = (rows === null ? r + 1 : rows[r + 1]) * d;
    const oa = r * k;
    const ob = oa + k;
    let c = 0;
    for (; c + 1 < k; c += 2) {
      const w0 = c * d;
      const w1 = w0 + d;
      let s0 = b[c];
      let s1 = b[c + 1];
      let t0 = s0;
      let t1 = s1;
      for (let j = 0; j < d; j++) {
        const x = data[xa + j];
        const y = data[xb + j];
        const a0 = w[w0 + j];
        const a1 = w[w1 + j];
        s0 += x * a0;
        s1 += x * a1;
        t0 += y * a0;
        t1 += y * a1;
      }
      out[oa + c] = s0;
      out[oa + c + 1] = s1;
      out[ob + c] = t0;
      out[ob + c + 1] = t1;
    }
    if (c < k) {
      const w0 = c * d;
      let s = b[c];
      let t = b[c];
      for (let j = 0; j < d; j++) {
        s += data[xa + j] * w[w0 + j];
        t += data[xb + j] * w[w0 + j];
      }
      out[oa + c] = s;
      out[ob + c] = t;
    }
  }
  if (r < nRows) {
    const xa = (rows === null ? r : rows[r]) * d;
    const oa = r * k;
    for (let c = 0; c < k; c++) {
      const w0 = c * d;
      let s = b[c];
      for (let j = 0; j < d; j++) s += data[xa + j] * w[w0 + j];
      out[oa + c] = s;
    }
  }
}

/**
 * gw[c * d + j] += sum_r X[rows[r], j] * g[r * k + c]; gb[c] += sum_r g[r * k + c].
 * The gradient of a linear model from per-row output gradients g (nRows x k).
 */
export function accumulateGradient(
  X: Matrix,
  rows: Int32Array | null,
  nRows: number,
  g: Float64Array,
  k: number,
  gw: Float64Array,
  gb: Float64Array,
): void {
  for (let r = 0; r < nRows; r++) {
    const o = r * k;
    for (let c = 0; c < k; c++) gb[c] += g[o + c];
  }
  const d = X.cols;
  if (X.kind === "dense") {
    denseGradient(X.data, d, rows, nRows, g, k, gw);
    return;
  }
  {
    const { indptr, indices, values } = X;
    for (let r = 0; r < nRows; r++) {
      const i = rows === null ? r : rows[r];
      const o = r * k;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) {
        const x = values[q];
        const j = indices[q];
        for (let c = 0; c < k; c++) gw[c * d + j] += x * g[o + c];
      }
    }
  }
}

/** Dense part of accumulateGradient (weights only), on raw arrays. */
function denseGradient(
  data: Float64Array,
  d: number,
  rows: Int32Array | null,
  nRows: number,
  g: Float64Array,
  k: number,
  gw: Float64Array,
): void {
  let r = 0;
  for (; r + 1 < nRows; r += 2) {
    const xa = (rows === null ? r : rows[r]) * d;
    const xb = (rows === null ? r + 1 : rows[r + 1]) * d;
    const oa = r * k;
    const ob = oa + k;
    let c = 0;
    for (; c + 1 < k; c += 2) {
      const a0 = g[oa + c];
      const a1 = g[oa + c + 1];
      const b0 = g[ob + c];
      const b1 = g[ob + c + 1];
      const w0 = c * d;
      const w1 = w0 + d;
      for (let j = 0; j < d; j++) {
        const x = data[xa + j];
        const y = data[xb + j];
        gw[w0 + j] += a0 * x + b0 * y;
        gw[w1 + j] += a1 * x + b1 * y;
      }
    }
    if (c < k) {
      const a0 = g[oa + c];
      const b0 = g[ob + c];
      const w0 = c * d;
      for (let j = 0; j < d; j++) gw[w0 + j] += a0 * data[xa + j] + b0 * data[xb + j];
    }
  }
  if (r < nRows) {
    const xa = (rows === null ? r : rows[r]) * d;
    const oa = r * k;
    for (let c = 0; c < k; c++) {
      const a0 = g[oa + c];
      const w0 = c * d;
      for (let j = 0; j < d; j++) gw[w0 + j] += a0 * data[xa + j];
    }
  }
}

/** In-place row-wise softmax of an n x k score matrix (numerically stable). */
export function softmaxRows(s: Float64Array, n: number, k: number): void {
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (s[o + c] > m) m = s[o + c];
    let z = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(s[o + c] - m);
      s[o + c] = e;
      z += e;
    }
    const inv = 1 / z;
    for (let c = 0; c < k; c++) s[o + c] *= inv;
  }
}
