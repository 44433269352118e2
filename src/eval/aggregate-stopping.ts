/**
 * Summaries simulate adds to results.json beside the learning curves: where each stopping
 * criterion would have stopped (per strategy), and each strategy's mean rank over seeds.
 */
import { mean } from "./metrics.js";
import type { RunResult } from "./run.js";
import type { StoppingSummary } from "./types.js";

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Per criterion, over the runs (seeds) of one strategy: a criterion that never fired in a run
 * counts as stopping at the end of that run (all labels spent, final accuracy), so mean_labels and
 * mean_accuracy are over every seed and fired_in_seeds says how often it really fired.
 * accuracy_lost_vs_budget = mean over seeds of (final accuracy - accuracy where it stopped).
 */
export function summarizeStopping(criteria: readonly string[], runs: readonly RunResult[]): Record<string, StoppingSummary> {
  const out: Record<string, StoppingSummary> = {};
  for (const name of criteria) {
    const labels: number[] = [];
    const accs: number[] = [];
    const lost: number[] = [];
    let fired = 0;
    let example: string | null = null;
    for (const r of runs) {
      const last = r.labels.length - 1;
      const e = r.stops?.find((s) => s.criterion === name);
      if (e !== undefined) {
        fired++;
        example ??= e.reason;
      }
      labels.push(e?.labels ?? r.labels[last]);
      accs.push(e?.accuracy ?? r.accuracy[last]);
      lost.push(r.accuracy[last] - (e?.accuracy ?? r.accuracy[last]));
    }
    out[name] = {
      mean_labels: round(mean(labels), 1),
      mean_accuracy: round(mean(accs)),
      accuracy_lost_vs_budget: round(mean(lost)),
      fired_in_seeds: fired,
      example_reason: example,
    };
  }
  return out;
}

/**
 * Rank of each strategy in every seed by that seed's AULC (1 = best; ties share the mean of
 * their ranks).
 * @param perSeedAulc strategy name -> AULC of each seed (same seeds, same order, for every strategy)
 */
export function seedRanks(perSeedAulc: Record<string, readonly number[]>): Record<string, number[]> {
  const names = Object.keys(perSeedAulc);
  const nSeeds = names.length === 0 ? 0 : Math.min(...names.map((n) => perSeedAulc[n].length));
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  for (let s = 0; s < nSeeds; s++) {
    for (const n of names) {
      const v = perSeedAulc[n][s];
      let better = 0;
      let equal = 0;
      for (const m of names) {
        if (perSeedAulc[m][s] > v) better++;
        else if (perSeedAulc[m][s] === v) equal++;
      }
      out[n].push(better + (equal + 1) / 2);
    }
  }
  return out;
}

/** Mean over seeds of each strategy's rank (see seedRanks), rounded to 3 decimals. */
export function meanRanks(perSeedAulc: Record<string, readonly number[]>): Record<string, number> {
  const ranks = seedRanks(perSeedAulc);
  return Object.fromEntries(Object.entries(ranks).map(([n, r]) => [n, r.length > 0 ? round(mean(r), 3) : NaN]));
}
