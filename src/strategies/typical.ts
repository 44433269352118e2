/**
 * Low-budget strategies: typical items of uncovered clusters.
 *
 * - `typiclust` (Hacohen, Dekel & Weinshall 2022, "Active learning on a budget: opposite strategies
 *   suit high and low budgets", ICML): cluster the pool (labeled and unlabeled) with k-means into
 *   |L| + k clusters; then k times: among the clusters holding the fewest labeled-or-chosen items
 *   take the largest, and query its most typical unlabeled item,
 *   typicality(x) = 1 / (mean Euclidean distance from x to its K nearest neighbours in the
 *   cluster), K = min(20, cluster size - 1). Score = typicality. With few labels a model's
 *   uncertainty is unreliable, and dense, not-yet-covered regions teach more than its boundary.
 * - `typical_margin`: the paper's finding turned into one strategy: typiclust while the labels are
 *   few, margin once they are not. "Few" = fewer than `perClass` (default 5) labels per class
 *   (vehicle: 20 labels, digits: 50; with two classes and 10 initial labels it is margin).
 *   perClass = 5 was chosen on seeds 5-24 (bench:tune) among 5, 10 and 20.
 *
 * Cost: the pool is clustered (k-means, 10 Lloyd iterations; on sparse pools the k-means++ seeding
 * and one assignment) on a seeded subsample of at most 2,000 rows with at most 100 clusters, and typicality is computed inside a cluster on at most 300
 * of its rows (quadratic in that), so a query does not grow with the pool apart from scoring.
 */
import { kmeans } from "../linalg/kmeans.js";
import type { Matrix } from "../linalg/matrix.js";
import { rowNorms2, subsample } from "./helpers.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { margin } from "./uncertainty.js";
import { varianceReductionStrategy } from "./variance.js";

const MAX_ROWS = 2000;
const MAX_CLUSTERS = 100;
const MAX_IN_CLUSTER = 300;
const NEIGHBOURS = 20;

/** Euclidean distances from row `a` to each of `rows` (out[i]), dense or CSR (via a scatter). */
function distancesFrom(X: Matrix, a: number, rows: Int32Array, norms: Float64Array, scratch: Float64Array, out: Float64Array): void {
  if (X.kind === "dense") {
    const d = X.cols;
    const oa = a * d;
    for (let i = 0; i < rows.length; i++) {
      const ob = rows[i] * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = X.data[oa + j] - X.data[ob + j];
        s += t * t;
      }
      out[i] = Math.sqrt(s);
    }
    return;
  }
  let na = 0;
  for (let q = X.indptr[a]; q < X.indptr[a + 1]; q++) {
    scratch[X.indices[q]] = X.values[q];
    na += X.values[q] * X.values[q];
  }
  for (let i = 0; i < rows.length; i++) {
    const b = rows[i];
    let dot = 0;
    for (let q = X.indptr[b]; q < X.indptr[b + 1]; q++) dot += X.values[q] * scratch[X.indices[q]];
    out[i] = Math.sqrt(Math.max(0, na + norms[i] - 2 * dot));
  }
  for (let q = X.indptr[a]; q < X.indptr[a + 1]; q++) scratch[X.indices[q]] = 0;
}

/** Typicality of each of `rows` within the set `rows`: 1 / mean distance to its K nearest. */
function typicality(X: Matrix, rows: Int32Array): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n);
  const K = Math.min(NEIGHBOURS, n - 1);
  if (K <= 0) return out.fill(1);
  const norms = rowNorms2(X, rows);
  const scratch = new Float64Array(X.kind === "csr" ? X.cols : 0);
  const dist = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    distancesFrom(X, rows[a], rows, norms, scratch, dist);
    dist[a] = Infinity;
    const near = dist.sort().subarray(0, K);
    let s = 0;
    for (const v of near) s += v;
    out[a] = 1 / (s / K + 1e-12);
  }
  return out;
}

/** The typiclust batch of k (pool indices, with typicality scores). */
export function typiclustSelect(ctx: QueryContext, k: number): Selection {
  const nU = ctx.unlabeled.length;
  const m = Math.min(k, nU);
  if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
  // Rows to cluster: the labeled rows (so coverage is known; a subsample when they are more than
  // a third of the rows) and a subsample of the unlabeled ones.
  const labeled = subsample(ctx.labeled, Math.floor(MAX_ROWS / 3), ctx.rng);
  const unl = subsample(ctx.unlabeled, MAX_ROWS - labeled.length, ctx.rng);
  const rows = new Int32Array(labeled.length + unl.length);
  rows.set(labeled, 0);
  rows.set(unl, labeled.length);
  const nClusters = Math.min(MAX_CLUSTERS, ctx.labeled.length + m, rows.length);
  // Sparse (text) pools: the k-means++ seeds and one assignment pass; Lloyd's updates over dense
  // centroids as wide as the vocabulary would cost more than a query may.
  const km = kmeans(ctx.X, nClusters, ctx.rng, { rows, maxIter: 10, seedingOnly: ctx.X.kind === "csr" });
  const kk = km.k;
  const covered = new Int32Array(kk);
  const size = new Int32Array(kk);
  for (let r = 0; r < rows.length; r++) {
    size[km.assignment[r]]++;
    if (r < labeled.length) covered[km.assignment[r]]++;
  }
  const members: number[][] = Array.from({ length: kk }, () => []);
  for (let r = labeled.length; r < rows.length; r++) members[km.assignment[r]].push(rows[r]);
  const indices: number[] = [];
  const scores: number[] = [];
  const taken = new Set<number>();
  while (indices.length < m) {
    // The largest of the least-covered clusters that still has unlabeled rows.
    let best = -1;
    for (let t = 0; t < kk; t++) {
      if (members[t].length === 0) continue;
      if (best < 0 || covered[t] < covered[best] || (covered[t] === covered[best] && size[t] > size[best])) best = t;
    }
    if (best < 0) break;
    const cand = subsample(Int32Array.from(members[best]), MAX_IN_CLUSTER, ctx.rng);
    const typ = typicality(ctx.X, cand);
    let pick = -1;
    for (let i = 0; i < cand.length; i++) if (!taken.has(cand[i]) && (pick < 0 || typ[i] > typ[pick])) pick = i;
    const row = cand[pick];
    taken.add(row);
    indices.push(row);
    scores.push(typ[pick]);
    covered[best]++;
    members[best] = members[best].filter((r) => r !== row);
  }
  // Fill up (tiny pools, subsampling) with unlabeled rows not taken yet, in pool order.
  for (let i = 0; i < nU && indices.length < m; i++) {
    if (!taken.has(ctx.unlabeled[i])) {
      taken.add(ctx.unlabeled[i]);
      indices.push(ctx.unlabeled[i]);
      scores.push(0);
    }
  }
  return { indices: Int32Array.from(indices), scores: Float64Array.from(scores) };
}

export const typiclust: QueryStrategy = {
  name: "typiclust",
  description: "the most typical item of the largest clusters not yet covered by labels (low budgets)",
  select: typiclustSelect,
};

/** `first` below `perClass` labels per class, `then` from there on. */
export function phased(perClass: number, first: QueryStrategy, then: QueryStrategy, name: string): QueryStrategy {
  return {
    name,
    description: `${first.name} until ${perClass} labels per class, then ${then.name}`,
    select(ctx: QueryContext, k: number): Selection {
      const chosen = ctx.labeled.length < perClass * ctx.nClasses ? first : then;
      const sel = chosen.select(ctx, k);
      return { ...sel, by: sel.by ?? chosen.name };
    },
  };
}

/**
 * typiclust below 5 labels per class, then, with three or more classes, variance reduction below
 * 25 labels per class, and margin from there on: the low-budget phase, the Fisher-information phase
 * while a many-class model's parameters are still loose, then plain uncertainty. Thresholds chosen
 * on seeds 5-24 (bench:tune). With two classes the variance phase is skipped (it is then
 * `typical_margin`): on mlc_churn it cost 0.006 AULC against margin on the tuning seeds.
 */
const manyClassPhases = phased(5, typiclust, phased(25, varianceReductionStrategy, margin, "variance_margin"), "typical_variance");
const twoClassPhases = typicalMargin(5, "typical_variance");
export const typicalVariance: QueryStrategy = {
  name: "typical_variance",
  description: "typiclust until 5 labels per class, variance reduction until 25 (three or more classes), then margin",
  select(ctx: QueryContext, k: number): Selection {
    return (ctx.nClasses >= 3 ? manyClassPhases : twoClassPhases).select(ctx, k);
  },
};

/** typiclust below `perClass` labels per class, `then` (default margin) from there on. */
export function typicalMargin(perClass = 5, name = "typical_margin", then: QueryStrategy = margin): QueryStrategy {
  return phased(perClass, typiclust, then, name);
}
