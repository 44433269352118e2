/**
 * The active-learning loop. The learner owns the labeled/unlabeled split of the pool (pool
 * indices = rows of X), asks its strategy for the next items, and retrains a fresh model from the
 * factory after every `teach`, warm-started from the previous one. Each fit, the unlabeled set and
 * each selection go through round.ts, as the served project's retrains do.
 *
 * @example
 * const al = new ActiveLearner({ X, nClasses: 10, model: modelFactory("logreg"), strategy: margin, seed: 0 });
 * al.teach(initialIdx, initialLabels);
 * const { indices } = al.query(10);
 * al.teach(indices, oracle(indices));
 */
import { BadInputError, EmptyPoolError, NotFittedError, ShapeMismatchError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import type { Classifier, ClassifierFactory } from "../models/types.js";
import type { QueryStrategy, Selection } from "../strategies/types.js";
import { fitLabeled, selectNext, unlabeledRows } from "./round.js";

export interface LearnerOptions {
  /** Pool feature matrix. */
  readonly X: Matrix;
  readonly nClasses: number;
  readonly model: ClassifierFactory;
  readonly strategy: QueryStrategy;
  readonly seed: number;
  /** Start each fit from the previous model (default true). */
  readonly warmStart?: boolean;
}

/** One retrain: how many labels, how long it took. */
export interface IterationRecord {
  readonly labeled: number;
  readonly fitSeconds: number;
  readonly querySeconds: number;
}

export class ActiveLearner {
  readonly X: Matrix;
  readonly nClasses: number;
  readonly strategy: QueryStrategy;
  readonly rng: Rng;
  readonly history: IterationRecord[] = [];
  private readonly factory: ClassifierFactory;
  private readonly warmStart: boolean;
  private readonly isLabeled: Uint8Array;
  private labeledIdx: number[] = [];
  private labelsOf: number[] = [];
  private unlabeledCache: Int32Array | null = null;
  private current: Classifier | null = null;
  private lastQuerySeconds = 0;

  constructor(options: LearnerOptions) {
    this.X = options.X;
    this.nClasses = options.nClasses;
    this.factory = options.model;
    this.strategy = options.strategy;
    this.rng = new Rng(options.seed);
    this.warmStart = options.warmStart ?? true;
    this.isLabeled = new Uint8Array(options.X.rows);
  }

  /** The current model; an error before the first teach. */
  get model(): Classifier {
    if (this.current === null) throw new NotFittedError("ActiveLearner model (teach some labels first)");
    return this.current;
  }

  get labeledCount(): number {
    return this.labeledIdx.length;
  }

  /** Pool indices labeled so far, in labeling order. */
  labeled(): Int32Array {
    return Int32Array.from(this.labeledIdx);
  }

  /** Class indices of the labeled items (same order as labeled()). */
  labels(): Int32Array {
    return Int32Array.from(this.labelsOf);
  }

  /** Pool indices not labeled yet, ascending. */
  unlabeled(): Int32Array {
    this.unlabeledCache ??= unlabeledRows(this.X.rows, this.labeledIdx);
    return this.unlabeledCache;
  }

  /** The k unlabeled items the strategy wants labeled next, best first. */
  query(k: number): Selection {
    const unlabeled = this.unlabeled();
    if (unlabeled.length === 0) throw new EmptyPoolError();
    const t0 = performance.now();
    const sel = selectNext(
      { model: this.model, X: this.X, unlabeled, labeled: this.labeled(), labels: this.labels(), nClasses: this.nClasses, rng: this.rng, newModel: this.factory, strategy: this.strategy },
      k,
    );
    this.lastQuerySeconds = (performance.now() - t0) / 1000;
    return sel;
  }

  /**
   * Adds labels (class indices) for pool items and retrains. Every index must be a pool row not
   * labeled yet, and appear once in the call; on any bad entry nothing changes.
   */
  teach(indices: ArrayLike<number>, labels: ArrayLike<number>): void {
    if (indices.length !== labels.length) throw new ShapeMismatchError(`teach: ${indices.length} indices but ${labels.length} labels`);
    const firstAt = new Map<number, number>();
    for (let t = 0; t < indices.length; t++) {
      const i = indices[t];
      const y = labels[t];
      if (!(Number.isInteger(i) && i >= 0 && i < this.X.rows)) throw new BadInputError(`teach: pool index ${i} is outside 0..${this.X.rows - 1}`);
      if (!(Number.isInteger(y) && y >= 0 && y < this.nClasses)) throw new BadInputError(`teach: label ${y} for pool index ${i} is not a class index in 0..${this.nClasses - 1}`);
      if (this.isLabeled[i] === 1) throw new BadInputError(`teach: pool index ${i} is already labeled`);
      const first = firstAt.get(i);
      if (first !== undefined) throw new BadInputError(`teach: pool index ${i} appears twice in one call, at positions ${first} and ${t}; give each item one label`);
      firstAt.set(i, t);
    }
    for (let t = 0; t < indices.length; t++) {
      this.isLabeled[indices[t]] = 1;
      this.labeledIdx.push(indices[t]);
      this.labelsOf.push(labels[t]);
    }
    this.unlabeledCache = null;
    this.retrain();
  }

  /** Fits a fresh model on all labels so far (warm-started from the current one). */
  retrain(): void {
    const t0 = performance.now();
    this.current = fitLabeled({ X: this.X, nClasses: this.nClasses, newModel: this.factory, labeled: this.labeled(), labels: this.labelsOf, warmStart: this.warmStart ? this.current : null });
    this.history.push({ labeled: this.labeledIdx.length, fitSeconds: (performance.now() - t0) / 1000, querySeconds: this.lastQuerySeconds });
    this.lastQuerySeconds = 0;
  }
}
