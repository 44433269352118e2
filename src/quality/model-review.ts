/**
 * Which labeled items the model sends to review after a retrain: the review queue's reason
 * "model" in a served project (src/server/reviews.ts) and simulate's `review-suspects` policy
 * (src/eval/qc.ts) use this one rule. It is confident learning on out-of-fold probabilities, the
 * rule the `label-issues` command applies to a labeled table, with guards for a small and growing
 * label set.
 *
 * The rule, after each retrain:
 *  1. once at least two labels have {@link MIN_CLASS_LABELS} training labels each, the retrain
 *     worker computes the labeled items' out-of-fold probabilities ({@link labeledOutOfFold}:
 *     {@link OOF_FOLDS} folds stratified by the training label, each fold's items scored by the
 *     project's model fitted cold on the other folds, so no item's probability comes from a model
 *     that saw its label; quality/cross-val.ts);
 *  2. confident learning on them (quality/label-issues.ts issuesFromProba): per-class thresholds
 *     (the mean out-of-fold probability of each class over the items given it), the confident
 *     joint, prune by noise rate for *how many* labels are likely wrong, and *which* by label
 *     quality (the out-of-fold probability of the given label), lowest first, among the items
 *     whose given label is not the model's most probable one;
 *  3. an item whose given label has fewer than {@link MIN_CLASS_LABELS} training labels is not
 *     flagged (that class's threshold and model rest on too few examples);
 *  4. the queue opens at most {@link MODEL_REVIEW_CAP} model reviews per retrain, lowest label
 *     quality first; the rest come up at later retrains if the model still doubts them.
 * The queue's own rules then apply (reviews.ts): an item in open review is not added twice; one a
 * reviewer resolved is not flagged again while unchanged since the decision, nor by the retrain
 * (model iteration) that flagged it.
 *
 * @example
 * const p = labeledOutOfFold(X, 2, newModel, labeled, y, 7); // null before enough labels
 * const s = p === null ? [] : modelSuspects(p, y, ["spam", "ham"]); // most suspect first
 * s[0]; // { t: 12, given: 1, suggested: 0, probability: 0.97, quality: 0.03 }
 */
import type { Matrix } from "../linalg/matrix.js";
import type { ClassifierFactory } from "../models/types.js";
import { outOfFold } from "./cross-val.js";
import { issuesFromProba } from "./label-issues.js";

/** Folds of the labeled items' cross-validation. */
export const OOF_FOLDS = 5;

/** Training labels a class needs before confident learning runs (two classes) and before its items may be flagged. */
export const MIN_CLASS_LABELS = 10;

/** Most model reviews one retrain opens. */
export const MODEL_REVIEW_CAP = 20;

/** Training labels per class. */
function perClass(y: ArrayLike<number>, nClasses: number): Int32Array {
  const count = new Int32Array(nClasses);
  for (let t = 0; t < y.length; t++) count[y[t]]++;
  return count;
}

/** True when at least two classes have {@link MIN_CLASS_LABELS} training labels. */
export function enoughForReview(y: ArrayLike<number>, nClasses: number): boolean {
  return perClass(y, nClasses).filter((c) => c >= MIN_CLASS_LABELS).length >= 2;
}

/**
 * The labeled items' out-of-fold probabilities, (labeled.length x nClasses) row-major in their
 * order; null before {@link enoughForReview}.
 * @param labeled pool rows of X
 * @param y the training label (class index) of each
 */
export function labeledOutOfFold(X: Matrix, nClasses: number, newModel: ClassifierFactory, labeled: Int32Array, y: Int32Array, seed: number): Float64Array | null {
  if (!enoughForReview(y, nClasses)) return null;
  return outOfFold(X, y, nClasses, newModel, { folds: OOF_FOLDS, seed, rows: labeled });
}

/** A labeled item confident learning flags. */
export interface Suspect {
  /** Its position among the labeled items. */
  readonly t: number;
  /** Its training label, and the model's most probable label (class indices). */
  readonly given: number;
  readonly suggested: number;
  /** The out-of-fold probability of the suggested label. */
  readonly probability: number;
  /** Label quality: the out-of-fold probability of the given label, 0..1 (low = suspect). */
  readonly quality: number;
}

/**
 * The items confident learning flags (steps 2 and 3 of the rule), lowest label quality first
 * (ties by position); empty before {@link enoughForReview}. Uncapped: the queue applies the cap
 * after its own rules.
 */
export function modelSuspects(p: Float64Array, y: Int32Array, classes: readonly string[]): Suspect[] {
  const nClasses = classes.length;
  if (!enoughForReview(y, nClasses)) return [];
  const count = perClass(y, nClasses);
  const r = issuesFromProba(p, y, classes);
  const out: Suspect[] = [];
  for (let t = 0; t < y.length; t++) {
    if (r.issue[t] !== 1 || count[y[t]] < MIN_CLASS_LABELS) continue;
    out.push({ t, given: y[t], suggested: r.suggested[t], probability: p[t * nClasses + r.suggested[t]], quality: r.quality[t] });
  }
  return out.sort((a, b) => a.quality - b.quality || a.t - b.t);
}
