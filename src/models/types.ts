/**
 * The classifier interface. Labels are class indices 0..nClasses-1 (the caller keeps the names);
 * `predictProba` always returns nClasses columns in that order, rows summing to 1, even when some
 * classes have not been seen in training yet (they get probability 0, as a scikit-learn model
 * trained without them would simply not predict them).
 */
import type { Matrix } from "../linalg/matrix.js";
import type { MeasureName } from "./scoring.js";

export interface FitOptions {
  /** Pool rows to train on (y[r] is the class of row rows[r]); default all rows of X. */
  readonly rows?: Int32Array;
  /** A previous fitted model of the same kind to start from (warm start). */
  readonly warmStart?: Classifier;
  /**
   * Stopping tolerance of this fit, in place of the model's own (iterative models only; closed-form
   * ones ignore it). For approximate look-ahead refits that only rank candidates (expected error
   * reduction); every fit that serves predictions keeps the model's tolerance.
   */
  readonly tol?: number;
}

/** What a query strategy may see of a model. */
export interface ProbabilisticModel {
  readonly nClasses: number;
  /**
   * Class probabilities of the given rows of X (all rows if `rows` is omitted):
   * a row-major Float64Array of shape (rows.length x nClasses).
   */
  predictProba(X: Matrix, rows?: Int32Array): Float64Array;
  /**
   * Optional: an uncertainty measure of the given rows (all if omitted), equal to the measure of
   * predictProba's rows (strategies/uncertainty.ts), computed without the probability matrix.
   */
  uncertainty?(X: Matrix, measure: MeasureName, rows?: Int32Array): Float64Array;
  /**
   * Optional: the k rows of highest measure (positions into `rows`, best first, ties to the lower
   * position), equal to topK of uncertainty(), in one pass over the pool.
   */
  mostUncertain?(X: Matrix, measure: MeasureName, k: number, rows?: Int32Array): { positions: Int32Array; scores: Float64Array };
}

/**
 * How the last fit ended, for the convergence checks every model passes (models/conformance.test.ts).
 * A closed-form fit reports 0 iterations, gradient 0, converged.
 */
export interface FitInfo {
  /** Optimiser iterations. */
  readonly iterations: number;
  /** Objective and gradient evaluations. */
  readonly evaluations: number;
  /**
   * Infinity norm of the gradient of the per-label training objective at the fitted parameters:
   * max_i |dF/dtheta_i| / n, F the objective summed over the n training labels.
   */
  readonly gradNorm: number;
  /** The bound gradNorm is held to (the model's tolerance). */
  readonly tol: number;
  /** gradNorm <= tol. */
  readonly converged: boolean;
  /** Why the optimiser stopped ("gradient", "ftol", "maxIter", "lineSearch"; "closed form"). */
  readonly stop: string;
}

export interface Classifier extends ProbabilisticModel {
  /** Short name used on the command line and in saved models ("logreg", "nb"). */
  readonly kind: string;
  /** True if the model needs non-negative features (multinomial naive Bayes). */
  readonly requiresNonNegative: boolean;
  readonly fitted: boolean;
  /** How the last fit ended (null before the first fit and on a model restored from JSON). */
  readonly fitInfo: FitInfo | null;
  /** Fits on (X[rows], y) and returns this model. */
  fit(X: Matrix, y: ArrayLike<number>, options?: FitOptions): this;
  toJSON(): SavedModel;
}

export interface SavedModel {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** A factory making a fresh, unfitted classifier for `nClasses` classes. */
export type ClassifierFactory = (nClasses: number) => Classifier;
