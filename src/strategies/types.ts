/**
 * Query strategies. A strategy sees a small context (the model's probabilities, the pool, the
 * labeled and unlabeled pool indices, a seeded RNG) and returns the chosen pool indices with their
 * scores, best first: always the shape `{ indices, scores }`.
 */
import type { Matrix } from "../linalg/matrix.js";
import type { Rng } from "../linalg/rng.js";
import type { ClassifierFactory, ProbabilisticModel } from "../models/types.js";

export interface QueryContext {
  /** The current model (fitted on the labeled rows). */
  readonly model: ProbabilisticModel;
  /** The whole pool's feature matrix; indices below are its row numbers. */
  readonly X: Matrix;
  /** Pool indices of unlabeled rows, ascending. */
  readonly unlabeled: Int32Array;
  /** Pool indices of labeled rows, in the order they were labeled. */
  readonly labeled: Int32Array;
  /** Class index of each labeled row (same order as `labeled`). */
  readonly labels: Int32Array;
  readonly nClasses: number;
  readonly rng: Rng;
  /**
   * Makes fresh unfitted models of the learner's kind (committees, error reduction and the like
   * train their own models on the labeled rows).
   */
  readonly newModel: ClassifierFactory;
}

export interface Selection {
  /** Pool indices (rows of X), best first. */
  readonly indices: Int32Array;
  /** The strategy's score of each selected index (higher = more wanted). */
  readonly scores: Float64Array;
  /**
   * When a strategy hands the query to another (a phase of `typical_variance`, say), the registry
   * name of the one that chose, so that "why this item" can name it; absent = the strategy itself.
   */
  readonly by?: string;
}

export interface QueryStrategy {
  /** Registry name, snake_case as in results.json ("least_confidence"). */
  readonly name: string;
  /** One line: what it prefers. */
  readonly description: string;
  select(ctx: QueryContext, k: number): Selection;
}
