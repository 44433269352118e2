/**
 * Representative and diverse batches.
 *
 * - `representative` (Zhdanov 2019, "Diverse mini-batch active learning"): take the M = 10k most
 *   uncertain unlabeled items (margin, 1 - (p(1) - p(2))), cluster them with k-means (k-means++
 *   seeding) into k clusters, and query from each cluster the item nearest its centroid. Batch
 *   order: by margin uncertainty of the chosen items, which are also the scores. (Zhdanov weights
 *   k-means by uncertainty; we cluster unweighted, since the prefilter already keeps only
 *   uncertain items.)
 * - `coreset` (Sener & Savarese 2018, k-center greedy): repeatedly pick the candidate farthest
 *   (Euclidean, in feature space) from its nearest labeled-or-already-chosen item; score = that
 *   distance at the time of the pick. With nothing labeled, the first pick is the candidate
 *   farthest from the candidates' mean.
 * - `ranked_batch` (Cardoso et al. 2017, "Ranked batch-mode active learning"): repeatedly pick the
 *   candidate maximising  alpha * (1 - sim(x)) + (1 - alpha) * u(x)  with
 *   alpha = |U| / (|U| + |L|), u(x) = 1 - p(1) (least confidence) and
 *   sim(x) = max over labeled-or-chosen x' of 1 / (1 + ||x - x'||); score = that value at the pick.
 *
 * Cost: the two greedy methods are quadratic (candidates x centers). Above a work budget of
 * 6 x 10^7 row operations (a dense row costs its width, a CSR row 4 + 2 x its non-zeros) they
 * run on a seeded subsample of the unlabeled pool as candidates (never fewer than 1,000) and on a seeded subsample of at most 2,000 labeled items as initial centers;
 * `representative` clusters only the 10k prefiltered items, so it is linear in the pool.
 */
import { kmeans } from "../linalg/kmeans.js";
import { NearestCenter, range, rowCost, selectionFrom, subsample } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { leastConfidenceScores, marginScores, uncertaintyOf } from "./uncertainty.js";

/** Row operations allowed to the quadratic greedy strategies before they subsample. */
const WORK_BUDGET = 6e7;
const MIN_CANDIDATES = 1000;
const MAX_LABELED_CENTERS = 2000;

/**
 * Candidate positions (into ctx.unlabeled) and initial center rows (labeled pool rows) for a
 * greedy batch of k, subsampled with ctx.rng to stay within the work budget.
 */
export function greedyCandidates(ctx: QueryContext, k: number): { positions: Int32Array; centers: Int32Array } {
  const centers = subsample(ctx.labeled, MAX_LABELED_CENTERS, ctx.rng);
  const perCandidate = (centers.length + k) * rowCost(ctx.X);
  const m = Math.max(MIN_CANDIDATES, Math.floor(WORK_BUDGET / perCandidate));
  return { positions: subsample(range(ctx.unlabeled.length), m, ctx.rng), centers };
}

export const representative: QueryStrategy = {
  name: "representative",
  description: "k-means over the 10k most uncertain items; the item nearest each centroid",
  select(ctx: QueryContext, k: number): Selection {
    const n = ctx.unlabeled.length;
    const m = Math.min(k, n);
    if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
    const u = uncertaintyOf(ctx.model, ctx.X, ctx.unlabeled, marginScores);
    const pre = topK(u, 10 * m);
    const rows = Int32Array.from(pre, (p) => ctx.unlabeled[p]);
    const km = kmeans(ctx.X, m, ctx.rng, { rows, maxIter: 20 });
    const nearest = new Int32Array(km.k).fill(-1);
    for (let r = 0; r < pre.length; r++) {
      const t = km.assignment[r];
      if (nearest[t] < 0 || km.distances[r] < km.distances[nearest[t]]) nearest[t] = r;
    }
    const chosen: number[] = [];
    const taken = new Uint8Array(pre.length);
    for (const r of nearest) {
      if (r >= 0 && taken[r] === 0) {
        chosen.push(pre[r]);
        taken[r] = 1;
      }
    }
    // Fewer non-empty clusters than k: fill with the most uncertain items left.
    for (let r = 0; r < pre.length && chosen.length < m; r++) {
      if (taken[r] === 0) {
        chosen.push(pre[r]);
        taken[r] = 1;
      }
    }
    chosen.sort((a, b) => u[b] - u[a] || a - b);
    return selectionFrom(ctx, chosen, chosen.map((p) => u[p]));
  },
};

/**
 * Greedy loop shared by coreset and ranked batch: `makeValue(candidateRows)` returns the score of
 * candidate r given its squared distance to the nearest center.
 */
function greedyBatch(
  ctx: QueryContext,
  k: number,
  makeValue: (rows: Int32Array) => (r: number, dist2: number) => number,
  seedFromMean: boolean,
): Selection {
  const { positions, centers } = greedyCandidates(ctx, k);
  const m = Math.min(k, positions.length);
  const rows = Int32Array.from(positions, (p) => ctx.unlabeled[p]);
  const value = makeValue(rows);
  const near = new NearestCenter(ctx.X, rows);
  for (const c of centers) near.add(c);
  if (centers.length === 0 && seedFromMean) near.addMean();
  const picked: number[] = [];
  const scores: number[] = [];
  const taken = new Uint8Array(rows.length);
  for (let t = 0; t < m; t++) {
    let best = -1;
    let bestV = -Infinity;
    for (let r = 0; r < rows.length; r++) {
      if (taken[r] === 1) continue;
      const v = value(r, near.dist2[r]);
      if (v > bestV) {
        bestV = v;
        best = r;
      }
    }
    taken[best] = 1;
    picked.push(positions[best]);
    scores.push(bestV);
    near.add(rows[best]);
  }
  return selectionFrom(ctx, picked, scores);
}

export const coreset: QueryStrategy = {
  name: "coreset",
  description: "k-center greedy: the item farthest from everything labeled or chosen",
  select(ctx: QueryContext, k: number): Selection {
    return greedyBatch(ctx, k, () => (_r, d2) => Math.sqrt(d2), true);
  },
};

export const rankedBatch: QueryStrategy = {
  name: "ranked_batch",
  description: "ranked batch-mode: alpha x dissimilarity to labeled+chosen + (1 - alpha) x least confidence",
  select(ctx: QueryContext, k: number): Selection {
    const nU = ctx.unlabeled.length;
    const alpha = nU / (nU + ctx.labeled.length);
    return greedyBatch(
      ctx,
      k,
      (rows) => {
        const u = uncertaintyOf(ctx.model, ctx.X, rows, leastConfidenceScores);
        return (r, d2) => alpha * (1 - (Number.isFinite(d2) ? 1 / (1 + Math.sqrt(d2)) : 0)) + (1 - alpha) * u[r];
      },
      false,
    );
  },
};
