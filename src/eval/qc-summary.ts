/**
 * The quality-control comparison of `simulate --annotators`: every policy run on the same seeds
 * (same split, same start items, same simulated annotators), each curve put on one grid of label
 * units, and per policy its AULC and final accuracy paired by seed against `none` (no quality
 * control): what it cost (units that were not first labels) and what it gained, told apart from
 * the split's luck by a paired t-test.
 *
 * @example
 * const res = compareQc(ds, { annotators: [0.95, 0.85, 0.7], policies: ["none", "adaptive"], strategy: "margin" });
 * res.policies.adaptive.vs_none; // { mean, se, above, seeds, significant }
 */
import { BadOptionError } from "../errors.js";
import type { Dataset } from "../data/types.js";
import { modelNames } from "../models/registry.js";
import { getStrategy, normalizeStrategyName } from "../strategies/registry.js";
import { pairedDifference } from "./aggregate.js";
import { encodeLabels } from "./labels.js";
import { mean, sd } from "./metrics.js";
import { annotatorsFromAccuracies, onGrid, QC_POLICIES, simulateQcRun, type QcPolicy, type SimAnnotator } from "./qc.js";
import { prepareSplit, type ProtocolOptions } from "./run.js";
import type { PairedDifference } from "./types.js";

export interface QcOptions {
  /** Accuracies of simulated annotators whose errors fall evenly on the other classes, or annotators made from a file. */
  readonly annotators: readonly number[] | ((classes: readonly string[]) => SimAnnotator[]);
  /** Policies to compare (default all four); `none` is always run, as the baseline. */
  readonly policies?: readonly string[];
  /** The strategy every policy selects with (default typical_variance, the served default). */
  readonly strategy?: string;
  readonly seeds?: number;
  readonly firstSeed?: number;
  readonly initial?: number;
  readonly batch?: number;
  /** Label units: every label given costs one. */
  readonly budget?: number;
  readonly testFraction?: number;
  readonly model?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface QcPolicyResult {
  /** Label units at each grid point (initial, initial + batch, ..., budget). */
  readonly units: number[];
  /** Test accuracy at each grid point, mean over seeds. */
  readonly mean_accuracy: number[];
  /** Mean of mean_accuracy. */
  readonly aulc: number;
  readonly final_accuracy: number;
  readonly final_accuracy_sd: number;
  /** Share of the training labels that are right at the end, mean over seeds. */
  readonly training_label_accuracy: number;
  /** Mean over seeds: items labeled, units on second/third labels and reviews, disputed items, reviews and reviews that changed a label. */
  readonly items: number;
  readonly qc_units: number;
  readonly disputed: number;
  readonly reviews: number;
  readonly review_changes: number;
  /** AULC and final accuracy minus none's, paired by seed (absent for none). */
  readonly vs_none?: PairedDifference;
  readonly final_vs_none?: PairedDifference;
  readonly per_seed: { readonly seed: number; readonly aulc: number; readonly final_accuracy: number; readonly training_label_accuracy: number; readonly items: number; readonly qc_units: number }[];
}

export interface QcResults {
  /** The data file the runs read. */
  readonly dataset: string;
  readonly rows: number;
  readonly classes: number;
  readonly strategy: string;
  readonly model: string;
  readonly budget_units: number;
  readonly seeds: number[];
  readonly annotators: { readonly name: string; readonly accuracy: number }[];
  readonly policies: Partial<Record<QcPolicy, QcPolicyResult>>;
  /** One sentence per policy: what it cost and gained against none. */
  readonly verdicts: string[];
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/** The policies of `--qc`, checked (every unknown name at once); none first. */
export function qcPolicies(names: readonly string[] | undefined): QcPolicy[] {
  const want = (names ?? QC_POLICIES).map((s) => s.trim()).filter((s) => s !== "");
  const bad = want.filter((s) => !(QC_POLICIES as readonly string[]).includes(s));
  if (bad.length > 0) throw new BadOptionError([`--qc: unknown ${bad.length === 1 ? "policy" : "policies"} ${bad.map((b) => `"${b}"`).join(", ")}; the policies are ${QC_POLICIES.join(", ")}`], "qc");
  return ["none", ...QC_POLICIES.filter((p) => p !== "none" && want.includes(p))];
}

/** Accuracies of `--annotators 0.95,0.85,0.7`, checked. */
export function parseAccuracies(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  const bad = parts.filter((s) => !/^(0(\.\d+)?|1(\.0+)?)$/.test(s));
  if (bad.length > 0 || parts.length === 0) throw new BadOptionError([`--annotators must be accuracies from 0 to 1 separated by commas (e.g. 0.95,0.85,0.7) or a JSON file; not accuracies: ${bad.map((b) => `"${b}"`).join(", ")}`], "annotators");
  return parts.map(Number);
}

function sentence(p: QcPolicy, r: QcPolicyResult, none: QcPolicyResult): string {
  const d = r.vs_none!;
  const f = r.final_vs_none!;
  const signed = (x: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
  const luck = (x: PairedDifference): string => (x.se === null ? "too few seeds to tell from luck" : x.significant ? "more than the split's luck (paired t-test, 5%)" : "within the split's luck");
  const cost = `${p} spent ${r.qc_units.toFixed(0)} of ${r.units.at(-1)} units on quality control (${r.items.toFixed(0)} items labeled against ${none.items.toFixed(0)})`;
  const labels = `training labels ${(r.training_label_accuracy * 100).toFixed(1)}% right against ${(none.training_label_accuracy * 100).toFixed(1)}%`;
  return `${cost}; ${labels}; AULC ${signed(d.mean)} (${luck(d)}), final accuracy ${signed(f.mean)} (${luck(f)}) against none.`;
}

/** Runs every policy on every seed and summarises them against none. */
export function compareQc(ds: Dataset, o: QcOptions): QcResults {
  const policies = qcPolicies(o.policies);
  const strategyName = normalizeStrategyName(o.strategy ?? "typical_variance");
  getStrategy(strategyName); // an unknown name is an error naming the strategies, before any work
  const model = o.model ?? "logreg";
  if (!(modelNames as readonly string[]).includes(model)) throw new BadOptionError([`--model must be one of ${modelNames.join(", ")}, got "${model}"`], "model");
  const protocol: ProtocolOptions = { initial: o.initial ?? 10, batch: o.batch ?? 10, budget: o.budget ?? 300, testFraction: o.testFraction ?? 0.3, model };
  const enc = encodeLabels(ds);
  const annotators = typeof o.annotators === "function" ? o.annotators(enc.classes) : annotatorsFromAccuracies(o.annotators, enc.classes.length);
  const seeds = Array.from({ length: o.seeds ?? 5 }, (_, i) => (o.firstSeed ?? 0) + i);
  const grid: number[] = [];
  for (let u = protocol.initial; u < protocol.budget; u += protocol.batch) grid.push(u);
  grid.push(protocol.budget);
  const runs = new Map<QcPolicy, ReturnType<typeof simulateQcRun>[]>(policies.map((p) => [p, []]));
  let done = 0;
  for (const seed of seeds) {
    const prep = prepareSplit(ds, enc, seed, protocol);
    for (const p of policies) {
      // A fresh strategy object per run: stateful strategies keep per-learner state.
      runs.get(p)!.push(simulateQcRun(prep, enc.classes.length, getStrategy(strategyName), seed, protocol, annotators, p));
      o.onProgress?.(++done, seeds.length * policies.length);
    }
  }
  const out: Partial<Record<QcPolicy, QcPolicyResult>> = {};
  const curves = new Map<QcPolicy, number[][]>();
  for (const p of policies) {
    const rs = runs.get(p)!;
    const onG = rs.map((r) => onGrid(r, grid));
    curves.set(p, onG);
    const meanAcc = grid.map((_, t) => round(mean(onG.map((c) => c[t]))));
    const finals = onG.map((c) => c.at(-1)!);
    out[p] = {
      units: grid,
      mean_accuracy: meanAcc,
      aulc: round(mean(meanAcc)),
      final_accuracy: round(mean(finals)),
      final_accuracy_sd: round(sd(finals)),
      training_label_accuracy: round(mean(rs.map((r) => r.trainingLabelAccuracy))),
      items: round(mean(rs.map((r) => r.items)), 1),
      qc_units: round(mean(rs.map((r) => r.qcUnits)), 1),
      disputed: round(mean(rs.map((r) => r.disputed)), 1),
      reviews: round(mean(rs.map((r) => r.reviews)), 1),
      review_changes: round(mean(rs.map((r) => r.reviewChanges)), 1),
      per_seed: rs.map((r, i) => ({ seed: seeds[i], aulc: round(mean(onG[i])), final_accuracy: round(finals[i]), training_label_accuracy: round(r.trainingLabelAccuracy), items: r.items, qc_units: r.qcUnits })),
    };
  }
  const none = out.none!;
  const verdicts: string[] = [];
  for (const p of policies) {
    if (p === "none") continue;
    const r = out[p]!;
    out[p] = {
      ...r,
      vs_none: pairedDifference(r.per_seed.map((s) => s.aulc), none.per_seed.map((s) => s.aulc)),
      final_vs_none: pairedDifference(r.per_seed.map((s) => s.final_accuracy), none.per_seed.map((s) => s.final_accuracy)),
    };
    verdicts.push(sentence(p, out[p], none));
  }
  return {
    dataset: ds.source,
    rows: ds.rows,
    classes: enc.classes.length,
    strategy: strategyName,
    model,
    budget_units: protocol.budget,
    seeds,
    annotators: annotators.map((a) => ({ name: a.name, accuracy: round(a.accuracy) })),
    policies: out,
    verdicts,
  };
}
