/**
 * Small dense symmetric positive-definite algebra (row-major n x n Float64Array): Cholesky
 * factorisation, inverse, and the products the Fisher-information strategies need. Sizes here are
 * parameter counts of a linear model (hundreds), so plain loops in cache-friendly order suffice.
 */
import { ShapeMismatchError } from "../errors.js";

/**
 * Cholesky factor L (lower, row-major) of the SPD matrix a, in place: on return the lower triangle
 * of a holds L and the strict upper triangle is zeroed. Throws when a is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  if (a.length !== n * n) throw new ShapeMismatchError(`cholesky: need ${n * n} values, got ${a.length}`);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j];
    for (let k = 0; k < j; k++) s -= a[rj + k] * a[rj + k];
    if (!(s > 0)) throw new RangeError(`cholesky: matrix is not positive definite (pivot ${j} is ${s})`);
    const l = Math.sqrt(s);
    a[rj + j] = l;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = a[ri + j];
      for (let k = 0; k < j; k++) t -= a[ri + k] * a[rj + k];
      a[ri + j] = t / l;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
}

/** The inverse of the SPD matrix a (n x n), as a new symmetric matrix; a is left unchanged. */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  const l = a.slice();
  choleskyInPlace(l, n);
  // Solve L Z = I column block by column: Z = L^-1 (lower), then A^-1 = Z^T Z.
  const z = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let t = i === c ? 1 : 0;
      const ri = i * n;
      for (let k = c; k < i; k++) t -= l[ri + k] * z[k * n + c];
      z[ri + c] = t / l[ri + i];
    }
  }
  const out = new Float64Array(n * n);
  // out[i][j] = sum_k z[k][i] z[k][j], k >= max(i, j); accumulate row k's outer product.
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const zi = z[rk + i];
      if (zi === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) out[ri + j] += zi * z[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
  return out;
}

/**
 * c = a b for n x n row-major matrices (new array); with `symmetric` the product is known to be
 * symmetric (as A S A for symmetric A and S) and only its upper triangle is computed, then mirrored.
 * Four rows of a at a time share each loaded row of b.
 */
export function matMul(a: Float64Array, b: Float64Array, n: number, symmetric = false): Float64Array {
  const c = new Float64Array(n * n);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    const from = symmetric ? i : 0;
    for (let k = 0; k < n; k++) {
      const a0 = a[r0 + k];
      const a1 = a[r1 + k];
      const a2 = a[r2 + k];
      const a3 = a[r3 + k];
      const rk = k * n;
      for (let j = from; j < n; j++) {
        const bkj = b[rk + j];
        c[r0 + j] += a0 * bkj;
        c[r1 + j] += a1 * bkj;
        c[r2 + j] += a2 * bkj;
        c[r3 + j] += a3 * bkj;
      }
    }
  }
  for (; i < n; i++) {
    const ri = i * n;
    const from = symmetric ? i : 0;
    for (let k = 0; k < n; k++) {
      const aik = a[ri + k];
      const rk = k * n;
      for (let j = from; j < n; j++) c[ri + j] += aik * b[rk + j];
    }
  }
  if (symmetric) for (let r = 0; r < n; r++) for (let j = 0; j < r; j++) c[r * n + j] = c[j * n + r];
  return c;
}

/** Solves (small) SPD system m x = b in place of b, for several right-hand sides b (m x r, row-major). */
export function spdSolve(m: Float64Array, n: number, b: Float64Array, r: number): void {
  const l = m.slice();
  choleskyInPlace(l, n);
  for (let c = 0; c < r; c++) {
    for (let i = 0; i < n; i++) {
      let t = b[i * r + c];
      for (let k = 0; k < i; k++) t -= l[i * n + k] * b[k * r + c];
      b[i * r + c] = t / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let t = b[i * r + c];
      for (let k = i + 1; k < n; k++) t -= l[k * n + i] * b[k * r + c];
      b[i * r + c] = t / l[i * n + i];
    }
  }
}
