/**
 * k-means (Lloyd's algorithm) with k-means++ seeding (Arthur & Vassilvitskii 2007), seeded.
 * Works on dense or CSR rows (centroids dense), on a subset of rows without copying.
 *
 * @example
 * const { centroids, assignment } = kmeans(X, 8, new Rng(0));
 */
import { BadOptionError } from "../errors.js";
import type { Matrix } from "./matrix.js";
import type { Rng } from "./rng.js";

export interface KMeansOptions {
  /** Rows of X to cluster (default all). */
  readonly rows?: Int32Array;
  /** Lloyd iterations at most (default 50). */
  readonly maxIter?: number;
  /** Optional per-row weights for the k-means++ seeding (BADGE uses gradient norms implicitly). */
  readonly seedingOnly?: boolean;
}

export interface KMeansResult {
  /** k x d, row-major. */
  readonly centroids: Float64Array;
  readonly k: number;
  readonly d: number;
  /** Cluster of each clustered row (same order as rows). */
  readonly assignment: Int32Array;
  /** Squared distance of each clustered row to its centroid. */
  readonly distances: Float64Array;
  /** Positions (into rows) of the k-means++ seeds, in the order chosen. */
  readonly seeds: Int32Array;
  readonly iterations: number;
}

/** Squared Euclidean distance between row i of X and the dense vector c (offset co). */
export function rowDistance2(X: Matrix, i: number, c: Float64Array, co: number, cNorm2: number): number {
  if (X.kind === "dense") {
    const d = X.cols;
    const base = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = X.data[base + j] - c[co + j];
      s += t * t;
    }
    return s;
  }
  // ||x||^2 - 2 x.c + ||c||^2 over the non-zeros of x.
  let xx = 0;
  let xc = 0;
  for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
    const v = X.values[q];
    xx += v * v;
    xc += v * c[co + X.indices[q]];
  }
  return Math.max(0, xx - 2 * xc + cNorm2);
}

function copyRow(X: Matrix, i: number, out: Float64Array, o: number): void {
  const d = X.cols;
  if (X.kind === "dense") {
    out.set(X.data.subarray(i * d, (i + 1) * d), o);
    return;
  }
  out.fill(0, o, o + d);
  for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) out[o + X.indices[q]] = X.values[q];
}

function norm2At(c: Float64Array, o: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += c[o + j] * c[o + j];
  return s;
}

/** k-means++ seeding: positions (into rows) of k distinct, spread-out rows. */
export function kmeansPlusPlus(X: Matrix, rows: Int32Array, k: number, rng: Rng): Int32Array {
  const n = rows.length;
  const m = Math.min(k, n);
  const d = X.cols;
  const seeds = new Int32Array(m);
  if (m === 0) return seeds;
  const best = new Float64Array(n).fill(Infinity);
  const c = new Float64Array(d);
  seeds[0] = rng.int(n);
  for (let t = 1; t <= m; t++) {
    copyRow(X, rows[seeds[t - 1]], c, 0);
    const cn = norm2At(c, 0, d);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const dist = rowDistance2(X, rows[r], c, 0, cn);
      if (dist < best[r]) best[r] = dist;
      total += best[r];
    }
    if (t === m) break;
    let pick = -1;
    if (total > 0) {
      let u = rng.next() * total;
      for (let r = 0; r < n; r++) {
        u -= best[r];
        if (u < 0 && best[r] > 0) {
          pick = r;
          break;
        }
      }
    }
    if (pick < 0) {
      // All remaining rows coincide with a seed (or rounding): take any row not chosen yet.
      const chosen = new Set(seeds.subarray(0, t));
      for (let r = 0; r < n && pick < 0; r++) if (!chosen.has(r) && best[r] > 0) pick = r;
      for (let r = 0; r < n && pick < 0; r++) if (!chosen.has(r)) pick = r;
    }
    seeds[t] = pick;
  }
  return seeds;
}

/** Clusters rows of X into k groups. */
export function kmeans(X: Matrix, k: number, rng: Rng, options: KMeansOptions = {}): KMeansResult {
  if (!(Number.isInteger(k) && k >= 1)) throw new BadOptionError([`k-means: k must be a whole number >= 1, got ${k}`]);
  const rows = options.rows ?? Int32Array.from({ length: X.rows }, (_, i) => i);
  const n = rows.length;
  const d = X.cols;
  const seeds = kmeansPlusPlus(X, rows, k, rng);
  const kk = seeds.length;
  const centroids = new Float64Array(kk * d);
  for (let t = 0; t < kk; t++) copyRow(X, rows[seeds[t]], centroids, t * d);
  const assignment = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const norms = new Float64Array(kk);
  const counts = new Float64Array(kk);
  const maxIter = options.seedingOnly === true ? 0 : (options.maxIter ?? 50);
  let iter = 0;
  for (;;) {
    for (let t = 0; t < kk; t++) norms[t] = norm2At(centroids, t * d, d);
    let changed = 0;
    for (let r = 0; r < n; r++) {
      let bestT = 0;
      let bestD = Infinity;
      for (let t = 0; t < kk; t++) {
        const dist = rowDistance2(X, rows[r], centroids, t * d, norms[t]);
        if (dist < bestD) {
          bestD = dist;
          bestT = t;
        }
      }
      if (assignment[r] !== bestT) changed++;
      assignment[r] = bestT;
      distances[r] = bestD;
    }
    if (changed === 0 || iter >= maxIter) break;
    iter++;
    centroids.fill(0);
    counts.fill(0);
    for (let r = 0; r < n; r++) {
      const t = assignment[r];
      counts[t]++;
      const i = rows[r];
      const o = t * d;
      if (X.kind === "dense") for (let j = 0; j < d; j++) centroids[o + j] += X.data[i * d + j];
      else for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) centroids[o + X.indices[q]] += X.values[q];
    }
    for (let t = 0; t < kk; t++) {
      if (counts[t] === 0) {
        // Empty cluster: move it to the row farthest from its centroid.
        let far = 0;
        for (let r = 1; r < n; r++) if (distances[r] > distances[far]) far = r;
        copyRow(X, rows[far], centroids, t * d);
        distances[far] = 0;
        continue;
      }
      const inv = 1 / counts[t];
      for (let j = 0; j < d; j++) centroids[t * d + j] *= inv;
    }
  }
  return { centroids, k: kk, d, assignment, distances, seeds, iterations: iter };
}
