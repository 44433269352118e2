/**
 * Slice monitoring (selection bias): for each value of a slice column, how many pool items carry
 * it, how many of them were labeled, and how accurate the model is on it (on an evaluation sample:
 * the random audit picks of a project, the test set of a simulation), with two flags:
 *
 * - **under-labeled**: the slice's share of the labels is under half its share of the pool. Only
 *   judged when the slice has at least {@link MIN_POOL_FOR_FLAG} pool items and at least
 *   {@link MIN_EXPECTED_LABELS} labels would have fallen in it at its pool share (so a small slice
 *   or a handful of labels does not flag on noise).
 * - **accuracy below the whole**: the upper end of the slice's 95% Wilson interval is below the
 *   overall accuracy on the whole evaluation sample (a one-sided test at about 2.5% against the
 *   whole's point estimate; a slice with few evaluated items has a wide interval and so does not
 *   flag). With many slices, some flags can still be chance (no multiple-comparison correction).
 *
 * Counts are kept apart from the table so that runs can be summed (simulate sums its seeds).
 *
 * @example
 * const counts = countSlices({ pool: ["a", "a", "b", "b"], labeled: [1, 1, 0, 1], evaluated: ["a", "b"], correct: [1, 0] });
 * sliceTable("Department", counts, { labeledBy: "random" }).rows[0]; // { value: "a", pool: 2, pool_share: 0.5, labels: 2, ... }
 */
import { wilson } from "../eval/metrics.js";

/** Fewest pool items a slice needs before it can be flagged as under-labeled. */
export const MIN_POOL_FOR_FLAG = 20;
/** Fewest labels a slice would have got at its pool share before it can be flagged as under-labeled. */
export const MIN_EXPECTED_LABELS = 5;

/** Raw counts of one slice value. */
export interface SliceCount {
  readonly value: string;
  /** Pool items with this value. */
  pool: number;
  /** Of them, labeled. */
  labels: number;
  /** Evaluation items with this value, and how many the model got right. */
  evalN: number;
  evalRight: number;
}

/** One row of a slice table. */
export interface SliceRow {
  readonly value: string;
  readonly pool: number;
  readonly pool_share: number;
  readonly labels: number;
  readonly label_share: number;
  /** Accuracy on the slice's evaluation items (null when it has none), their number and the 95% Wilson interval. */
  readonly accuracy: number | null;
  readonly n: number;
  readonly low: number | null;
  readonly high: number | null;
  /** Zero, one or both of "under-labeled" and "accuracy below the whole". */
  readonly flags: SliceFlag[];
}

export type SliceFlag = "under-labeled" | "accuracy below the whole";

/** A slice column's table: the rows (largest pool share first) and the whole's figures. */
export interface SliceTable {
  readonly column: string;
  readonly pool: number;
  readonly labels: number;
  /** Accuracy over the whole evaluation sample, with its n and 95% Wilson interval. */
  readonly accuracy: number | null;
  readonly n: number;
  readonly low: number | null;
  readonly high: number | null;
  /** Runs the counts sum (see SliceTableOptions.runs). */
  readonly runs: number;
  /** Largest share of the pool first, or in the given order (quartiles low to high). */
  readonly rows: SliceRow[];
  /** Each flag in words, e.g. "labels 12% of its items from X = a, but X = a is 30% of the pool". */
  readonly findings: string[];
}

/** What {@link countSlices} counts: per pool item its value and whether it is labeled; per evaluation item its value and whether the model was right. */
export interface SliceObservations {
  readonly pool: readonly string[];
  readonly labeled: ArrayLike<number>;
  readonly evaluated: readonly string[];
  readonly correct: ArrayLike<number>;
}

/** Counts per slice value, in first-seen order (pool first, then evaluation-only values). */
export function countSlices(o: SliceObservations): SliceCount[] {
  if (o.labeled.length !== o.pool.length) throw new Error(`slices: ${o.pool.length} pool values but ${o.labeled.length} labeled flags`);
  if (o.correct.length !== o.evaluated.length) throw new Error(`slices: ${o.evaluated.length} evaluated values but ${o.correct.length} correctness flags`);
  const by = new Map<string, SliceCount>();
  const get = (v: string): SliceCount => {
    let c = by.get(v);
    if (c === undefined) {
      c = { value: v, pool: 0, labels: 0, evalN: 0, evalRight: 0 };
      by.set(v, c);
    }
    return c;
  };
  o.pool.forEach((v, i) => {
    const c = get(v);
    c.pool++;
    if (o.labeled[i] === 1) c.labels++;
  });
  o.evaluated.forEach((v, i) => {
    const c = get(v);
    c.evalN++;
    if (o.correct[i] === 1) c.evalRight++;
  });
  return [...by.values()];
}

/** The sum of several runs' counts, value by value (first-seen order over the runs). */
export function mergeCounts(runs: readonly (readonly SliceCount[])[]): SliceCount[] {
  const by = new Map<string, SliceCount>();
  for (const run of runs)
    for (const c of run) {
      const m = by.get(c.value);
      if (m === undefined) by.set(c.value, { ...c });
      else {
        m.pool += c.pool;
        m.labels += c.labels;
        m.evalN += c.evalN;
        m.evalRight += c.evalRight;
      }
    }
  return [...by.values()];
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Whether a slice is under-labeled by the rule in the file comment. */
export function underLabeled(pool: number, labels: number, totalPool: number, totalLabels: number): boolean {
  if (totalPool <= 0 || totalLabels <= 0 || pool < MIN_POOL_FOR_FLAG) return false;
  const poolShare = pool / totalPool;
  if (poolShare * totalLabels < MIN_EXPECTED_LABELS) return false;
  return labels / totalLabels < poolShare / 2;
}

/** Whether a slice's accuracy is below the whole's by the rule in the file comment. */
export function accuracyBelow(right: number, n: number, wholeAccuracy: number | null): boolean {
  if (n === 0 || wholeAccuracy === null) return false;
  return wilson(right, n).high < wholeAccuracy;
}

export interface SliceTableOptions {
  /** Who chose the labels and trained the model, for the sentences ("random", "margin"; default "the project"). */
  readonly labeledBy?: string;
  /** What the runs are called in the sentences (default "runs"; simulate: "seeds"). */
  readonly runsWord?: string;
  /** The rows' order (e.g. quartiles low to high); default: largest pool share first. Values not in it follow. */
  readonly order?: readonly string[];
  /**
   * How many runs the counts sum (default 1). The intervals (and so the accuracy flag) rest on
   * the counts divided by it: runs that evaluate on overlapping samples of the same rows (the
   * seeds of a simulation) carry about one sample's worth of evidence, not `runs` samples'.
   */
  readonly runs?: number;
}

/** Accuracy flag with counts scaled down by `runs` (see SliceTableOptions). */
function below(right: number, n: number, whole: number | null, runs: number): boolean {
  return accuracyBelow(right / runs, n / runs, whole);
}

/** The table of one slice column from its counts, with the flags and their sentences. */
export function sliceTable(column: string, counts: readonly SliceCount[], options: SliceTableOptions = {}): SliceTable {
  const labeledBy = options.labeledBy ?? "the project";
  const runs = options.runs ?? 1;
  const order = new Map((options.order ?? []).map((v, i) => [v, i]));
  const rank = (v: string): number => order.get(v) ?? order.size;
  let pool = 0;
  let labels = 0;
  let n = 0;
  let right = 0;
  for (const c of counts) {
    pool += c.pool;
    labels += c.labels;
    n += c.evalN;
    right += c.evalRight;
  }
  const whole = n === 0 ? null : right / n;
  const wholeCi = n === 0 ? null : wilson(right / runs, n / runs);
  const findings: string[] = [];
  const rows = [...counts]
    .sort((a, b) => rank(a.value) - rank(b.value) || b.pool - a.pool || b.evalN - a.evalN || a.value.localeCompare(b.value))
    .map((c): SliceRow => {
      const flags: SliceFlag[] = [];
      const poolShare = pool === 0 ? 0 : c.pool / pool;
      const labelShare = labels === 0 ? 0 : c.labels / labels;
      const name = `${column} = ${c.value}`;
      if (underLabeled(c.pool, c.labels, pool, labels)) {
        flags.push("under-labeled");
        findings.push(`${labeledBy} took ${percent(labelShare)} of its labels from ${name}, but ${name} is ${percent(poolShare)} of the pool (${c.labels} of ${labels} labels; ${c.pool} of ${pool} pool items)`);
      }
      const ci = c.evalN === 0 ? null : wilson(c.evalRight / runs, c.evalN / runs);
      if (below(c.evalRight, c.evalN, whole, runs)) {
        flags.push("accuracy below the whole");
        findings.push(
          `${labeledBy}: accuracy on ${name} is ${(c.evalRight / c.evalN).toFixed(3)} (95% interval ${ci!.low.toFixed(3)}–${ci!.high.toFixed(3)}, n = ${c.evalN}${runs > 1 ? ` over ${runs} ${options.runsWord ?? "runs"}` : ""}), below ${(whole ?? 0).toFixed(3)} on the whole`,
        );
      }
      return {
        value: c.value,
        pool: c.pool,
        pool_share: round4(poolShare),
        labels: c.labels,
        label_share: round4(labelShare),
        accuracy: c.evalN === 0 ? null : round4(c.evalRight / c.evalN),
        n: c.evalN,
        low: ci === null ? null : round4(ci.low),
        high: ci === null ? null : round4(ci.high),
        flags,
      };
    });
  return {
    column,
    pool,
    labels,
    accuracy: whole === null ? null : round4(whole),
    n,
    low: wholeCi === null ? null : round4(wholeCi.low),
    high: wholeCi === null ? null : round4(wholeCi.high),
    runs,
    rows,
    findings,
  };
}

/** The rules behind the flags, in one sentence each (for reports and the dashboard). */
export const SLICE_RULES =
  `under-labeled: the slice's share of the labels is under half its share of the pool (judged only for slices of at least ${MIN_POOL_FOR_FLAG} pool items that would have had at least ${MIN_EXPECTED_LABELS} labels at their pool share). ` +
  "accuracy below the whole: the upper end of the slice's 95% Wilson interval is below the accuracy on the whole evaluation sample (no correction for testing many slices).";
