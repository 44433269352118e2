/**
 * Hot loops of the linear models, for dense and CSR input. Weights are stored d x k row-major
 * (feature j, class c at w[j * k + c]) so that the inner loop runs over classes contiguously.
 * `rows` selects pool rows without copying (null = all rows); outputs are caller-owned buffers.
 */
import type { Matrix } from "./matrix.js";

/**
 * out[r * k + c] = sum_j X[rows[r], j] * w[j * k + c] + b[c], for r < nRows.
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
  if (X.kind === "dense") {
    const d = X.cols;
    const data = X.data;
    for (let r = 0; r < nRows; r++) {
      const i = rows === null ? r : rows[r];
      const o = r * k;
      for (let c = 0; c < k; c++) out[o + c] = b[c];
      const base = i * d;
      if (k === 1) {
        let s = b[0];
        for (let j = 0; j < d; j++) s += data[base + j] * w[j];
        out[o] = s;
        continue;
      }
      for (let j = 0; j < d; j++) {
        const x = data[base + j];
        if (x === 0) continue;
        const wj = j * k;
        for (let c = 0; c < k; c++) out[o + c] += x * w[wj + c];
      }
    }
    return;
  }
  const { indptr, indices, values } = X;
  for (let r = 0; r < nRows; r++) {
    const i = rows === null ? r : rows[r];
    const o = r * k;
    for (let c = 0; c < k; c++) out[o + c] = b[c];
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const x = values[q];
      const wj = indices[q] * k;
      for (let c = 0; c < k; c++) out[o + c] += x * w[wj + c];
    }
  }
}

/**
 * gw[j * k + c] += sum_r X[rows[r], j] * g[r * k + c]; gb[c] += sum_r g[r * k + c].
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
  if (X.kind === "dense") {
    const d = X.cols;
    const data = X.data;
    for (let r = 0; r < nRows; r++) {
      const i = rows === null ? r : rows[r];
      const o = r * k;
      const base = i * d;
      if (k === 1) {
        const gr = g[o];
        for (let j = 0; j < d; j++) gw[j] += data[base + j] * gr;
        continue;
      }
      for (let j = 0; j < d; j++) {
        const x = data[base + j];
        if (x === 0) continue;
        const wj = j * k;
        for (let c = 0; c < k; c++) gw[wj + c] += x * g[o + c];
      }
    }
    return;
  }
  const { indptr, indices, values } = X;
  for (let r = 0; r < nRows; r++) {
    const i = rows === null ? r : rows[r];
    const o = r * k;
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const x = values[q];
      const wj = indices[q] * k;
      for (let c = 0; c < k; c++) gw[wj + c] += x * g[o + c];
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
