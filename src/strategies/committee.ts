/**
 * Query by committee (Seung, Opper & Sompolinsky 1992) with a bagged committee (query by bagging,
 * Abe & Mamitsuka 1998): C models (default 5) from `ctx.newModel`, each fitted on a seeded
 * stratified bootstrap resample of the labeled rows (within every labeled class, as many rows
 * drawn with replacement as that class has, so every member sees every class labeled so far),
 * warm-started from the current model. With member probabilities p_m and consensus
 * p̄ = (1/C) sum_m p_m:
 *
 * - `qbc_vote_entropy` (Dagan & Engelson 1995): V(c) = votes for c / C (each member votes its
 *   argmax); u(x) = -sum_c V(c) ln V(c). Vote entropy takes few distinct values, so ties are broken
 *   by the consensus entropy, scaled by 1e-6 so it never outweighs a difference in votes.
 * - `qbc_kl` (McCallum & Nigam 1998): u(x) = (1/C) sum_m KL(p_m || p̄), the mean KL divergence of
 *   the members to the consensus (KL uses 0 ln 0 = 0).
 * - `qbc_max_disagreement` (as modAL's max_disagreement_sampling): u(x) = max_m KL(p_m || p̄), the
 *   disagreement of the most dissenting member.
 *
 * Cost: C fits on the labeled rows plus C predictions over the candidates (linear). Within a work
 * budget of {@link COMMITTEE_WORK_BUDGET} row operations (C x rowCost per candidate) every
 * unlabeled item is a candidate; above it the candidates are the items the current model is least
 * sure of by margin (one fused pass, no probability matrix), as many as the budget allows and never
 * fewer than 1,000: at 10^5 items the three benchmark pools (50 and 20 dense columns, text CSR of
 * ~30 non-zeros) are whole; at 10^6 x 50 the 160,000 lowest-margin items. The prefilter assumes
 * the committee disagrees most where the model is unsure, which holds for bagged linear models
 * (members differ by a resample of the same labels) but drops the rare certain-but-contested item.
 *
 * @example
 * const s = getStrategy("qbc_kl"); s.select(ctx, 10); // { indices, scores } best first
 */
import type { Matrix } from "../linalg/matrix.js";
import { entropyScores, marginScores, selectByScores, uncertaintyOf } from "./uncertainty.js";
import { classCounts, fitFresh, largestPositions, rowCost } from "./helpers.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";

/** Committee size used by the registered strategies. */
export const defaultCommitteeSize = 5;

/** Row operations the committee's predictions may take before the candidates are prefiltered. */
export const COMMITTEE_WORK_BUDGET = 4e7;
const MIN_CANDIDATES = 1000;

/** How many of n unlabeled items a committee of `size` scores (n within the budget). */
export function committeeCandidates(X: Matrix, n: number, size = defaultCommitteeSize, budget = COMMITTEE_WORK_BUDGET): number {
  return Math.min(n, Math.max(MIN_CANDIDATES, Math.floor(budget / (size * rowCost(X)))));
}

/**
 * The context the committee scores: ctx itself within the budget, else ctx with `unlabeled`
 * narrowed to the lowest-margin candidates (in pool order).
 */
export function committeeContext(ctx: QueryContext, size = defaultCommitteeSize, budget = COMMITTEE_WORK_BUDGET): QueryContext {
  const n = ctx.unlabeled.length;
  const m = committeeCandidates(ctx.X, n, size, budget);
  if (m >= n) return ctx;
  const keep = largestPositions(uncertaintyOf(ctx.model, ctx.X, ctx.unlabeled, marginScores), m);
  return { ...ctx, unlabeled: Int32Array.from(keep, (p) => ctx.unlabeled[p]) };
}

/**
 * Probabilities of every committee member over the unlabeled pool:
 * C arrays of shape (unlabeled.length x nClasses), row-major.
 */
export function committeeProba(ctx: QueryContext, size = defaultCommitteeSize): Float64Array[] {
  const n = ctx.labeled.length;
  // Rows of each class, to resample within classes.
  const byClass: number[][] = Array.from({ length: ctx.nClasses }, () => []);
  for (let r = 0; r < n; r++) byClass[ctx.labels[r]].push(r);
  const counts = classCounts(ctx.labels, ctx.nClasses);
  const out: Float64Array[] = [];
  for (let m = 0; m < size; m++) {
    const rows = new Int32Array(n);
    const y = new Int32Array(n);
    let t = 0;
    for (let c = 0; c < ctx.nClasses; c++) {
      const members = byClass[c];
      for (let s = 0; s < counts[c]; s++) {
        const r = members[ctx.rng.int(members.length)];
        rows[t] = ctx.labeled[r];
        y[t++] = c;
      }
    }
    out.push(fitFresh(ctx, rows, y).predictProba(ctx.X, ctx.unlabeled));
  }
  return out;
}

function consensus(members: Float64Array[]): Float64Array {
  const avg = new Float64Array(members[0].length);
  for (const p of members) for (let i = 0; i < p.length; i++) avg[i] += p[i];
  for (let i = 0; i < avg.length; i++) avg[i] /= members.length;
  return avg;
}

/** KL(p || q) between rows r of p and q (k columns); 0 ln 0 = 0. */
function klRow(p: Float64Array, q: Float64Array, r: number, k: number): number {
  let s = 0;
  for (let c = r * k; c < (r + 1) * k; c++) if (p[c] > 0) s += p[c] * Math.log(p[c] / q[c]);
  return Math.max(0, s);
}

/** Vote entropy per row, ties broken by 1e-6 x consensus entropy. */
export function voteEntropyScores(members: Float64Array[], n: number, k: number): Float64Array {
  const votes = new Float64Array(k);
  const out = entropyScores(consensus(members), n, k);
  for (let r = 0; r < n; r++) {
    votes.fill(0);
    for (const p of members) {
      let best = 0;
      for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + best]) best = c;
      votes[best]++;
    }
    let h = 0;
    for (let c = 0; c < k; c++) {
      const v = votes[c] / members.length;
      if (v > 0) h -= v * Math.log(v);
    }
    out[r] = h + 1e-6 * out[r];
  }
  return out;
}

/** Mean (or max) KL divergence of the members to the consensus, per row. */
export function klScores(members: Float64Array[], n: number, k: number, reduce: "mean" | "max"): Float64Array {
  const avg = consensus(members);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (const p of members) {
      const kl = klRow(p, avg, r, k);
      s = reduce === "mean" ? s + kl / members.length : Math.max(s, kl);
    }
    out[r] = s;
  }
  return out;
}

function committeeStrategy(name: string, description: string, score: (members: Float64Array[], n: number, k: number) => Float64Array): QueryStrategy {
  return {
    name,
    description,
    select(ctx: QueryContext, k: number): Selection {
      if (ctx.unlabeled.length === 0 || k <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
      const sub = committeeContext(ctx);
      const members = committeeProba(sub);
      return selectByScores(sub, score(members, sub.unlabeled.length, ctx.nClasses), k);
    },
  };
}

export const qbcVoteEntropy = committeeStrategy("qbc_vote_entropy", "bagged committee of 5: entropy of the members' votes", voteEntropyScores);
export const qbcKl = committeeStrategy("qbc_kl", "bagged committee of 5: mean KL divergence of members to the consensus", (m, n, k) => klScores(m, n, k, "mean"));
export const qbcMaxDisagreement = committeeStrategy("qbc_max_disagreement", "bagged committee of 5: largest KL divergence of any member to the consensus", (m, n, k) => klScores(m, n, k, "max"));

/**
 * Margin of the committee's consensus (the bagged average of the members' probabilities) instead of
 * the single model's: a tuning variant (`bench:tune`, "bagged_margin"), not registered.
 */
export const baggedMargin: QueryStrategy = committeeStrategy("bagged_margin", "bagged committee of 5: margin of the consensus", (m, n, k) => marginScores(consensus(m), n, k));
