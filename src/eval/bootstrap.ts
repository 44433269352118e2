/**
 * A 95% interval for "labels saved against random sampling", by bootstrap over seeds: the seeds
 * are resampled with replacement (the same resampled seeds for the strategy and for random, since
 * both ran on the same split and start set in each seed), and in each resample the mean curves
 * are rebuilt, random's final accuracy becomes the target and the labels saved are read off as in
 * the point estimate. The interval is the 2.5th and 97.5th percentile of the resampled savings.
 *
 * @example
 * labelsSavedInterval(margin.per_seed, random.per_seed, margin.labels, 300);
 * // { value: 160, low: 120, high: 190, resamples: 2000, never_matched: 0, seeds: 5 }
 */
import { Rng } from "../linalg/rng.js";
import type { LabelsSaved } from "./types.js";

/** Resamples of the seeds drawn for the interval. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Seed of the resampling (the same for every strategy, so their intervals use the same draws). */
export const BOOTSTRAP_SEED = 0;
/** Fewest seeds for a standard error or an interval; below it they are null ("n/a"). */
export const MIN_SEEDS_FOR_SPREAD = 3;

interface SeedCurve {
  readonly accuracy: readonly number[];
}

/** budget − the fewest labels at which `curve` reached `target`; 0 (and matched false) if it never did. */
function savedAt(labels: readonly number[], curve: ArrayLike<number>, target: number, budget: number): { saved: number; matched: boolean } {
  for (let t = 0; t < curve.length; t++) if (curve[t] >= target) return { saved: budget - labels[t], matched: true };
  return { saved: 0, matched: false };
}

/** Mean curve over the seeds `picks` (indices into `runs`). */
function meanCurve(runs: readonly SeedCurve[], picks: Int32Array, points: number): Float64Array {
  const out = new Float64Array(points);
  for (const i of picks) {
    const a = runs[i].accuracy;
    for (let t = 0; t < points; t++) out[t] += a[t];
  }
  for (let t = 0; t < points; t++) out[t] /= picks.length;
  return out;
}

/**
 * Labels saved by a strategy against random (per-seed curves of both, seeds in the same order) at
 * `budget`, with its bootstrap interval; `low`/`high` are null with fewer than
 * MIN_SEEDS_FOR_SPREAD seeds. A resample in which the strategy never reaches random's final
 * accuracy counts as 0 labels saved (and is counted in `never_matched`).
 */
export function labelsSavedInterval(
  strategy: readonly SeedCurve[],
  random: readonly SeedCurve[],
  labels: readonly number[],
  budget: number,
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): LabelsSaved {
  if (strategy.length !== random.length) throw new Error(`labels saved over ${strategy.length} and ${random.length} seeds`);
  const n = strategy.length;
  const points = labels.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const point = n === 0 || points === 0 ? { saved: 0, matched: false } : savedAt(labels, meanCurve(strategy, all, points), meanCurve(random, all, points)[points - 1], budget);
  const value = point.matched ? point.saved : null;
  if (n < MIN_SEEDS_FOR_SPREAD || points === 0) return { value, low: null, high: null, resamples: 0, never_matched: 0, seeds: n };
  const rng = new Rng(seed);
  const picks = new Int32Array(n);
  const saved = new Float64Array(resamples);
  let never = 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) picks[i] = rng.int(n);
    const r = savedAt(labels, meanCurve(strategy, picks, points), meanCurve(random, picks, points)[points - 1], budget);
    saved[b] = r.saved;
    if (!r.matched) never++;
  }
  saved.sort();
  // Nearest-rank percentiles: with 2000 resamples, the 51st and the 1950th smallest.
  const low = saved[Math.floor(0.025 * resamples)];
  const high = saved[Math.ceil(0.975 * resamples) - 1];
  return { value, low, high, resamples, never_matched: never, seeds: n };
}
