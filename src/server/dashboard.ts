/**
 * The dashboard of a served project: the learning curve (cross-validated on the audit picks, or
 * on the imported labels when everything was imported), the hard-items curve, label counts,
 * labels saved against random sampling, the annotators, the headline accuracy and the stopping
 * advice. Built from the in-memory aggregates (no scan of the annotations per request).
 *
 * @example
 * dashboardOf({ state, iterations, randomCurve, lastRetrainAt, meta }).curve;
 */
import { MIN_ESTIMATE_N, type AccuracyReport, type Advice } from "./advice.js";
import type { AnnotatorRow } from "./annotator-stats.js";
import { accuracyOf, adviceOf, interval, isoOrNull, metricsOf, round, type FigureInputs } from "./figures.js";
import { labelsSaved } from "./learning-curve.js";

/** A curve point with its sample size and 95% Wilson interval. */
export interface CurvePoint {
  readonly labels: number;
  readonly accuracy: number;
  readonly n: number;
  readonly low: number;
  readonly high: number;
}

export interface Dashboard {
  curve: CurvePoint[];
  curveSource: "audit" | "imported";
  curveMethod: string;
  hardCurve: CurvePoint[];
  auditAccuracy: number | null;
  auditN: number;
  auditInterval: [number, number] | null;
  byLabel: Record<string, number>;
  labelsSavedEstimate: number | null;
  labelsSavedRange: [number, number] | null;
  labeled: number;
  total: number;
  annotators: AnnotatorRow[];
  iterations: number;
  lastRetrainAt: string | null;
  accuracy: AccuracyReport;
  advice: Advice;
  accuracyMethod: string;
  labelsSavedMethod: string;
}

/** Most points a dashboard curve carries: a long project's curve is thinned evenly (first and last kept). */
const MAX_CURVE_POINTS = 300;

/** At most MAX_CURVE_POINTS of `points`, evenly spaced, first and last kept. */
export function thin<T>(points: T[]): T[] {
  if (points.length <= MAX_CURVE_POINTS) return points;
  const step = (points.length - 1) / (MAX_CURVE_POINTS - 1);
  return Array.from({ length: MAX_CURVE_POINTS }, (_, i) => points[Math.round(i * step)]);
}

function point(labels: number, accuracy: number, n: number): CurvePoint {
  const [low, high] = interval(Math.round(accuracy * n), n);
  return { labels, accuracy: round(accuracy, 4), n, low, high };
}

const AUDIT_CURVE =
  "At each retrain: accuracy cross-validated on the random audit picks (every auditEvery-th item served is drawn uniformly from the pool; each scored by a model trained on every other label), with its 95% Wilson interval on n picks.";
const IMPORTED_CURVE = "Every item is labeled, all by import: accuracy of models trained on m of the imported labels, tested on the others (random splits), with its 95% Wilson interval.";
const ACCURACY_METHOD =
  "curve: at each retrain, 5-fold cross-validated accuracy on the random audit picks (every auditEvery-th item served is drawn uniformly from the pool; each fold scored by a model fitted on every label but that fold's audit picks): an estimate of the model's accuracy over the pool, on n items, with its 95% Wilson interval [low, high]; hardCurve: test-then-train accuracy on the labels that arrived while each model was current, mostly items the strategy chose because they were hard, so below the pool's accuracy";
const LABELS_SAVED_METHOD =
  "random sampling's learning curve err(m) = b·m^-c is fitted on random audit picks (train on random subsets of them, test on the rest); labels it needs to reach the headline accuracy (cross-validated on the audit picks), minus the labels spent; labelsSavedRange: the same at either end of the accuracy's 95% interval; null until the curve exists (30 audit labels) and the accuracy rests on 20 picks";

export function dashboardOf(f: FigureInputs): Dashboard {
  const { state, iterations } = f;
  const accuracy = accuracyOf(f);
  let curve = iterations.filter((it) => it.holdoutAccuracy !== null && it.holdoutN >= MIN_ESTIMATE_N).map((it) => point(it.labeled, it.holdoutAccuracy ?? 0, it.holdoutN));
  let curveSource: "audit" | "imported" = "audit";
  let curveMethod = AUDIT_CURVE;
  const importedCurve = iterations.at(-1)?.assessment?.importedCurve;
  if (accuracy.headline.kind === "imported" && importedCurve != null && importedCurve.length > 0) {
    curve = importedCurve.map((p) => point(p.labels, p.accuracy, p.n));
    curveSource = "imported";
    curveMethod = IMPORTED_CURVE;
  }
  const hardCurve = iterations.filter((it) => it.accuracy !== null && it.accuracyN > 0).map((it) => point(it.labeled, it.accuracy ?? 0, it.accuracyN));
  const cur = iterations.at(-1);
  if (cur !== undefined && cur.accuracy === null && state.evalN >= 5) hardCurve.push(point(cur.labeled, state.evalCorrect / state.evalN, state.evalN));
  curve = thin(curve);
  const m = metricsOf(f);
  // Against the headline accuracy (over the pool); the range follows its 95% interval.
  let saved: number | null = null;
  let savedRange: [number, number] | null = null;
  const h = accuracy.headline;
  if (f.randomCurve !== null && h.kind === "pool" && h.value !== null && h.low !== null && h.high !== null && h.n >= 20) {
    saved = labelsSaved(f.randomCurve, h.value, state.labeled, state.total);
    savedRange = [labelsSaved(f.randomCurve, h.low, state.labeled, state.total), labelsSaved(f.randomCurve, h.high, state.labeled, state.total)];
  }
  return {
    curve,
    curveSource,
    curveMethod,
    hardCurve: thin(hardCurve),
    auditAccuracy: m.auditAccuracy,
    auditN: m.auditN,
    auditInterval: m.auditInterval,
    byLabel: state.byLabelRecord(),
    labelsSavedEstimate: saved,
    labelsSavedRange: savedRange,
    labeled: state.labeled,
    total: state.total,
    annotators: state.annotators.list(),
    iterations: iterations.length,
    lastRetrainAt: isoOrNull(f.lastRetrainAt),
    accuracy,
    advice: adviceOf(f, accuracy),
    accuracyMethod: ACCURACY_METHOD,
    labelsSavedMethod: LABELS_SAVED_METHOD,
  };
}
