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

/**
 * Fits the random-sampling power law on audit items `rows` (pool indices) with classes `y`.
 * @returns null when there are too few audit items or the curve does not fall with m
 */
export function fitRandomCurve(X: Matrix, rows: Int32Array, y: Int32Array, nClasses: number, newModel: ClassifierFactory, rng: Rng, repeats = 4): PowerLaw | null {
  const n = rows.length;
  if (n < MIN_AUDIT) return null;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const frac of [0.2, 0.35, 0.5, 0.65, 0.8]) {
    const m = Math.max(5, Math.floor(n * frac));
    if (m >= n) continue;
    let wrong = 0;
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
      for (let t = 0; t < test.length; t++) if (pred[t] !== y[test[t]]) wrong++;
      tested += test.length;
    }
    if (tested === 0) continue;
    // An error of 0 has no logarithm: count it as half a mistake.
    const err = Math.max(wrong, 0.5) / tested;
    xs.push(Math.log(m));
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
  return { b: Math.exp(my - slope * mx), c, n };
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
