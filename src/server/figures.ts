/**
 * The served project's figures from its in-memory state: counts, the test-then-train and audit
 * accuracies with their intervals, the headline accuracy with the others (advice.ts) and the
 * stopping advice. No store access: every figure comes from aggregates kept as labels arrive.
 *
 * @example
 * statsOf({ state, iterations, randomCurve: null, lastRetrainAt: null, meta }).labeled;
 */
import { wilson } from "../eval/metrics.js";
import type { CriterionState, Iteration, ProjectMeta } from "../store/types.js";
import { accuracyReport, pooledTestThenTrain, stoppingAdvice, type AccuracyReport, type Advice } from "./advice.js";
import type { LabelState } from "./label-state.js";
import type { PowerLaw } from "./retrain-jobs.js";

/** What the figures are computed from. */
export interface FigureInputs {
  readonly state: LabelState;
  /** Every retrain so far, oldest first. */
  readonly iterations: readonly Iteration[];
  /** Random sampling's learning curve from the latest retrain of this process (else the stored one). */
  readonly randomCurve: PowerLaw | null;
  readonly lastRetrainAt: number | null;
  readonly meta: ProjectMeta;
}

/** Test-then-train and audit accuracies (see {@link metricsOf}). */
export interface Metrics {
  accuracy: number | null;
  accuracyN: number;
  accuracyInterval: [number, number] | null;
  auditAccuracy: number | null;
  auditN: number;
  auditInterval: [number, number] | null;
  estimate: string;
}

/** Counts, metrics, the headline accuracy with the others, and the stopping advice. */
export interface Stats {
  total: number;
  labeled: number;
  byLabel: Record<string, number>;
  iterations: number;
  lastRetrainAt: string | null;
  metrics: Metrics;
  accuracy: AccuracyReport;
  advice: Advice;
}

/** Test-then-train counts pooled over the latest models (see advice.ts). */
export function hardCounts(f: FigureInputs): { correct: number; n: number } | null {
  return pooledTestThenTrain({ correct: f.state.evalCorrect, n: f.state.evalN }, f.iterations);
}

/** The headline accuracy over the pool and the other figures (see advice.ts). */
export function accuracyOf(f: FigureInputs): AccuracyReport {
  return accuracyReport({ latest: f.iterations.at(-1), hard: hardCounts(f), labeled: f.state.labeled, total: f.state.total, importedLabels: f.state.importedCount });
}

/** Keep labeling / you can stop now, with each criterion's state as of the last retrain. */
export function adviceOf(f: FigureInputs, accuracy: AccuracyReport = accuracyOf(f)): Advice {
  const latest = f.iterations.at(-1);
  const criteria: readonly CriterionState[] = latest?.assessment?.criteria ?? [];
  return stoppingAdvice({
    criteria,
    headline: accuracy.headline,
    randomCurve: f.randomCurve ?? latest?.assessment?.randomCurve ?? null,
    auditPicks: latest?.holdoutN ?? 0,
    spent: f.state.spent,
    labeled: f.state.labeled,
    total: f.state.total,
    budget: f.meta.budget ?? null,
    target: f.meta.targetAccuracy ?? null,
    retrains: f.iterations.length,
  });
}

/**
 * - `accuracy`: test-then-train accuracy on the labels that arrived while the latest models were
 *   current (each label against the model current when it arrived), pooled newest first until 50
 *   labels. The items are mostly the ones the strategy picked, so this is pessimistic: they are
 *   harder than the average item.
 * - `auditAccuracy`: the same on the last 50 random audit picks only: an unbiased estimate of
 *   accuracy over the whole pool, but noisy (`auditN` says on how many).
 * Each with its 95% Wilson interval (null when there is no figure).
 */
export function metricsOf(f: FigureInputs): Metrics {
  const hard = hardCounts(f);
  const accuracy = hard === null || hard.n === 0 ? null : hard.correct / hard.n;
  const accuracyN = hard?.n ?? 0;
  const window = f.state.auditWindow;
  const auditN = window.length;
  const auditRight = window.filter(Boolean).length;
  return {
    accuracy: accuracy === null ? null : round(accuracy, 4),
    accuracyN,
    accuracyInterval: accuracy === null || hard === null ? null : interval(hard.correct, accuracyN),
    auditAccuracy: auditN === 0 ? null : round(auditRight / auditN, 4),
    auditN,
    auditInterval: auditN === 0 ? null : interval(auditRight, auditN),
    estimate: "test-then-train: each label is compared with the prediction of the model current when it arrived, which was never trained on it",
  };
}

export function statsOf(f: FigureInputs): Stats {
  const accuracy = accuracyOf(f);
  return {
    total: f.state.total,
    labeled: f.state.labeled,
    byLabel: f.state.byLabelRecord(),
    iterations: f.iterations.length,
    lastRetrainAt: isoOrNull(f.lastRetrainAt),
    metrics: metricsOf(f),
    accuracy,
    advice: adviceOf(f, accuracy),
  };
}

export const isoOrNull = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/** The 95% Wilson interval of k in n, rounded to 4 decimals. */
export function interval(k: number, n: number): [number, number] {
  const w = wilson(k, n);
  return [round(w.low, 4), round(w.high, 4)];
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
