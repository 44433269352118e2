/**
 * Expected model change: expected gradient length (Settles, Craven & Ray 2008, "Multiple-instance
 * active learning"; Settles 2009 survey, section 3.4). For a linear softmax model (logistic
 * regression) the gradient of the log loss of (x, y) w.r.t. the weights and intercepts is
 * (p - e_y) ⊗ [x, 1], whose norm factorises, so the expectation over the model's own belief about
 * the label has a closed form:
 *
 *   EGL(x) = sum_y p(y|x) * ||p - e_y|| * ||[x, 1]||,   ||p - e_y||^2 = ||p||^2 - 2 p_y + 1.
 *
 * One pass over the pool (O(nnz + n K)). The binomial model's single weight vector gives the same
 * ranking (its gradient norm is a constant multiple of this one).
 *
 * @example
 * getStrategy("egl").select(ctx, 10);
 */
import { rowNorm2 } from "./helpers.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { selectByScores } from "./uncertainty.js";

/** EGL of each row given its probabilities (n x K) and the squared norms of its features. */
export function eglScores(proba: Float64Array, xNorm2: Float64Array, n: number, K: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let pp = 0;
    for (let c = 0; c < K; c++) pp += proba[r * K + c] ** 2;
    let s = 0;
    for (let c = 0; c < K; c++) {
      const p = proba[r * K + c];
      if (p > 0) s += p * Math.sqrt(Math.max(0, pp - 2 * p + 1));
    }
    out[r] = s * Math.sqrt(xNorm2[r] + 1);
  }
  return out;
}

export const egl: QueryStrategy = {
  name: "egl",
  description: "expected gradient length of the log loss, closed form for logistic regression",
  select(ctx: QueryContext, k: number): Selection {
    const n = ctx.unlabeled.length;
    const xNorm2 = new Float64Array(n);
    for (let r = 0; r < n; r++) xNorm2[r] = rowNorm2(ctx.X, ctx.unlabeled[r]);
    return selectByScores(ctx, eglScores(ctx.model.predictProba(ctx.X, ctx.unlabeled), xNorm2, n, ctx.nClasses), k);
  },
};
