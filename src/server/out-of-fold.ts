/**
 * Out-of-fold class probabilities of the labeled items, for the review queue's "the model
 * strongly disagrees" check (reviews.ts): the labeled items are split into k folds at random
 * (seeded), and each fold is scored by a model fitted cold on the other folds only, so no item's
 * probability comes from a model that saw its label (the training fit would mostly echo the
 * label back, wrong or not). Cheap with the project's models (logistic regression, naive Bayes):
 * k fits on (k-1)/k of the labels. Run by the retraining worker after each retrain.
 *
 * @example
 * const p = outOfFold({ X, nClasses: 2, newModel, labeled, labels: y, seed: 7 });
 * p?.[t * 2 + 1]; // probability of class 1 for the t-th labeled item (NaN: its fold had one class)
 */
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { fitLabeled } from "../loop/round.js";
import type { ClassifierFactory } from "../models/types.js";

/** Folds of the split. */
export const OOF_FOLDS = 5;

/** Fewest labeled items before out-of-fold probabilities are computed (two per fold). */
export const MIN_OOF_LABELS = 2 * OOF_FOLDS;

export interface OutOfFoldInput {
  readonly X: Matrix;
  readonly nClasses: number;
  readonly newModel: ClassifierFactory;
  /** Pool rows of the labeled items. */
  readonly labeled: Int32Array;
  /** Class index of each labeled item. */
  readonly labels: Int32Array;
  readonly seed: number;
}

/**
 * The (labeled.length x nClasses) row-major probabilities, each row from the model of the other
 * folds; a row stays NaN when the other folds hold a single class (no model can be fitted).
 * @returns null with fewer than {@link MIN_OOF_LABELS} labeled items
 */
export function outOfFold(o: OutOfFoldInput): Float32Array | null {
  const n = o.labeled.length;
  if (n < MIN_OOF_LABELS) return null;
  const k = o.nClasses;
  const out = new Float32Array(n * k).fill(NaN);
  // A seeded shuffle, then fold = position mod OOF_FOLDS (folds differ in size by at most one).
  const order = Int32Array.from({ length: n }, (_, t) => t);
  const rng = new Rng(o.seed);
  for (let t = n - 1; t > 0; t--) {
    const j = Math.floor(rng.next() * (t + 1));
    const x = order[t];
    order[t] = order[j];
    order[j] = x;
  }
  const fold = new Int8Array(n);
  order.forEach((t, q) => (fold[t] = q % OOF_FOLDS));
  for (let f = 0; f < OOF_FOLDS; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let t = 0; t < n; t++) (fold[t] === f ? test : train).push(t);
    const y = Int32Array.from(train, (t) => o.labels[t]);
    if (test.length === 0 || new Set(y).size < 2) continue;
    const m = fitLabeled({ X: o.X, nClasses: k, newModel: o.newModel, labeled: Int32Array.from(train, (t) => o.labeled[t]), labels: y, warmStart: null });
    const p = m.predictProba(o.X, Int32Array.from(test, (t) => o.labeled[t]));
    test.forEach((t, q) => {
      for (let c = 0; c < k; c++) out[t * k + c] = p[q * k + c];
    });
  }
  return out;
}
