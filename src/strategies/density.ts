/**
 * Information density (Settles & Craven 2008, "An analysis of active learning strategies for
 * sequence labeling tasks", eq. for ID): uncertainty weighted by how representative an item is of
 * the unlabeled pool U,
 *
 *   ID(x) = u_margin(x) * ( (1/|U|) sum_{x' in U} sim(x, x') )^beta,   beta = 1,
 *
 * with u_margin(x) = 1 - (p(1) - p(2)) (margin uncertainty, our strongest single measure) and
 * sim(x, x') = (1 + cos(x, x')) / 2, the cosine similarity shifted into [0, 1] so the weight stays
 * non-negative on centred (standardised) features, where cosines can be negative.
 *
 * No pairwise similarities are needed: the mean cosine is the dot product of x/||x|| with the
 * centroid of the normalised pool, (1/|U|) sum cos(x, x') = <x/||x||, (1/|U|) sum x'/||x'||>, so
 * the density is exact over the whole pool at O(nnz) cost (one pass to build the centroid, one to
 * score) rather than subsampled; zero rows get cosine 0.
 *
 * @example
 * getStrategy("density_weighted").select(ctx, 10);
 */
import { addRow, rowDot, rowNorm2 } from "./helpers.js";
import type { Matrix } from "../linalg/matrix.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { marginScores, selectByScores, uncertaintyOf } from "./uncertainty.js";

/** Mean shifted cosine similarity (1 + cos) / 2 of each row in `rows` to all of `rows`. */
export function meanCosineDensity(X: Matrix, rows: Int32Array): Float64Array {
  const n = rows.length;
  const invNorm = new Float64Array(n);
  const centroid = new Float64Array(X.cols);
  for (let r = 0; r < n; r++) {
    const nn = Math.sqrt(rowNorm2(X, rows[r]));
    invNorm[r] = nn > 0 ? 1 / nn : 0;
    if (nn > 0) addRow(X, rows[r], invNorm[r] / n, centroid);
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = (1 + rowDot(X, rows[r], centroid) * invNorm[r]) / 2;
  return out;
}

/** Margin uncertainty times mean-cosine density^beta over the unlabeled pool. */
export function densityWeighted(beta = 1): QueryStrategy {
  return {
    name: "density_weighted",
    description: "information density: margin uncertainty x mean cosine similarity to the pool",
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const u = uncertaintyOf(ctx.model, ctx.X, ctx.unlabeled, marginScores);
      const dens = meanCosineDensity(ctx.X, ctx.unlabeled);
      for (let r = 0; r < n; r++) u[r] *= beta === 1 ? dens[r] : Math.pow(dens[r], beta);
      return selectByScores(ctx, u, k);
    },
  };
}
