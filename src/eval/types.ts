/**
 * The results of a simulation: the shape of `shared/reference/modal-*.json`, plus what
 * activelearn adds (spread over seeds, per-seed curves, labels to match random).
 */
import type { SliceTable } from "../quality/slices.js";
export interface StrategyResult {
  /** Labels spent at each evaluation point: initial, initial + batch, ..., budget. */
  readonly labels: number[];
  /** Test accuracy at each point, mean over seeds. */
  readonly mean_accuracy: number[];
  /** Population standard deviation over seeds at each point. */
  readonly sd_accuracy: number[];
  /** Area under the learning curve: the mean of mean_accuracy. */
  readonly aulc: number;
  /** Accuracy at 50, 100, 200 and the budget (where those points exist), keyed by label count. */
  readonly acc_at: Record<string, number>;
  /** Median time in seconds of one iteration (select + retrain), over all iterations and seeds. */
  readonly median_iteration_s: number;
  /**
   * Fewest labels at which this strategy's mean accuracy reached random sampling's mean accuracy
   * at the full budget; null if it never did within the budget.
   */
  readonly labels_to_match_random: number | null;
  /** Per-seed curves. */
  readonly per_seed: { readonly seed: number; readonly accuracy: number[]; readonly aulc: number }[];
  /**
   * AULC minus random sampling's, paired by seed (same split and start set): mean, standard error,
   * seeds above. Absent for random itself and when random did not run.
   */
  readonly vs_random?: PairedDifference;
  /**
   * Labels saved against random sampling (budget − labels_to_match_random) with a 95% bootstrap
   * interval over seeds (eval/bootstrap.ts). Absent for random itself and when random did not run.
   */
  readonly labels_saved?: LabelsSaved;
  /** Mean over seeds of the strategy's rank by that seed's AULC (1 = best). */
  readonly mean_rank?: number;
  /** Where each stopping criterion would have stopped, keyed by criterion name. */
  readonly stopping?: Record<string, StoppingSummary>;
  /**
   * With `--slice`: per slice column, the labels at the budget and the final model's test accuracy
   * per slice value, summed over seeds (quality/slices.ts; intervals on one seed's worth of test items).
   */
  readonly slices?: Record<string, SliceTable>;
  /** With `--slice`: how well the labels at the budget cover the pool's k-means clusters, per seed and on average. */
  readonly cluster_coverage?: ClusterCoverageSummary;
}

/** Cluster coverage over the seeds of one strategy (quality/slices-clusters.ts). */
export interface ClusterCoverageSummary {
  /** Clusters per seed's pool. */
  readonly k: number;
  /** Means over seeds: clusters with a label, the pool share they hold, clusters under-labeled. */
  readonly mean_covered: number;
  readonly mean_covered_pool_share: number;
  readonly mean_under_labeled: number;
  readonly per_seed: { readonly seed: number; readonly covered: number; readonly covered_pool_share: number; readonly under_labeled: number }[];
}

/** A paired comparison of two strategies' per-seed AULC over the same splits and start sets. */
export interface PairedDifference {
  /** Mean over seeds of (this AULC − the other's AULC). */
  readonly mean: number;
  /** Its standard error (sample sd of the differences / √seeds); null ("n/a") with fewer than 3 seeds. */
  readonly se: number | null;
  /** Seeds where this strategy's AULC is above the other's. */
  readonly above: number;
  readonly seeds: number;
  /** A two-sided paired t-test at 5% rejects "no difference" (never with fewer than 3 seeds). */
  readonly significant: boolean;
}

/** Labels saved against random sampling, with its bootstrap interval over seeds. */
export interface LabelsSaved {
  /** budget − the fewest labels at which the mean curve reached random's final mean accuracy; null if it never did. */
  readonly value: number | null;
  /**
   * 2.5th and 97.5th percentile of the labels saved over `resamples` resamples of the seeds (with
   * replacement, the same seeds for the strategy and random); null with fewer than 3 seeds.
   */
  readonly low: number | null;
  readonly high: number | null;
  /** Resamples drawn (0 when no interval was computed). */
  readonly resamples: number;
  /** Resamples in which the strategy never reached random's final accuracy (counted as 0 saved). */
  readonly never_matched: number;
  readonly seeds: number;
}

/** One stopping criterion over the seeds of one strategy (see eval/aggregate-stopping.ts). */
export interface StoppingSummary {
  /** Mean labels spent when it fired (the end of the run in seeds where it never fired). */
  readonly mean_labels: number;
  /** Mean test accuracy at that point. */
  readonly mean_accuracy: number;
  /** Mean of (final accuracy - accuracy where it stopped): what stopping there cost. */
  readonly accuracy_lost_vs_budget: number;
  /** In how many seeds it fired before or at the budget. */
  readonly fired_in_seeds: number;
  /** The reason it gave in the first seed where it fired; null if it never fired. */
  readonly example_reason: string | null;
}

export interface SimulationResults {
  readonly dataset: string;
  readonly rows: number;
  readonly classes: number;
  readonly protocol: string;
  /** Test accuracy of the model trained on the whole labeled pool, mean over seeds. */
  readonly full_pool_accuracy: number;
  readonly strategies: Record<string, StrategyResult>;
  /** What the reader must know before trusting the figures (e.g. too few seeds for an interval). */
  readonly warnings?: string[];
  /** The options the run used. */
  readonly options: {
    readonly label: string;
    readonly text: string | null;
    readonly seeds: number[];
    readonly initial: number;
    readonly batch: number;
    readonly budget: number;
    readonly testFraction: number;
    readonly model: string;
    /** How the initial items were chosen (absent in older results: random). */
    readonly coldStart?: string;
    /** Slice columns monitored (`--slice`; absent without it). */
    readonly slices?: string[];
  };
}

/** Reference curves (shared/reference/modal-*.json) for side-by-side display. */
export interface ReferenceResults {
  readonly dataset: string;
  readonly full_pool_accuracy: number;
  readonly strategies: Record<
    string,
    { readonly labels: number[]; readonly mean_accuracy: number[]; readonly aulc: number; readonly median_iteration_s: number }
  >;
}
