/**
 * One round of the active-learning loop: fit a fresh model on the labeled pool rows (warm-started
 * from the previous model), list the unlabeled rows, ask the strategy for the next ones. The
 * library's {@link ActiveLearner} (and so `simulate`) and the served project's retraining worker
 * both run their rounds through these functions, so a model, a strategy and a seed behave the
 * same in all three.
 *
 * @example
 * const model = fitLabeled({ X, nClasses: 2, newModel: modelFactory("logreg"), labeled, labels, warmStart: previous });
 * const unlabeled = unlabeledRows(X.rows, labeled);
 * const { indices } = selectNext({ model, X, unlabeled, labeled, labels, nClasses: 2, rng, newModel, strategy }, 10);
 */
import { BadInputError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import type { Rng } from "../linalg/rng.js";
import type { Classifier, ClassifierFactory } from "../models/types.js";
import type { QueryContext, QueryStrategy, Selection } from "../strategies/types.js";

/** Pool rows (0..nRows-1) not in `labeled`, ascending. */
export function unlabeledRows(nRows: number, labeled: ArrayLike<number>): Int32Array {
  const isLabeled = new Uint8Array(nRows);
  let u = nRows;
  for (let t = 0; t < labeled.length; t++) {
    const i = labeled[t];
    if (!(Number.isInteger(i) && i >= 0 && i < nRows)) throw new BadInputError(`labeled pool index ${i} is outside 0..${nRows - 1}`);
    if (isLabeled[i] === 0) u--;
    isLabeled[i] = 1;
  }
  const out = new Int32Array(u);
  for (let i = 0, q = 0; i < nRows; i++) if (isLabeled[i] === 0) out[q++] = i;
  return out;
}

export interface FitInput {
  /** The pool; `labeled` are its row numbers. */
  readonly X: Matrix;
  readonly nClasses: number;
  /** Makes the fresh, unfitted model. */
  readonly newModel: ClassifierFactory;
  /** Pool rows of the labeled items. */
  readonly labeled: Int32Array;
  /** Class index of each labeled item (same order as `labeled`). */
  readonly labels: ArrayLike<number>;
  /** The previous model to start from (null or absent: a cold fit). */
  readonly warmStart?: Classifier | null;
}

/** A fresh model fitted on the labeled rows, warm-started from `warmStart` when given. */
export function fitLabeled(o: FitInput): Classifier {
  const warm = o.warmStart != null ? { warmStart: o.warmStart } : {};
  return o.newModel(o.nClasses).fit(o.X, o.labels, { rows: o.labeled, ...warm });
}

/** What a strategy needs for one selection, and the strategy itself. */
export interface SelectInput extends QueryContext {
  readonly strategy: QueryStrategy;
}

/**
 * The strategy's choice of up to `k` unlabeled items (at most all of them), best first; an empty
 * selection, without asking the strategy, when nothing is left to label.
 */
export function selectNext(o: SelectInput, k: number): Selection {
  if (o.unlabeled.length === 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
  const { strategy, ...ctx } = o;
  return strategy.select(ctx, Math.min(k, o.unlabeled.length));
}

export interface RoundInput extends FitInput {
  readonly strategy: QueryStrategy;
  readonly rng: Rng;
  /** Items to select. */
  readonly k: number;
}

export interface RoundResult {
  readonly model: Classifier;
  /** Pool rows not labeled, ascending. */
  readonly unlabeled: Int32Array;
  readonly selection: Selection;
  readonly fitSeconds: number;
  readonly querySeconds: number;
}

/** A whole round: fit on the labeled rows, then select `k` of the unlabeled ones. */
export function runRound(o: RoundInput): RoundResult {
  const t0 = performance.now();
  const model = fitLabeled(o);
  const t1 = performance.now();
  const unlabeled = unlabeledRows(o.X.rows, o.labeled);
  const labels = Int32Array.from(o.labels);
  const selection = selectNext({ model, X: o.X, unlabeled, labeled: o.labeled, labels, nClasses: o.nClasses, rng: o.rng, newModel: o.newModel, strategy: o.strategy }, o.k);
  return { model, unlabeled, selection, fitSeconds: (t1 - t0) / 1000, querySeconds: (performance.now() - t1) / 1000 };
}
