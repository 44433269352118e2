/**
 * Out-of-fold class probabilities by stratified K-fold cross-validation: the rows of each class
 * are shuffled (seeded) and dealt to the folds in turn, so every fold holds about 1/K of every
 * class; each fold is then predicted by a model fitted on the other folds. Every row's
 * probabilities come from a model that never saw its label.
 *
 * @example
 * const p = outOfFold(X, y, 3, (k) => new LogisticRegression(k), { folds: 5, seed: 0 }); // n x 3
 */
import { BadOptionError } from "../errors.js";
import { Rng } from "../linalg/rng.js";
import type { Matrix } from "../linalg/matrix.js";
import type { ClassifierFactory } from "../models/types.js";

export interface OutOfFoldOptions {
  /** Number of folds (default 5; at least 2). */
  readonly folds?: number;
  readonly seed?: number;
  /** Rows to use (default all rows of X); rows left out get no probabilities (zeros). */
  readonly rows?: Int32Array;
}

/** Fold number of every row in `rows` (same order), stratified by `y`. */
export function stratifiedFolds(y: ArrayLike<number>, rows: Int32Array, nClasses: number, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const fold = new Int32Array(rows.length);
  const members: number[][] = Array.from({ length: nClasses }, () => []);
  rows.forEach((r, t) => members[y[r]].push(t));
  let next = 0;
  for (const m of members) {
    rng.shuffle(m);
    // Continue dealing where the previous class stopped, so small classes do not all start at fold 0.
    for (const t of m) fold[t] = next++ % folds;
  }
  return fold;
}

/** n x nClasses out-of-fold probabilities (row-major) of a fresh model per fold. */
export function outOfFold(X: Matrix, y: ArrayLike<number>, nClasses: number, factory: ClassifierFactory, options: OutOfFoldOptions = {}): Float64Array {
  const folds = options.folds ?? 5;
  const rows = options.rows ?? Int32Array.from({ length: X.rows }, (_, i) => i);
  if (!(Number.isInteger(folds) && folds >= 2)) throw new BadOptionError([`folds must be a whole number >= 2, got ${folds}`], "folds");
  if (rows.length < folds) throw new BadOptionError([`${rows.length} rows cannot be split into ${folds} folds`], "folds");
  const fold = stratifiedFolds(y, rows, nClasses, folds, options.seed ?? 0);
  const out = new Float64Array(X.rows * nClasses);
  for (let f = 0; f < folds; f++) {
    const train = Int32Array.from(rows.filter((_, t) => fold[t] !== f));
    const test = Int32Array.from(rows.filter((_, t) => fold[t] === f));
    const model = factory(nClasses).fit(X, Int32Array.from(train, (r) => y[r]), { rows: train });
    const p = model.predictProba(X, test);
    test.forEach((r, t) => out.set(p.subarray(t * nClasses, (t + 1) * nClasses), r * nClasses));
  }
  return out;
}
