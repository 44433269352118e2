/** Evaluation metrics over class-index labels and (n x k) probability matrices. */
import { ShapeMismatchError } from "../errors.js";

/** Most probable class of each row (ties to the lower class index). */
export function argmaxRows(proba: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[r * k + c] > proba[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Fraction of predictions equal to the truth. */
export function accuracy(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (pred.length !== truth.length) throw new ShapeMismatchError(`accuracy: ${pred.length} predictions, ${truth.length} labels`);
  if (pred.length === 0) return NaN;
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) ok++;
  return ok / pred.length;
}

/** Arithmetic mean (NaN for an empty array). */
export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length === 0 ? NaN : s / a.length;
}

/** Population standard deviation. */
export function sd(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) * (a[i] - m);
  return a.length === 0 ? NaN : Math.sqrt(s / a.length);
}

/** Median (NaN for an empty array). */
export function median(a: ArrayLike<number>): number {
  const s = Array.from(a).sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Wilson score interval for a proportion of `k` successes in `n` trials (Wilson 1927), at
 * `z` standard errors (default 1.959964: 95%). Unlike the normal approximation it stays inside
 * [0, 1] and is not degenerate at k = 0 or k = n. n = 0 gives [0, 1].
 *
 * @example
 * wilson(81, 263); // { low: 0.2553, high: 0.3662 } (Newcombe 1998, method 3)
 */
export function wilson(k: number, n: number, z = 1.959964): { low: number; high: number } {
  if (!(n > 0)) return { low: 0, high: 1 };
  const p = Math.min(1, Math.max(0, k / n));
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  return { low: k <= 0 ? 0 : Math.max(0, (centre - half) / denom), high: k >= n ? 1 : Math.min(1, (centre + half) / denom) };
}
