/**
 * Out-of-sample class probabilities by stratified K-fold cross-validation: every row is scored by
 * a model that never saw it. Folds are stratified by the given label (each class's rows, shuffled
 * with the seed, dealt round-robin to the folds, so fold sizes per class differ by at most one).
 *
 * @example
 * const folds = stratifiedFolds(y, 3, 5, 0);      // fold of every row, 0..4
 * const p = crossValProba(X, y, 3, (k) => new LogisticRegression(k), folds); // n x 3, row-major
 */
import { BadOptionError, ShapeMismatchError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import type { ClassifierFactory } from "../models/types.js";

/**
 * The fold (0..folds-1) of every row, stratified by `y` (class indices 0..nClasses-1).
 * @param classNames for the error naming a class with fewer rows than folds
 * @throws BadOptionError when folds < 2, or a class that occurs has fewer rows than folds
 */
export function stratifiedFolds(y: ArrayLike<number>, nClasses: number, folds: number, seed: number, classNames?: readonly string[]): Int32Array {
  if (!(Number.isInteger(folds) && folds >= 2)) throw new BadOptionError([`option --folds must be a whole number >= 2, got ${folds}`], "folds");
  const members: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < y.length; i++) members[y[i]].push(i);
  const thin = members.map((m, c) => ({ c, n: m.length })).filter((m) => m.n > 0 && m.n < folds);
  if (thin.length > 0) {
    const name = (c: number): string => (classNames === undefined ? `class ${c}` : `class "${classNames[c]}"`);
    throw new BadOptionError(
      [`${thin.map((t) => `${name(t.c)} has ${t.n} row${t.n === 1 ? "" : "s"}`).join(", ")}: every class needs at least as many rows as folds (--folds ${folds}); lower --folds or fix the label column`],
      "folds",
    );
  }
  const rng = new Rng(seed);
  const fold = new Int32Array(y.length);
  // Each class starts dealing where the previous one stopped, so fold sizes stay balanced overall.
  let next = 0;
  for (const rows of members) {
    rng.shuffle(rows);
    for (const r of rows) {
      fold[r] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

/** Rows of each fold: `train[f]` are the rows outside fold f, `test[f]` those inside. */
export function foldRows(fold: Int32Array, folds: number): { train: Int32Array[]; test: Int32Array[] } {
  const test: number[][] = Array.from({ length: folds }, () => []);
  const train: number[][] = Array.from({ length: folds }, () => []);
  for (let i = 0; i < fold.length; i++) {
    for (let f = 0; f < folds; f++) (f === fold[i] ? test : train)[f].push(i);
  }
  return { train: train.map((r) => Int32Array.from(r)), test: test.map((r) => Int32Array.from(r)) };
}

/**
 * Out-of-fold probabilities: for each fold, a fresh model from `factory` fitted on the other folds
 * scores the fold's rows. Returns n x nClasses, row-major.
 */
export function crossValProba(X: Matrix, y: ArrayLike<number>, nClasses: number, factory: ClassifierFactory, fold: Int32Array): Float64Array {
  if (y.length !== X.rows || fold.length !== X.rows) throw new ShapeMismatchError(`crossValProba: ${X.rows} rows, ${y.length} labels, ${fold.length} fold numbers`);
  let folds = 0;
  for (const f of fold) folds = Math.max(folds, f + 1);
  const { train, test } = foldRows(fold, folds);
  const out = new Float64Array(X.rows * nClasses);
  for (let f = 0; f < folds; f++) {
    if (test[f].length === 0) continue;
    const yTrain = Int32Array.from(train[f], (r) => y[r]);
    const model = factory(nClasses).fit(X, yTrain, { rows: train[f] });
    const p = model.predictProba(X, test[f]);
    test[f].forEach((r, t) => out.set(p.subarray(t * nClasses, (t + 1) * nClasses), r * nClasses));
  }
  return out;
}
