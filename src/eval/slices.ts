/**
 * Slice monitoring in a simulation: per strategy, the slice table of each `--slice` column (labels
 * at the budget and the final model's test accuracy per slice value, counts summed over seeds) and
 * the cluster coverage over seeds. The accuracy intervals rest on the summed counts divided by the
 * number of seeds: every seed's test set is drawn from the same rows, so the seeds together carry
 * about one test set's worth of evidence.
 *
 * @example
 * const slices = [{ column: "Department", values: sliceValues("Department", cells).values }];
 * summarizeSlices(slices, "random", seeds, runs.get("random")!).slices.Department.findings;
 */
import { countSlices, mergeCounts, sliceTable, type SliceCount, type SliceTable } from "../quality/slices.js";
import type { RunResult } from "./run.js";
import type { ClusterCoverageSummary } from "./types.js";

/** A slice column and the slice value of every dataset row. */
export interface SliceColumn {
  readonly column: string;
  readonly values: readonly string[];
  /** The rows' order in the table (quartiles low to high); default: largest pool share first. */
  readonly order?: readonly string[];
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The slice tables and cluster coverage of one strategy's runs (seeds in order). */
export function summarizeSlices(
  columns: readonly SliceColumn[],
  strategy: string,
  seeds: readonly number[],
  runs: readonly RunResult[],
): { slices: Record<string, SliceTable>; cluster_coverage?: ClusterCoverageSummary } {
  const ends = runs.map((r) => r.slices).filter((s) => s !== undefined);
  const slices: Record<string, SliceTable> = {};
  for (const c of columns) {
    const { column, values } = c;
    const perSeed: SliceCount[][] = ends.map((e) => {
      const inTest = new Uint8Array(values.length);
      for (const r of e.testRows) inTest[r] = 1;
      const labeled = new Uint8Array(values.length);
      for (const r of e.labeledRows) labeled[r] = 1;
      const pool: string[] = [];
      const flags: number[] = [];
      for (let r = 0; r < values.length; r++)
        if (inTest[r] === 0) {
          pool.push(values[r]);
          flags.push(labeled[r]);
        }
      return countSlices({ pool, labeled: flags, evaluated: Array.from(e.testRows, (r) => values[r]), correct: e.testCorrect });
    });
    slices[column] = sliceTable(column, mergeCounts(perSeed), { labeledBy: strategy, runs: Math.max(1, perSeed.length), runsWord: "seeds", ...(c.order === undefined ? {} : { order: c.order }) });
  }
  const cov = ends.map((e, i) => ({ seed: seeds[i], c: e.clusters })).filter((x) => x.c !== null);
  if (cov.length === 0) return { slices };
  const per_seed = cov.map(({ seed, c }) => ({ seed, covered: c!.covered, covered_pool_share: c!.covered_pool_share, under_labeled: c!.under_labeled }));
  const avg = (f: (p: (typeof per_seed)[number]) => number): number => round4(per_seed.reduce((s, p) => s + f(p), 0) / per_seed.length);
  return {
    slices,
    cluster_coverage: {
      k: cov[0].c!.k,
      mean_covered: avg((p) => p.covered),
      mean_covered_pool_share: avg((p) => p.covered_pool_share),
      mean_under_labeled: avg((p) => p.under_labeled),
      per_seed,
    },
  };
}
