/** Turns per-seed runs into the results.json summary. */
import { mean, median, sd } from "./metrics.js";
import type { RunResult } from "./run.js";
import { MIN_SEEDS_FOR_SPREAD } from "./bootstrap.js";
import type { PairedDifference, StrategyResult } from "./types.js";

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Summarises one strategy's runs (seeds in order). */
export function summarizeStrategy(seeds: readonly number[], runs: readonly RunResult[], budget: number): Omit<StrategyResult, "labels_to_match_random"> {
  const labels = runs[0].labels;
  const points = labels.length;
  const meanAcc: number[] = [];
  const sdAcc: number[] = [];
  for (let t = 0; t < points; t++) {
    const col = runs.map((r) => r.accuracy[t]);
    meanAcc.push(round(mean(col)));
    sdAcc.push(round(sd(col)));
  }
  const accAt: Record<string, number> = {};
  for (const at of [50, 100, 200, budget]) {
    const t = labels.indexOf(at);
    if (t >= 0) accAt[String(at)] = meanAcc[t];
  }
  const times = runs.flatMap((r) => r.iterationSeconds);
  return {
    labels: labels.slice(),
    mean_accuracy: meanAcc,
    sd_accuracy: sdAcc,
    aulc: round(mean(meanAcc)),
    acc_at: accAt,
    median_iteration_s: round(median(times), 6),
    per_seed: runs.map((r, i) => ({ seed: seeds[i], accuracy: r.accuracy.map((a) => round(a)), aulc: round(mean(r.accuracy)) })),
  };
}

/**
 * Fewest labels at which `curve` reached `target` (random sampling's accuracy at the full budget);
 * null if it never did.
 */
export function labelsToReach(labels: readonly number[], curve: readonly number[], target: number): number | null {
  for (let t = 0; t < curve.length; t++) if (curve[t] >= target) return labels[t];
  return null;
}

/**
 * Paired difference of per-seed AULCs `a` − `b` (same seeds, in the same order). Both strategies ran
 * on the same split and start set in each seed, so the split's luck cancels and the spread of the
 * differences, not of the AULCs, says whether a gap is more than noise. With fewer than
 * MIN_SEEDS_FOR_SPREAD (3) seeds the standard error is null ("n/a": one or two differences say
 * nothing about their spread) and nothing is significant.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length) throw new Error(`paired difference of ${a.length} and ${b.length} seeds`);
  const d = a.map((x, i) => x - b[i]);
  const m = mean(d);
  // Standard error of the mean with the sample variance: sd_pop / sqrt(n - 1) = sqrt(SS / (n (n - 1))).
  const se = d.length >= MIN_SEEDS_FOR_SPREAD ? sd(d) / Math.sqrt(d.length - 1) : null;
  const significant = se !== null && Math.abs(m) > tCritical95(d.length - 1) * se;
  return { mean: round(m), se: se === null ? null : round(se), above: d.filter((x) => x > 0).length, seeds: d.length, significant };
}

/** Two-sided 95% critical values of Student's t for 1-30 degrees of freedom (then 40, 60, 120). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Student's t two-sided 95% critical value for `df` degrees of freedom (linear in 1/df past 30). */
export function tCritical95(df: number): number {
  if (df < 1) return Infinity;
  if (df <= 30) return T95[Math.floor(df) - 1];
  // Between 30 and infinity the value is nearly linear in 1/df: 2.042 at 30, 1.960 in the limit.
  return 1.96 + (2.042 - 1.96) * (30 / df);
}

/**
 * The strategy of highest AULC and those a paired t-test (5%, per-seed AULC, same splits and starts)
 * cannot tell from it on these seeds; with fewer than 3 seeds nothing is separated and every strategy is tied.
 */
export function tiedWithBest(strategies: Readonly<Record<string, StrategyResult>>): { best: string; tied: string[] } | undefined {
  const names = Object.keys(strategies).sort((a, b) => strategies[b].aulc - strategies[a].aulc);
  if (names.length === 0) return undefined;
  const best = names[0];
  const base = strategies[best].per_seed.map((p) => p.aulc);
  const tied = names.slice(1).filter((n) => !pairedDifference(strategies[n].per_seed.map((p) => p.aulc), base).significant);
  return { best, tied };
}
