/**
 * Hybrid strategies: uncertainty and diversity in one batch.
 *
 * - `badge` (Ash et al. 2020, "Deep batch active learning by diverse, uncertain gradient lower
 *   bounds"): each unlabeled item gets the gradient of the log loss w.r.t. the last linear layer
 *   under its own predicted label yhat, g_x = (p - e_yhat) ⊗ [x, 1]; the batch is chosen by
 *   k-means++ seeding over those embeddings (first the largest ||g||, then D^2 sampling with
 *   ctx.rng). The K·(d+1)-dimensional embeddings are never built: distances come from
 *   ||g_a||^2 = ||p_a - e_a||^2 (||x_a||^2 + 1) and <g_a, g_b> = <p_a - e_a, p_b - e_b> (<x_a, x_b> + 1),
 *   so each seed costs one pass over the candidates (O(nnz + n K)). Score = D^2 at the time of the
 *   pick. Above a work budget the candidates are the items of largest gradient norm
 *   ({@link BADGE_WORK_BUDGET}).
 * - `cluster_margin` (Citovsky et al. 2021, "Batch active learning at scale"): the pool is
 *   clustered once per learner (k-means++ then at most 10 Lloyd steps on a seeded subsample of at
 *   most 2,000 pool rows into clamp(round(sqrt(pool)), 2, 100) clusters, instead of the paper's
 *   agglomerative clustering; on wide pools, over 1,000 columns, as CSR text: 1,000 rows, at most
 *   50 clusters, 5 steps, since dense centroids cost O(clusters x columns) per step; other rows
 *   join their nearest centroid on demand). Each query takes the
 *   k_m = 10k lowest-margin unlabeled items, groups them by cluster, orders the clusters from the
 *   smallest (fewest candidates) up, and takes one random candidate from each cluster in turn,
 *   round-robin, until k are chosen. Score = margin uncertainty 1 - (p(1) - p(2)) of the pick.
 *   Stateful (the clustering is cached): the registry makes one instance per learner.
 */
import { kmeans, rowDistance2 } from "../linalg/kmeans.js";
import type { Matrix } from "../linalg/matrix.js";
import { addRow, clearRow, largestPositions, range, rowCost, rowDot, rowNorms2, selectionFrom, subsample } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { marginScores, uncertaintyOf } from "./uncertainty.js";

/**
 * BADGE's work budget, in row operations (a dense row costs its width, a CSR row 4 + 2 x its
 * non-zeros, plus K for the probability part): each of the k - 1 D^2 passes touches every
 * candidate once. Above the budget the candidates are the {@link badgeCandidates} items of largest
 * gradient norm (never fewer than 1,000), the ones k-means++ seeding draws with the most weight:
 * the first seed is the largest norm and every D^2 is at most (||g_a|| + ||g_b||)^2. At 10^5 x 50
 * with 10 classes and k = 10 the whole pool is within it (5.4 x 10^7); at 10^6 the top 111,111.
 */
export const BADGE_WORK_BUDGET = 6e7;
const BADGE_MIN_CANDIDATES = 1000;

/** How many candidates BADGE keeps for a batch of k on n unlabeled items (n when within the budget). */
export function badgeCandidates(X: Matrix, n: number, nClasses: number, k: number, budget = BADGE_WORK_BUDGET): number {
  const perCandidate = Math.max(1, k - 1) * (rowCost(X) + nClasses);
  return Math.min(n, Math.max(BADGE_MIN_CANDIDATES, Math.floor(budget / perCandidate)));
}

/** BADGE's batch of k within a work budget (the strategy uses {@link BADGE_WORK_BUDGET}). */
export function badgeSelect(ctx: QueryContext, k: number, budget = BADGE_WORK_BUDGET): Selection {
  const nAll = ctx.unlabeled.length;
  const K = ctx.nClasses;
  const m = Math.min(k, nAll);
  if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
  // a = p - e_yhat, in place.
  const pAll = ctx.model.predictProba(ctx.X, ctx.unlabeled);
  const aNormAll = new Float64Array(nAll);
  for (let r = 0; r < nAll; r++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (pAll[r * K + c] > pAll[r * K + best]) best = c;
    pAll[r * K + best] -= 1;
    let s = 0;
    for (let c = 0; c < K; c++) s += pAll[r * K + c] * pAll[r * K + c];
    aNormAll[r] = s;
  }
  const xNormAll = rowNorms2(ctx.X, ctx.unlabeled);
  const g2All = new Float64Array(nAll);
  for (let r = 0; r < nAll; r++) g2All[r] = aNormAll[r] * (xNormAll[r] + 1);
  // The candidates: every unlabeled item, or within the work budget those of largest gradient norm.
  const n = badgeCandidates(ctx.X, nAll, K, m, budget);
  const cand = n === nAll ? range(nAll) : largestPositions(g2All, n);
  const a = n === nAll ? pAll : new Float64Array(n * K);
  const g2 = n === nAll ? g2All : new Float64Array(n);
  if (n !== nAll) {
    for (let t = 0; t < n; t++) {
      a.set(pAll.subarray(cand[t] * K, (cand[t] + 1) * K), t * K);
      g2[t] = g2All[cand[t]];
    }
  }
  const d2 = new Float64Array(n).fill(Infinity);
  const taken = new Uint8Array(n);
  const scratch = new Float64Array(ctx.X.cols);
  const picked: number[] = [];
  const scores: number[] = [];
  // First seed: the largest gradient norm.
  let next = 0;
  for (let r = 1; r < n; r++) if (g2[r] > g2[next]) next = r;
  let nextScore = g2[next];
  for (;;) {
    taken[next] = 1;
    picked.push(next);
    scores.push(nextScore);
    if (picked.length === m) break;
    const c = ctx.unlabeled[cand[next]];
    addRow(ctx.X, c, 1, scratch);
    let total = 0;
    for (let r = 0; r < n; r++) {
      if (taken[r] === 1) continue;
      let ac = 0;
      for (let q = 0; q < K; q++) ac += a[r * K + q] * a[next * K + q];
      const dist = Math.max(0, g2[r] + g2[next] - 2 * ac * (rowDot(ctx.X, ctx.unlabeled[cand[r]], scratch) + 1));
      if (dist < d2[r]) d2[r] = dist;
      total += d2[r];
    }
    clearRow(ctx.X, c, scratch);
    next = -1;
    if (total > 0) {
      let u = ctx.rng.next() * total;
      for (let r = 0; r < n; r++) {
        if (taken[r] === 1 || d2[r] <= 0) continue;
        u -= d2[r];
        next = r;
        if (u < 0) break;
      }
    }
    if (next < 0) {
      // Every remaining embedding coincides with a seed: any untaken item, seeded.
      let skip = ctx.rng.int(n - picked.length);
      for (let r = 0; r < n; r++) if (taken[r] === 0 && skip-- === 0) next = r;
    }
    nextScore = d2[next];
  }
  return selectionFrom(ctx, picked.map((t) => cand[t]), scores);
}

export const badge: QueryStrategy = {
  name: "badge",
  description: "k-means++ seeding over gradient embeddings (p - onehot(yhat)) ⊗ [x, 1]",
  select: (ctx: QueryContext, k: number): Selection => badgeSelect(ctx, k),
};

/** A pool clustering: centroids plus a lazily filled assignment of pool rows. */
interface PoolClusters {
  readonly X: Matrix;
  readonly centroids: Float64Array;
  readonly norms: Float64Array;
  readonly k: number;
  readonly assignment: Int32Array;
}

function clusterPool(ctx: QueryContext): PoolClusters {
  const X = ctx.X;
  // Dense k-means centroids cost O(clusters x cols) per step: keep that bounded on wide CSR pools.
  const wide = X.cols > 1000;
  const sample = subsample(range(X.rows), wide ? 1000 : 2000, ctx.rng);
  const nc = Math.min(sample.length, Math.max(2, Math.min(wide ? 50 : 100, Math.round(Math.sqrt(X.rows)))));
  const km = kmeans(X, nc, ctx.rng, { rows: sample, maxIter: wide ? 5 : 10 });
  const norms = new Float64Array(km.k);
  for (let t = 0; t < km.k; t++) for (let j = 0; j < km.d; j++) norms[t] += km.centroids[t * km.d + j] ** 2;
  const assignment = new Int32Array(X.rows).fill(-1);
  for (let r = 0; r < sample.length; r++) assignment[sample[r]] = km.assignment[r];
  return { X, centroids: km.centroids, norms, k: km.k, assignment };
}

function clusterOf(pc: PoolClusters, i: number): number {
  if (pc.assignment[i] < 0) {
    let best = 0;
    let bestD = Infinity;
    for (let t = 0; t < pc.k; t++) {
      const dist = rowDistance2(pc.X, i, pc.centroids, t * pc.X.cols, pc.norms[t]);
      if (dist < bestD) {
        bestD = dist;
        best = t;
      }
    }
    pc.assignment[i] = best;
  }
  return pc.assignment[i];
}

/** A cluster-margin strategy with its own cached pool clustering. */
export function clusterMargin(): QueryStrategy {
  let cache: PoolClusters | null = null;
  return {
    name: "cluster_margin",
    description: "round-robin over pool clusters (smallest first) among the 10k lowest-margin items",
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const m = Math.min(k, n);
      if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
      if (cache === null || cache.X !== ctx.X) cache = clusterPool(ctx);
      const pc = cache;
      const u = uncertaintyOf(ctx.model, ctx.X, ctx.unlabeled, marginScores);
      const cand = topK(u, 10 * m);
      const groups: number[][] = Array.from({ length: pc.k }, () => []);
      for (const p of cand) groups[clusterOf(pc, ctx.unlabeled[p])].push(p);
      const order = groups.map((g, t) => ({ g, t })).filter((x) => x.g.length > 0);
      order.sort((x, y) => x.g.length - y.g.length || x.t - y.t);
      const picked: number[] = [];
      while (picked.length < m) {
        for (const { g } of order) {
          if (g.length === 0 || picked.length === m) continue;
          const j = ctx.rng.int(g.length);
          picked.push(g[j]);
          g[j] = g[g.length - 1];
          g.pop();
        }
      }
      return selectionFrom(ctx, picked, picked.map((p) => u[p]));
    },
  };
}
