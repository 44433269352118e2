/**
 * Rare-class search for fraud-like data, where one class is rare and finding its members is what
 * the labels are for. Each unlabeled item is scored by a mix of the probability of the target
 * class and margin uncertainty:
 *
 *   s(x) = (1 - mix) * p(target | x) + mix * (1 - (p(1) - p(2))),   mix = 0.5 by default,
 *
 * the first term mining likely positives (the "relevance" or certainty sampling of technology-
 * assisted review, Cormack & Grossman 2014), the second keeping the batch near the decision
 * boundary so it does not only confirm easy positives (the mixed relevance/uncertainty querying of
 * Yu, Kraft & Menzies 2018, FASTREAD). The target defaults to the rarest class among the labels so
 * far (ties to the lower class index; classes never labeled cannot be targeted, as the model gives
 * them probability 0). With fewer than two classes labeled the model carries no signal and the
 * batch is seeded random.
 *
 * @example
 * const s = rareClass({ target: 1 }); // class index 1 (e.g. "fraud")
 * s.select(ctx, 10);
 */
import { BadOptionError } from "../errors.js";
import { classCounts } from "./helpers.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { marginScores, selectByScores } from "./uncertainty.js";

export interface RareClassOptions {
  /** Class index to search for (default: the rarest labeled class at each query). */
  readonly target?: number;
  /** Weight of margin uncertainty in [0, 1] (default 0.5); 0 = pure probability of the target. */
  readonly mix?: number;
}

/** The rarest class among the labels (count > 0), or -1 when fewer than two classes are labeled. */
export function rarestLabeledClass(labels: Int32Array, nClasses: number): number {
  const counts = classCounts(labels, nClasses);
  let best = -1;
  let present = 0;
  for (let c = 0; c < nClasses; c++) {
    if (counts[c] === 0) continue;
    present++;
    if (best < 0 || counts[c] < counts[best]) best = c;
  }
  return present >= 2 ? best : -1;
}

/** A rare-class strategy; `rareClass()` is the registered default. */
export function rareClass(options: RareClassOptions = {}): QueryStrategy {
  const mix = options.mix ?? 0.5;
  const problems: string[] = [];
  if (!(mix >= 0 && mix <= 1)) problems.push(`rare_class: mix must be in [0, 1], got ${mix}`);
  if (options.target !== undefined && !(Number.isInteger(options.target) && options.target >= 0)) problems.push(`rare_class: target must be a class index >= 0, got ${options.target}`);
  if (problems.length > 0) throw new BadOptionError(problems);
  return {
    name: "rare_class",
    description: "probability of the rare (or chosen) class mixed with margin uncertainty",
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const K = ctx.nClasses;
      if (options.target !== undefined && options.target >= K) throw new BadOptionError([`rare_class: target ${options.target} is not a class index in 0..${K - 1}`]);
      const present = rarestLabeledClass(ctx.labels, K);
      const scores = new Float64Array(n);
      if (present < 0) {
        for (let r = 0; r < n; r++) scores[r] = ctx.rng.next();
        return selectByScores(ctx, scores, k);
      }
      const target = options.target ?? present;
      const proba = ctx.model.predictProba(ctx.X, ctx.unlabeled);
      const u = marginScores(proba, n, K);
      for (let r = 0; r < n; r++) scores[r] = (1 - mix) * proba[r * K + target] + mix * u[r];
      return selectByScores(ctx, scores, k);
    },
  };
}
