/**
 * Out-of-sample class probabilities by stratified K-fold cross-validation: every row is scored by
 * a model that never saw it. Folds are stratified by the given label (each class's rows, shuffled
 * with the seed, dealt round-robin to the folds, so fold sizes per class differ by at most one).
 * The one implementation of it: label-issues (with the class-size check of
 * {@link stratifiedFolds}), the model consensus and the served project's review queue (through
 * {@link outOfFold}, on all rows or a subset such as the labeled items) all use it.
 *
 * @example
 * const folds = stratifiedFolds(y, 3, 5, 0);      // fold of every row, 0..4
 * const p = crossValProba(X, y, 3, (k) => new LogisticRegression(k), folds); // n x 3, row-major
 * const q = outOfFold(X, yLabeled, 3, factory, { rows: labeled, seed: 7 }); // labeled.length x 3
 */
import { BadOptionError, ShapeMismatchError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import type { ClassifierFactory } from "../models/types.js";

/**
 * The fold (0..folds-1) of every entry of `y` (class indices 0..nClasses-1), stratified by `y`:
 * each class's entries, shuffled with the seed, dealt round-robin to the folds, each class
 * starting where the previous one stopped. No size check: a class with fewer entries than folds
 * leaves some folds without it.
 */
export function dealFolds(y: ArrayLike<number>, nClasses: number, folds: number, seed: number): Int32Array {
  const members: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < y.length; i++) members[y[i]].push(i);
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

function checkFolds(folds: number): void {
  if (!(Number.isInteger(folds) && folds >= 2)) throw new BadOptionError([`option --folds must be a whole number >= 2, got ${folds}`], "folds");
}

/**
 * {@link dealFolds}, checked: every class that occurs must have at least `folds` rows, so every
 * fold holds every class.
 * @param classNames for the error naming a class with fewer rows than folds
 * @throws BadOptionError when folds < 2, or a class that occurs has fewer rows than folds
 */
export function stratifiedFolds(y: ArrayLike<number>, nClasses: number, folds: number, seed: number, classNames?: readonly string[]): Int32Array {
  checkFolds(folds);
  const count = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) count[y[i]]++;
  const thin = count.map((n, c) => ({ c, n })).filter((m) => m.n > 0 && m.n < folds);
  if (thin.length > 0) {
    const name = (c: number): string => (classNames === undefined ? `class ${c}` : `class "${classNames[c]}"`);
    throw new BadOptionError(
      [`${thin.map((t) => `${name(t.c)} has ${t.n} row${t.n === 1 ? "" : "s"}`).join(", ")}: every class needs at least as many rows as folds (--folds ${folds}); lower --folds or fix the label column`],
      "folds",
    );
  }
  return dealFolds(y, nClasses, folds, seed);
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
 * scores the fold's rows. `y` and `fold` have one entry per row scored: every row of X, or the
 * rows `rows` (pool rows, e.g. the labeled items) in their order. Returns (rows scored) x
 * nClasses, row-major.
 */
export function crossValProba(X: Matrix, y: ArrayLike<number>, nClasses: number, factory: ClassifierFactory, fold: Int32Array, rows?: Int32Array): Float64Array {
  const n = rows?.length ?? X.rows;
  if (y.length !== n || fold.length !== n) throw new ShapeMismatchError(`crossValProba: ${n} rows, ${y.length} labels, ${fold.length} fold numbers`);
  const row = rows === undefined ? (t: number): number => t : (t: number): number => rows[t];
  let folds = 0;
  for (const f of fold) folds = Math.max(folds, f + 1);
  const { train, test } = foldRows(fold, folds);
  const out = new Float64Array(n * nClasses);
  for (let f = 0; f < folds; f++) {
    if (test[f].length === 0) continue;
    const yTrain = Int32Array.from(train[f], (t) => y[t]);
    const model = factory(nClasses).fit(X, yTrain, { rows: rows === undefined ? train[f] : train[f].map(row) });
    const p = model.predictProba(X, rows === undefined ? test[f] : test[f].map(row));
    test[f].forEach((t, q) => out.set(p.subarray(q * nClasses, (q + 1) * nClasses), t * nClasses));
  }
  return out;
}

export interface OutOfFoldOptions {
  /** Number of folds (default 5; at least 2). */
  readonly folds?: number;
  /** Seed of the fold draw (default 0). */
  readonly seed?: number;
  /** Pool rows to score (default every row of X); `y` then has one label per entry. */
  readonly rows?: Int32Array;
}

/**
 * Out-of-fold probabilities on folds from {@link dealFolds} (stratified, no class-size check):
 * (rows scored) x nClasses, row-major.
 * @throws BadOptionError when folds < 2 or there are fewer rows than folds
 */
export function outOfFold(X: Matrix, y: ArrayLike<number>, nClasses: number, factory: ClassifierFactory, options: OutOfFoldOptions = {}): Float64Array {
  const folds = options.folds ?? 5;
  checkFolds(folds);
  const n = options.rows?.length ?? X.rows;
  if (n < folds) throw new BadOptionError([`${n} rows cannot be split into ${folds} folds`], "folds");
  return crossValProba(X, y, nClasses, factory, dealFolds(y, nClasses, folds, options.seed ?? 0), options.rows);
}
