/**
 * Small pieces shared by the strategy families: seeded subsampling, refitting models on the
 * labeled rows, row geometry on dense or CSR pools (norms, dots against a dense vector), and the
 * conversion from positions in `ctx.unlabeled` to a `Selection`.
 *
 * Convention: a *position* indexes `ctx.unlabeled` (0 .. unlabeled.length-1); an *index* is a pool
 * row. Only `selectionFrom` turns positions into indices.
 */
import type { Matrix } from "../linalg/matrix.js";
import type { Rng } from "../linalg/rng.js";
import type { Classifier, ProbabilisticModel } from "../models/types.js";
import type { QueryContext, Selection } from "./types.js";

/** The model as a warm start for a fresh fit, when it is a fitted classifier. */
export function warmStartOf(model: ProbabilisticModel): { warmStart?: Classifier } {
  const m = model as Partial<Classifier>;
  return typeof m.fit === "function" && m.fitted === true ? { warmStart: model as Classifier } : {};
}

/** A fresh model of the learner's kind fitted on pool rows `rows` with labels `y`, warm-started from ctx.model. */
export function fitFresh(ctx: QueryContext, rows: Int32Array, y: ArrayLike<number>, tol?: number): Classifier {
  return ctx.newModel(ctx.nClasses).fit(ctx.X, y, { rows, ...warmStartOf(ctx.model), ...(tol !== undefined ? { tol } : {}) });
}

/**
 * `m` distinct elements of `from` chosen with the seeded rng, ascending (all of them, in order,
 * when m >= from.length, without drawing from the rng).
 */
export function subsample(from: Int32Array, m: number, rng: Rng): Int32Array {
  if (m >= from.length) return from.slice();
  return Int32Array.from(rng.sample(from, m)).sort();
}

/**
 * The positions of the m largest scores, ascending by position (ties at the cut go to the lower
 * positions; NaN counts as smallest). Linear time: the m-th largest value is found by
 * quickselect (median-of-three pivots, no randomness) on a copy, then one pass collects.
 */
export function largestPositions(scores: ArrayLike<number>, m: number): Int32Array {
  const n = scores.length;
  if (m >= n) return range(n);
  if (m <= 0) return new Int32Array(0);
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const x = scores[r];
    v[r] = x === x ? x : -Infinity; // NaN counts as smallest
  }
  // Quickselect for the value at descending rank m - 1.
  let lo = 0;
  let hi = n - 1;
  const want = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const a = v[lo];
    const b = v[mid];
    const c = v[hi];
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] > pivot) i++;
      while (v[j] < pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  const cut = v[want];
  // NaN > cut and NaN === cut are both false, so NaN rows are only taken when the cut is -Infinity.
  let above = 0;
  for (let r = 0; r < n; r++) if (scores[r] > cut) above++;
  let ties = m - above;
  const out = new Int32Array(m);
  let t = 0;
  for (let r = 0; r < n; r++) {
    const x = scores[r];
    if (x > cut || ((x === cut || (cut === -Infinity && x !== x)) && ties-- > 0)) out[t++] = r;
  }
  return out;
}

/**
 * Approximate cost of one row-vs-dense-vector operation, the unit of the strategies' work
 * budgets: a dense row costs its width, a CSR row 4 + 2 x its mean non-zeros (each non-zero
 * counts twice for the indirect access).
 */
export function rowCost(X: Matrix): number {
  return X.kind === "dense" ? X.cols : 4 + 2 * (X.indptr[X.rows] / Math.max(1, X.rows));
}

/** Positions 0..n-1 as an Int32Array. */
export function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Turns positions (into ctx.unlabeled, best first) and their scores into a Selection. */
export function selectionFrom(ctx: QueryContext, positions: ArrayLike<number>, scores: ArrayLike<number>): Selection {
  const n = positions.length;
  const indices = new Int32Array(n);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    indices[t] = ctx.unlabeled[positions[t]];
    out[t] = scores[t];
  }
  return { indices, scores: out };
}

/** Squared L2 norm of row i. */
export function rowNorm2(X: Matrix, i: number): number {
  let s = 0;
  if (X.kind === "dense") {
    const d = X.cols;
    for (let j = i * d; j < (i + 1) * d; j++) s += X.data[j] * X.data[j];
  } else {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) s += X.values[q] * X.values[q];
  }
  return s;
}

/** Squared norms of the given rows. */
export function rowNorms2(X: Matrix, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = rowNorm2(X, rows[r]);
  return out;
}

/** <row i of X, v> for a dense vector v of length X.cols. */
export function rowDot(X: Matrix, i: number, v: Float64Array): number {
  let s = 0;
  if (X.kind === "dense") {
    const d = X.cols;
    const o = i * d;
    for (let j = 0; j < d; j++) s += X.data[o + j] * v[j];
  } else {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) s += X.values[q] * v[X.indices[q]];
  }
  return s;
}

/** Adds `scale` * row i of X into the dense vector `out` (length X.cols). */
export function addRow(X: Matrix, i: number, scale: number, out: Float64Array): void {
  if (X.kind === "dense") {
    const d = X.cols;
    const o = i * d;
    for (let j = 0; j < d; j++) out[j] += scale * X.data[o + j];
  } else {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) out[X.indices[q]] += scale * X.values[q];
  }
}

/** Clears what addRow(X, i, ...) wrote into `out` (cheap for CSR: only the row's non-zeros). */
export function clearRow(X: Matrix, i: number, out: Float64Array): void {
  if (X.kind === "dense") out.fill(0);
  else for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) out[X.indices[q]] = 0;
}

/**
 * Distances from candidate rows to their nearest "center" row, as centers are added one by one:
 * the core of k-center greedy and ranked batch-mode. Adding a center costs one pass over the
 * candidates (O(nnz) for CSR, O(candidates * d) dense); for CSR the center is scattered into a
 * dense scratch vector and cleared again in O(its nnz).
 */
export class NearestCenter {
  /** Squared Euclidean distance of each candidate to its nearest center (Infinity before any). */
  readonly dist2: Float64Array;
  private readonly norms: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly X: Matrix,
    /** Pool rows of the candidates. */
    readonly rows: Int32Array,
  ) {
    this.dist2 = new Float64Array(rows.length).fill(Infinity);
    this.norms = rowNorms2(X, rows);
    this.scratch = new Float64Array(X.cols);
  }

  /** Makes pool row `center` a center: dist2 = min(dist2, ||x - center||^2). */
  add(center: number): void {
    const { X, rows, norms, dist2, scratch } = this;
    addRow(X, center, 1, scratch);
    const cn = rowNorm2(X, center);
    for (let r = 0; r < rows.length; r++) {
      const d2 = Math.max(0, norms[r] - 2 * rowDot(X, rows[r], scratch) + cn);
      if (d2 < dist2[r]) dist2[r] = d2;
    }
    clearRow(X, center, scratch);
  }

  /** Makes the mean of the candidates a (virtual) center. */
  addMean(): void {
    const { X, rows, norms, dist2 } = this;
    const mean = new Float64Array(X.cols);
    for (let r = 0; r < rows.length; r++) addRow(X, rows[r], 1 / rows.length, mean);
    let mn = 0;
    for (let j = 0; j < mean.length; j++) mn += mean[j] * mean[j];
    for (let r = 0; r < rows.length; r++) dist2[r] = Math.min(dist2[r], Math.max(0, norms[r] - 2 * rowDot(X, rows[r], mean) + mn));
  }
}

/** Count of each class among the labels. */
export function classCounts(labels: Int32Array, nClasses: number): Int32Array {
  const counts = new Int32Array(nClasses);
  for (const y of labels) counts[y]++;
  return counts;
}

/**
 * A new matrix of the given rows of X (in order) with one extra last column `extra`
 * (extra.length = rows.length); dense stays dense, CSR stays CSR.
 */
export function withExtraColumn(X: Matrix, rows: Int32Array, extra: Float64Array): Matrix {
  const n = rows.length;
  const d = X.cols;
  if (X.kind === "dense") {
    const data = new Float64Array(n * (d + 1));
    for (let r = 0; r < n; r++) {
      data.set(X.data.subarray(rows[r] * d, (rows[r] + 1) * d), r * (d + 1));
      data[r * (d + 1) + d] = extra[r];
    }
    return { kind: "dense", rows: n, cols: d + 1, data };
  }
  let nnz = n;
  for (let r = 0; r < n; r++) nnz += X.indptr[rows[r] + 1] - X.indptr[rows[r]];
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let r = 0; r < n; r++) {
    for (let q = X.indptr[rows[r]]; q < X.indptr[rows[r] + 1]; q++) {
      indices[p] = X.indices[q];
      values[p++] = X.values[q];
    }
    indices[p] = d;
    values[p++] = extra[r];
    indptr[r + 1] = p;
  }
  return { kind: "csr", rows: n, cols: d + 1, indptr, indices, values };
}
