/**
 * Stochastic batch acquisition (Kirsch, Farquhar, Atighehchian, Jesson, Branchaud-Charron & Gal
 * 2023, "Stochastic batch acquisition: a simple baseline for deep active learning", TMLR): instead
 * of the top k of a score s (whose k items are often near-duplicates, since the score changes
 * little between similar items while the batch is chosen with the model frozen), **sample** the
 * batch, k items without replacement, with probabilities
 *
 * - power:     P(i) ∝ s_i^beta            (logit_i = beta ln s_i)
 * - softmax:   P(i) ∝ exp(beta s_i)       (logit_i = beta s_i)
 * - soft-rank: P(i) ∝ rank_i^(-beta)      (logit_i = -beta ln rank_i, rank 1 = highest s)
 *
 * Sampling without replacement uses the Gumbel-top-k trick (Kool, van Hoof & Welling 2019): the k
 * largest of logit_i + G_i, G_i = -ln(-ln U_i), U_i uniform from ctx.rng, are a draw of k items
 * without replacement from the softmax of the logits. One pass over the pool, O(n log k) after
 * predict; the returned order is the sampled order, the scores are s.
 *
 * The registered strategies use margin uncertainty s = 1 - (p(1) - p(2)) (and entropy for
 * `power_entropy`); beta is larger than the paper's default of 1 because margin uncertainty lives
 * in [0, 1] with most of the pool near 0 only once the model is confident: see docs/strategies.md
 * for the value chosen on the tuning seeds.
 */
import type { Rng } from "../linalg/rng.js";
import { selectionFrom } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { entropyScores, marginScores, type UncertaintyMeasure, uncertaintyOf } from "./uncertainty.js";

/** How a score becomes a sampling logit. */
export type StochasticKind = "power" | "softmax" | "softrank";

/** A standard Gumbel draw from the seeded rng (U strictly inside (0, 1)). */
export function gumbel(rng: Rng): number {
  const u = rng.next() + 2 ** -54;
  return -Math.log(-Math.log(u));
}

/**
 * Gumbel-top-k: positions of k of the logits sampled without replacement with P ∝ exp(logit),
 * in sampled order. Items with logit -Infinity are taken only when nothing else is left
 * (lowest positions first).
 */
export function gumbelTopK(logits: Float64Array, k: number, rng: Rng): Int32Array {
  const keys = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) keys[i] = logits[i] + gumbel(rng);
  return topK(keys, k);
}

/** Sampling logits of scores s for a kind and beta. */
export function stochasticLogits(s: Float64Array, kind: StochasticKind, beta: number): Float64Array {
  const n = s.length;
  const out = new Float64Array(n);
  if (kind === "power") for (let i = 0; i < n; i++) out[i] = s[i] > 0 ? beta * Math.log(s[i]) : -Infinity;
  else if (kind === "softmax") for (let i = 0; i < n; i++) out[i] = beta * s[i];
  else {
    const order = topK(s, n);
    for (let r = 0; r < n; r++) out[order[r]] = -beta * Math.log(r + 1);
  }
  return out;
}

export interface StochasticOptions {
  readonly name: string;
  readonly description: string;
  readonly measure: UncertaintyMeasure;
  readonly kind: StochasticKind;
  readonly beta: number;
}

/** A stochastic batch strategy: k items sampled with P ∝ exp(logit(s)), s = measure of the model's probabilities. */
export function stochasticStrategy(o: StochasticOptions): QueryStrategy {
  return {
    name: o.name,
    description: o.description,
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const s = o.measure(ctx.model.predictProba(ctx.X, ctx.unlabeled), n, ctx.nClasses);
      const picked = gumbelTopK(stochasticLogits(s, o.kind, o.beta), k, ctx.rng);
      return selectionFrom(ctx, picked, Array.from(picked, (p) => s[p]));
    },
  };
}

/** Power margin: P(i) ∝ (1 - (p(1) - p(2)))^beta. */
export function powerMargin(beta: number, name = "power_margin"): QueryStrategy {
  return stochasticStrategy({ name, description: `batch sampled with P ∝ margin uncertainty^${beta} (Gumbel-top-k)`, measure: marginScores, kind: "power", beta });
}

/** Power entropy: P(i) ∝ H(p)^beta. */
export function powerEntropy(beta: number, name = "power_entropy"): QueryStrategy {
  return stochasticStrategy({ name, description: `batch sampled with P ∝ entropy^${beta} (Gumbel-top-k)`, measure: entropyScores, kind: "power", beta });
}

/** Soft-rank margin: P(i) ∝ rank^-beta by margin uncertainty. */
export function softrankMargin(beta: number, name = "softrank_margin"): QueryStrategy {
  return stochasticStrategy({ name, description: `batch sampled with P ∝ margin rank^-${beta} (Gumbel-top-k)`, measure: marginScores, kind: "softrank", beta });
}

/**
 * Epsilon-margin: each of the k slots is, with probability epsilon, a uniformly random unlabeled
 * item, otherwise the next item by margin uncertainty (epsilon-greedy exploration, as in
 * Bouneffouf et al. 2014's epsilon-greedy active learning); score = margin uncertainty.
 */
export function epsilonMargin(epsilon: number, name = "epsilon_margin"): QueryStrategy {
  return {
    name,
    description: `margin top-k with each slot random with probability ${epsilon}`,
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const m = Math.min(k, n);
      const u = uncertaintyOf(ctx.model, ctx.X, ctx.unlabeled, marginScores);
      let explore = 0;
      for (let t = 0; t < m; t++) if (ctx.rng.next() < epsilon) explore++;
      const top = topK(u, m - explore);
      const taken = new Uint8Array(n);
      for (const p of top) taken[p] = 1;
      const picked = Array.from(top);
      while (picked.length < m) {
        const p = ctx.rng.int(n);
        if (taken[p] === 0) {
          taken[p] = 1;
          picked.push(p);
        }
      }
      return selectionFrom(ctx, picked, picked.map((p) => u[p]));
    },
  };
}
