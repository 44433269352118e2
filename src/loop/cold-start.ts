/**
 * Cold start: which items to label first, before any model exists.
 *
 * - `random`: a uniform sample of the pool (the reference protocol): the first n of
 *   {@link randomOrder}, the order the served project labels in until its first model.
 * - `cluster`: k-means with k = n over the pool (k-means++ seeding, seeded), then the pool item
 *   nearest each centroid: n items that cover the pool's dense regions, so a many-class pool is
 *   more likely to show every class early.
 *
 * @example
 * const first = coldStart(Xpool, 10, "cluster", new Rng(0)); // 10 distinct pool indices
 */
import { BadOptionError } from "../errors.js";
import { kmeans, rowDistance2 } from "../linalg/kmeans.js";
import type { Matrix } from "../linalg/matrix.js";
import type { Rng } from "../linalg/rng.js";

export const coldStartMethods = ["random", "cluster"] as const;
export type ColdStart = (typeof coldStartMethods)[number];

/** `n` distinct pool indices (rows of X) to label first. */
export function coldStart(X: Matrix, n: number, method: ColdStart, rng: Rng): Int32Array {
  if (!(Number.isInteger(n) && n >= 1)) throw new BadOptionError([`cold start: the number of items must be a whole number >= 1, got ${n}`]);
  if (n > X.rows) throw new BadOptionError([`cold start: ${n} items asked from a pool of ${X.rows} rows`]);
  if (method === "random") return randomOrder(Int32Array.from({ length: X.rows }, (_, i) => i), rng).slice(0, n);
  if (method !== "cluster") throw new BadOptionError([`cold start must be one of ${coldStartMethods.join(", ")}, got "${String(method)}"`], "cold-start");
  return nearestToCentroids(X, n, rng);
}

/**
 * Every candidate (pool rows, e.g. the unlabeled ones) in a seeded uniform random order: the
 * random cold start's order. The served project serves items in this order until its first
 * model is trained.
 */
export function randomOrder(candidates: ArrayLike<number>, rng: Rng): Int32Array {
  return Int32Array.from(rng.sample(candidates, candidates.length));
}

function nearestToCentroids(X: Matrix, n: number, rng: Rng): Int32Array {
  const km = kmeans(X, n, rng, { maxIter: 30 });
  const d = km.d;
  const taken = new Uint8Array(X.rows);
  const out: number[] = [];
  for (let t = 0; t < km.k; t++) {
    let cn = 0;
    for (let j = 0; j < d; j++) cn += km.centroids[t * d + j] ** 2;
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < X.rows; i++) {
      if (taken[i] === 1) continue;
      const dist = rowDistance2(X, i, km.centroids, t * d, cn);
      if (dist < bestD) {
        bestD = dist;
        best = i;
      }
    }
    taken[best] = 1;
    out.push(best);
  }
  // Fewer distinct centroids than n (duplicate rows): fill up at random.
  if (out.length < n) {
    const rest = Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => taken[i] === 0);
    out.push(...rng.sample(rest, n - out.length));
  }
  return Int32Array.from(out);
}
