/**
 * Uncertainty sampling (Lewis & Gale 1994; Settles 2009, "Active Learning Literature Survey",
 * section 3.1). For an item with class probabilities p (sorted p(1) >= p(2) >= ...):
 *
 * - least confidence:  u(x) = 1 - p(1)
 * - margin:            u(x) = 1 - (p(1) - p(2))      (smallest margin first)
 * - entropy:           u(x) = -sum_c p_c ln p_c       (0 ln 0 = 0)
 *
 * Each picks the k unlabeled items of highest u. The measures are exported on their own so other
 * strategies (density weighting, the labeling app's "why") can reuse them.
 */
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";

/** A per-item uncertainty measure over an (n x k) row-major probability matrix. */
export type UncertaintyMeasure = (proba: Float64Array, n: number, k: number) => Float64Array;

/** 1 - max_c p_c for each row. */
export const leastConfidenceScores: UncertaintyMeasure = (proba, n, k) => {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let m = 0;
    for (let c = 0; c < k; c++) if (proba[r * k + c] > m) m = proba[r * k + c];
    out[r] = 1 - m;
  }
  return out;
};

/** 1 - (p(1) - p(2)) for each row (p(2) = 0 when k = 1). */
export const marginScores: UncertaintyMeasure = (proba, n, k) => {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let a = 0;
    let b = 0;
    for (let c = 0; c < k; c++) {
      const v = proba[r * k + c];
      if (v > a) {
        b = a;
        a = v;
      } else if (v > b) b = v;
    }
    out[r] = 1 - (a - b);
  }
  return out;
};

/** Shannon entropy (natural log) of each row. */
export const entropyScores: UncertaintyMeasure = (proba, n, k) => {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let h = 0;
    for (let c = 0; c < k; c++) {
      const v = proba[r * k + c];
      if (v > 0) h -= v * Math.log(v);
    }
    out[r] = h;
  }
  return out;
};

/** Picks the top k of a measure over the unlabeled pool. */
export function selectByScores(ctx: QueryContext, scores: Float64Array, k: number): Selection {
  const pos = topK(scores, k);
  const indices = new Int32Array(pos.length);
  const chosen = new Float64Array(pos.length);
  for (let t = 0; t < pos.length; t++) {
    indices[t] = ctx.unlabeled[pos[t]];
    chosen[t] = scores[pos[t]];
  }
  return { indices, scores: chosen };
}

/** Builds an uncertainty strategy from a measure. */
export function uncertaintyStrategy(name: string, description: string, measure: UncertaintyMeasure): QueryStrategy {
  return {
    name,
    description,
    select(ctx: QueryContext, k: number): Selection {
      const proba = ctx.model.predictProba(ctx.X, ctx.unlabeled);
      return selectByScores(ctx, measure(proba, ctx.unlabeled.length, ctx.nClasses), k);
    },
  };
}

export const leastConfidence = uncertaintyStrategy("least_confidence", "lowest top-class probability: 1 - p(1)", leastConfidenceScores);
export const margin = uncertaintyStrategy("margin", "smallest gap between the two likeliest classes: 1 - (p(1) - p(2))", marginScores);
export const entropy = uncertaintyStrategy("entropy", "highest entropy of the class probabilities: -sum p ln p", entropyScores);
