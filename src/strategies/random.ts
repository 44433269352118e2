/** Random sampling: the baseline every strategy is measured against. */
import { selectByScores } from "./uncertainty.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";

export const random: QueryStrategy = {
  name: "random",
  description: "uniformly random unlabeled items (the baseline)",
  select(ctx: QueryContext, k: number): Selection {
    const n = ctx.unlabeled.length;
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) scores[i] = ctx.rng.next();
    return selectByScores(ctx, scores, k);
  },
};
