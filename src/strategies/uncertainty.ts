/**
 * Uncertainty sampling (Lewis & Gale 1994; Settles 2009, "Active Learning Literature Survey",
 * section 3.1). For an item with class probabilities p (sorted p(1) >= p(2) >= ...):
 *
 * - least confidence:  u(x) = 1 - p(1)
 * - margin:            u(x) = 1 - (p(1) - p(2))      (smallest margin first)
 * - entropy:           u(x) = -sum_c p_c ln p_c       (0 ln 0 = 0)
 *
 * Each picks the k unlabeled items of highest u. The measures are exported on their own so other
 * strategies (density weighting, the labeling app's "why") can reuse them. A model with its own
 * pool pass (logistic regression, naive Bayes: models/scoring.ts) computes the measure and the
 * top k there, block by block, without building the probability matrix; same values, same picks.
 */
import type { Matrix } from "../linalg/matrix.js";
import { entropyOf, leastConfidenceOf, marginOf, type MeasureName } from "../models/scoring.js";
import type { ProbabilisticModel } from "../models/types.js";
import { selectionFrom } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";

/** A per-item uncertainty measure over an (n x k) row-major probability matrix. */
export type UncertaintyMeasure = (proba: Float64Array, n: number, k: number) => Float64Array;

/** Applies a per-row measure of models/scoring.ts to every row. */
function rowwise(of: (p: Float64Array, o: number, k: number) => number): UncertaintyMeasure {
  return (proba, n, k) => {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = of(proba, r * k, k);
    return out;
  };
}

/** 1 - max_c p_c for each row. */
export const leastConfidenceScores: UncertaintyMeasure = rowwise(leastConfidenceOf);

/** 1 - (p(1) - p(2)) for each row (p(2) = 0 when k = 1). */
export const marginScores: UncertaintyMeasure = rowwise(marginOf);

/** Shannon entropy (natural log) of each row. */
export const entropyScores: UncertaintyMeasure = rowwise(entropyOf);

const measureNames = new Map<UncertaintyMeasure, MeasureName>([
  [leastConfidenceScores, "least_confidence"],
  [marginScores, "margin"],
  [entropyScores, "entropy"],
]);

/**
 * A measure of the given pool rows: by the model's own pass when it has one (no probability
 * matrix built; the same values), else from its probabilities.
 */
export function uncertaintyOf(model: ProbabilisticModel, X: Matrix, rows: Int32Array, measure: UncertaintyMeasure): Float64Array {
  const name = measureNames.get(measure);
  if (name !== undefined && model.uncertainty !== undefined) return model.uncertainty(X, name, rows);
  return measure(model.predictProba(X, rows), rows.length, model.nClasses);
}

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
      const fused = measureNames.get(measure);
      if (fused !== undefined && ctx.model.mostUncertain !== undefined) {
        // One pass: scores, probabilities, measure and top k per block of the pool.
        const top = ctx.model.mostUncertain(ctx.X, fused, k, ctx.unlabeled);
        return selectionFrom(ctx, top.positions, top.scores);
      }
      const proba = ctx.model.predictProba(ctx.X, ctx.unlabeled);
      return selectByScores(ctx, measure(proba, ctx.unlabeled.length, ctx.nClasses), k);
    },
  };
}

export const leastConfidence = uncertaintyStrategy("least_confidence", "lowest top-class probability: 1 - p(1)", leastConfidenceScores);
export const margin = uncertaintyStrategy("margin", "smallest gap between the two likeliest classes: 1 - (p(1) - p(2))", marginScores);
export const entropy = uncertaintyStrategy("entropy", "highest entropy of the class probabilities: -sum p ln p", entropyScores);
