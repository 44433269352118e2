/**
 * The random-sampling learning curve behind `labelsSavedEstimate`. Only the audit items (served
 * uniformly at random from the unlabeled pool) are a random sample of the pool, so only they
 * tell how random sampling would do: models are trained on random subsets of m audit items and
 * tested on the other audit items, and err(m) = b · m^(-c) (the usual power law of learning
 * curves) is fitted by least squares on log err against log m. Labels random sampling would
 * need to reach an error e: m = (e / b)^(-1/c).
 */
import { argmaxRows } from "../eval/metrics.js";
import type { Matrix } from "../linalg/matrix.js";
import type { Rng } from "../linalg/rng.js";
import type { ClassifierFactory } from "../models/types.js";
import type { PowerLaw } from "./retrain-jobs.js";

/** Fewest audit labels before a curve is fitted. */
export const MIN_AUDIT = 30;

/** One point of a learning curve measured on subsets: models trained on `labels` items, tested on `n` others. */
export interface SubsetPoint {
  readonly labels: number;
  readonly correct: number;
  readonly n: number;
}

/**
 * Accuracy of models trained on random subsets of m of the items `rows` (pool indices, classes
 * `y`) and tested on the other items, for m from 20% to 80% of them (`repeats` draws each).
 */
export function subsetCurve(X: Matrix, rows: Int32Array, y: Int32Array, nClasses: number, newModel: ClassifierFactory, rng: Rng, repeats = 4): SubsetPoint[] {
  const n = rows.length;
  const out: SubsetPoint[] = [];
  for (const frac of [0.2, 0.35, 0.5, 0.65, 0.8]) {
    const m = Math.max(5, Math.floor(n * frac));
    if (m >= n) continue;
    let correct = 0;
    let tested = 0;
    for (let rep = 0; rep < repeats; rep++) {
      const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const train = perm.subarray(0, m);
      const test = perm.subarray(m);
      const trRows = Int32Array.from(train, (p) => rows[p]);
      const trY = Int32Array.from(train, (p) => y[p]);
      if (new Set(trY).size < 2) continue;
      const model = newModel(nClasses).fit(X, trY, { rows: trRows });
      const teRows = Int32Array.from(test, (p) => rows[p]);
      const pred = argmaxRows(model.predictProba(X, teRows), teRows.length, nClasses);
      for (let t = 0; t < test.length; t++) if (pred[t] === y[test[t]]) correct++;
      tested += test.length;
    }
    if (tested > 0 && (out.length === 0 || out[out.length - 1].labels !== m)) out.push({ labels: m, correct, n: tested });
  }
  return out;
}

/**
 * Fits the random-sampling power law on audit items `rows` (pool indices) with classes `y`.
 * @returns null when there are too few audit items or the curve does not fall with m
 */
export function fitRandomCurve(X: Matrix, rows: Int32Array, y: Int32Array, nClasses: number, newModel: ClassifierFactory, rng: Rng, repeats = 4): PowerLaw | null {
  const n = rows.length;
  if (n < MIN_AUDIT) return null;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of subsetCurve(X, rows, y, nClasses, newModel, rng, repeats)) {
    // An error of 0 has no logarithm: count it as half a mistake.
    const err = Math.max(p.n - p.correct, 0.5) / p.n;
    xs.push(Math.log(p.labels));
    ys.push(Math.log(err));
  }
  if (xs.length < 3) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  const c = -slope;
  if (!(c > 0.05) || !Number.isFinite(c)) return null;
  let rss = 0;
  for (let i = 0; i < xs.length; i++) rss += (ys[i] - (my + slope * (xs[i] - mx))) ** 2;
  const cSe = Math.sqrt(rss / (xs.length - 2) / sxx);
  return { b: Math.exp(my - slope * mx), c, n, logM: mx, logErr: my, cSe, points: xs.length };
}

/** Two-sided 95% quantiles of Student's t for 1..10 degrees of freedom. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/**
 * What `extra` more labels are expected to add to `accuracy` (a proportion) by the fitted curve:
 * the curve's error at the label count where it meets today's error, and `extra` labels later.
 * The range re-fits the curve through its centre with the exponent at either end of its 95%
 * interval (least-squares slope, Student's t on points - 2 degrees of freedom): it reflects how
 * uncertain the curve's shape is, not the noise in today's accuracy. Null without a curve.
 */
export function expectedGain(curve: PowerLaw, accuracy: number, extra = 100): { gain: number; low: number; high: number } | null {
  const err = Math.max(1 - accuracy, 1e-3);
  const gainAt = (c: number, b: number): number => {
    const mEq = Math.pow(err / b, -1 / c);
    return Math.max(0, err - err * Math.pow((mEq + extra) / mEq, -c));
  };
  const gain = gainAt(curve.c, curve.b);
  if (curve.cSe === undefined || curve.logM === undefined || curve.logErr === undefined || curve.points === undefined || curve.points < 3) return { gain, low: gain, high: gain };
  const t = T95[Math.min(T95.length, curve.points - 2) - 1];
  const ends: number[] = [gain];
  for (const c of [curve.c - t * curve.cSe, curve.c + t * curve.cSe]) {
    if (!(c > 1e-3)) {
      ends.push(0);
      continue;
    }
    ends.push(gainAt(c, Math.exp(curve.logErr + c * curve.logM)));
  }
  return { gain, low: Math.min(...ends), high: Math.max(...ends) };
}

/**
 * Labels saved against random sampling: labels random sampling needs to reach `accuracy`
 * (from the curve) minus the labels spent. Capped at the pool size.
 */
export function labelsSaved(curve: PowerLaw, accuracy: number, spent: number, poolSize: number): number {
  const err = Math.max(1 - accuracy, 1e-3);
  const needed = Math.min(poolSize, Math.pow(err / curve.b, -1 / curve.c));
  return Math.round(needed - spent);
}
