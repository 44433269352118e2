/**
 * How well the labels cover the pool's clusters: the pool's feature vectors are cut into k
 * clusters by k-means (seeded; fitted on a seeded sample of at most {@link CLUSTER_SAMPLE} rows,
 * then every row goes to its nearest centroid), k = min({@link MAX_CLUSTERS}, pool / 20), and the
 * coverage says how many clusters hold at least one label, what share of the pool they hold,
 * and which clusters are under-labeled by the slice rule (slices.ts: label share under half the
 * pool share, for clusters big enough to judge).
 *
 * @example
 * const clusters = poolClusters(Xpool, 0);
 * clusterCoverage(clusters!.assignment, clusters!.k, labeledFlags).covered; // e.g. 17 of 20
 */
import { kmeans, rowDistance2 } from "../linalg/kmeans.js";
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { underLabeled } from "./slices.js";

/** Most clusters the pool is cut into. */
export const MAX_CLUSTERS = 20;
/** Pool items per cluster, on average, at least. */
const ITEMS_PER_CLUSTER = 20;
/** Rows k-means is fitted on at most (the rest are assigned to the nearest centroid). */
export const CLUSTER_SAMPLE = 2000;

export interface PoolClusters {
  readonly k: number;
  /** Cluster of every pool row. */
  readonly assignment: Int32Array;
}

/** The pool's clusters, or null when the pool is too small for two clusters of 20 items. */
export function poolClusters(X: Matrix, seed: number): PoolClusters | null {
  const n = X.rows;
  const k = Math.min(MAX_CLUSTERS, Math.floor(n / ITEMS_PER_CLUSTER));
  if (k < 2) return null;
  const rng = new Rng(seed);
  const rows = n <= CLUSTER_SAMPLE ? Int32Array.from({ length: n }, (_, i) => i) : Int32Array.from(rng.sample(Int32Array.from({ length: n }, (_, i) => i), CLUSTER_SAMPLE)).sort();
  const fit = kmeans(X, k, rng, { rows, maxIter: 30 });
  if (n <= CLUSTER_SAMPLE) return { k: fit.k, assignment: fit.assignment };
  const norms = new Float64Array(fit.k);
  for (let t = 0; t < fit.k; t++) {
    let s = 0;
    for (let j = 0; j < fit.d; j++) s += fit.centroids[t * fit.d + j] ** 2;
    norms[t] = s;
  }
  const assignment = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let t = 0; t < fit.k; t++) {
      const d = rowDistance2(X, i, fit.centroids, t * fit.d, norms[t]);
      if (d < bestD) {
        bestD = d;
        best = t;
      }
    }
    assignment[i] = best;
  }
  return { k: fit.k, assignment };
}

/** One cluster's share of the pool and of the labels. */
export interface ClusterRow {
  readonly cluster: number;
  readonly pool: number;
  readonly pool_share: number;
  readonly labels: number;
  readonly label_share: number;
  readonly under_labeled: boolean;
}

export interface ClusterCoverage {
  readonly k: number;
  /** Clusters with at least one label. */
  readonly covered: number;
  /** Share of the pool in those clusters. */
  readonly covered_pool_share: number;
  /** Clusters flagged under-labeled (slices.ts rule). */
  readonly under_labeled: number;
  /** Largest cluster first. */
  readonly clusters: ClusterRow[];
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Coverage of `k` clusters (`assignment` per pool row) by the labeled rows (`labeled[i] === 1`). */
export function clusterCoverage(assignment: ArrayLike<number>, k: number, labeled: ArrayLike<number>): ClusterCoverage {
  if (assignment.length !== labeled.length) throw new Error(`cluster coverage: ${assignment.length} assignments but ${labeled.length} labeled flags`);
  const pool = new Array<number>(k).fill(0);
  const labels = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < assignment.length; i++) {
    pool[assignment[i]]++;
    if (labeled[i] === 1) {
      labels[assignment[i]]++;
      total++;
    }
  }
  const n = assignment.length;
  const clusters = pool
    .map((p, c): ClusterRow => ({
      cluster: c,
      pool: p,
      pool_share: n === 0 ? 0 : round4(p / n),
      labels: labels[c],
      label_share: total === 0 ? 0 : round4(labels[c] / total),
      under_labeled: underLabeled(p, labels[c], n, total),
    }))
    .sort((a, b) => b.pool - a.pool || a.cluster - b.cluster);
  const coveredRows = clusters.filter((c) => c.labels > 0);
  return {
    k,
    covered: coveredRows.length,
    covered_pool_share: n === 0 ? 0 : round4(coveredRows.reduce((s, c) => s + c.pool, 0) / n),
    under_labeled: clusters.filter((c) => c.under_labeled).length,
    clusters,
  };
}
