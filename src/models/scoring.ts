/**
 * One pass over a pool for a linear model: scores (linalg/pool-scores.ts streams the pool through
 * the WebAssembly kernels in fixed row blocks), probabilities, an uncertainty measure and a
 * running top-k, fused per block, so that a query for the k most uncertain items never builds
 * the n x K probability matrix (nor a second copy of the pool). predictProba runs the same pass
 * writing probabilities only.
 *
 * Probabilities and the margin or least-confidence measure come out of the kernels with the
 * scores (wasm/logistic.ts linkMeasure, with V8's exp algorithm; the same formulas in JS where
 * the kernels are off); entropy is taken here. The measures run over the model's classes only:
 * classes it has not seen have probability 0, which changes none of them (a maximum, a second
 * maximum, a sum over non-zero terms in class order), so a fused query returns the same bits as
 * predictProba followed by marginScores (or leastConfidenceScores, entropyScores) and topK.
 */
import { probabilityBlocks, type ProbabilityVisitor } from "../linalg/pool-scores.js";
import type { Matrix } from "../linalg/matrix.js";
import { TopKHeap } from "../linalg/topk.js";
import { leastConfidenceOf, marginOf } from "../linalg/measures.js";

export { leastConfidenceOf, marginOf };

/** The uncertainty measures a model can compute in its own pass (strategies/uncertainty.ts). */
export type MeasureName = "least_confidence" | "margin" | "entropy";

/** Shannon entropy (natural log) of the row p[o .. o + k). */
export function entropyOf(p: Float64Array, o: number, k: number): number {
  let h = 0;
  for (let c = 0; c < k; c++) {
    const v = p[o + c];
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

export const measureOf: Readonly<Record<MeasureName, (p: Float64Array, o: number, k: number) => number>> = {
  least_confidence: leastConfidenceOf,
  margin: marginOf,
  entropy: entropyOf,
};

/**
 * A fitted linear model as the pass sees it: scores s = X . w^T + b (w class-major, m x d), then
 * "binomial" (m = 1: p(present[1]) = sigmoid(s), p(present[0]) = 1 - that), "softmax" (over the
 * m = present.length scores) or "constant" (one class present: probability 1, nothing scored).
 */
export interface LinearView {
  readonly w: Float64Array;
  readonly b: Float64Array;
  readonly m: number;
  readonly link: "binomial" | "softmax" | "constant";
  /** The classes of the m score columns (binomial: the two classes), ascending. */
  readonly present: Int32Array;
  /** Number of classes (columns of the probabilities). */
  readonly K: number;
}

/** What a pass computes; any combination. */
export interface PassRequest {
  /** Probabilities out, n x K row-major (overwritten). */
  readonly proba?: Float64Array;
  /** The measure taken of every row (needed by values and top). */
  readonly measure?: MeasureName;
  /** The measure of every row out (length n). */
  readonly values?: Float64Array;
  /** Keep the `top` rows of highest measure (ties to the lower position, NaN never). */
  readonly top?: number;
  /** Bytes of pool rows per block (default linalg/pool-scores.ts DEFAULT_BLOCK_BYTES). */
  readonly blockBytes?: number;
}

/** Positions (into the selection), best first, and their measures. */
export interface TopRows {
  readonly positions: Int32Array;
  readonly scores: Float64Array;
}

/**
 * One pass over the selected rows of X (all rows when rows is undefined) for the model `v`.
 * Returns the top rows when `req.top` is set, else null.
 */
export function poolPass(X: Matrix, rows: Int32Array | undefined, v: LinearView, req: PassRequest): TopRows | null {
  const n = rows === undefined ? X.rows : rows.length;
  const K = v.K;
  const { proba, values } = req;
  const measure = req.measure === undefined ? null : measureOf[req.measure];
  const heap = req.top !== undefined ? new TopKHeap(Math.min(req.top, n)) : null;
  if ((values !== undefined || heap !== null) && measure === null) throw new Error("poolPass: values and top need a measure");
  // The constant model's row over all K classes: in `proba` when it is wanted, else scratch.
  const scratch = new Float64Array(K);
  const present = v.present;
  const finish = (i: number, p: Float64Array, o: number): void => {
    if (measure === null) return;
    const u = measure(p, o, K);
    if (values !== undefined) values[i] = u;
    if (heap !== null) heap.offer(i, u);
  };
  if (v.link === "constant") {
    for (let i = 0; i < n; i++) {
      const p = proba ?? scratch;
      const o = proba === undefined ? 0 : i * K;
      p.fill(0, o, o + K);
      p[o + present[0]] = 1;
      finish(i, p, o);
    }
    return heap === null ? null : heap.take();
  }
  // Margin and least confidence come from the kernels with the probabilities; entropy (a log a
  // class) is taken here of the block's probabilities.
  const code = req.measure === "margin" ? 1 : req.measure === "least_confidence" ? 2 : 0;
  const entropy = req.measure === "entropy";
  const binomial = v.link === "binomial";
  const cols = binomial ? 2 : v.m;
  const visit: ProbabilityVisitor = (start, count, P, at, stride, U, uAt) => {
    for (let r = 0; r < count; r++) {
      const i = start + r;
      const q = at + r * stride;
      if (proba !== undefined) {
        const o = i * K;
        if (K > cols) proba.fill(0, o, o + K);
        for (let t = 0; t < cols; t++) proba[o + present[t]] = P[q + t];
      }
      if (measure === null) continue;
      const u = entropy ? entropyOf(P, q, cols) : U[uAt + r];
      if (values !== undefined) values[i] = u;
      if (heap !== null) heap.offer(i, u);
    }
  };
  probabilityBlocks(X, rows ?? null, n, v.w, v.b, v.m, { binomial, measure: code }, visit, req.blockBytes);
  return heap === null ? null : heap.take();
}

/** predictProba of a linear model through the pool pass: (rows x K) probabilities. */
export function passProba(X: Matrix, rows: Int32Array | undefined, v: LinearView): Float64Array {
  const out = new Float64Array((rows === undefined ? X.rows : rows.length) * v.K);
  poolPass(X, rows, v, { proba: out });
  return out;
}

/** An uncertainty measure of every row through the pool pass (no probability matrix built). */
export function passUncertainty(X: Matrix, rows: Int32Array | undefined, v: LinearView, measure: MeasureName): Float64Array {
  const values = new Float64Array(rows === undefined ? X.rows : rows.length);
  poolPass(X, rows, v, { measure, values });
  return values;
}

/** The k most uncertain rows by a measure, through the pool pass. */
export function passMostUncertain(X: Matrix, rows: Int32Array | undefined, v: LinearView, measure: MeasureName, k: number): TopRows {
  return poolPass(X, rows, v, { measure, top: k }) as TopRows;
}
