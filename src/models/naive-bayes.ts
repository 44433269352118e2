/**
 * Multinomial naive Bayes (McCallum & Nigam 1998) for counts or TF-IDF features:
 * log P(c | x) ∝ log prior_c + sum_j x_j log theta_cj, theta_cj = (N_cj + alpha) / (N_c + alpha d),
 * as scikit-learn's MultinomialNB (alpha = 1, priors from class frequencies). Needs non-negative
 * features. Classes absent from training get probability 0.
 *
 * @example
 * const nb = new MultinomialNB(2).fit(Xtfidf, y);
 */
import { BadInputError, NotFittedError, ShapeMismatchError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import { passMostUncertain, passProba, passUncertainty, type LinearView, type MeasureName, type TopRows } from "./scoring.js";
import type { Classifier, FitInfo, FitOptions, SavedModel } from "./types.js";
import { checkFitInput } from "./validate.js";

export class MultinomialNB implements Classifier {
  readonly kind = "nb";
  readonly requiresNonNegative = true;
  readonly nClasses: number;
  readonly alpha: number;
  private present: Int32Array | null = null;
  /** m x d log theta (m = present classes), class-major. */
  private logTheta: Float64Array | null = null;
  private logPrior: Float64Array | null = null;
  private d = 0;
  /** A closed form: always at its optimum (0 iterations, gradient 0). */
  fitInfo: FitInfo | null = null;

  constructor(nClasses: number, options: { alpha?: number } = {}) {
    this.nClasses = nClasses;
    this.alpha = options.alpha ?? 1;
  }

  get fitted(): boolean {
    return this.present !== null;
  }

  fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): this {
    const { rows, n } = checkFitInput(X, y, options.rows, this.nClasses);
    const K = this.nClasses;
    const d = X.cols;
    const counts = new Float64Array(K * d);
    const classCount = new Float64Array(K);
    for (let r = 0; r < n; r++) {
      const i = rows === null ? r : rows[r];
      const c = y[r];
      classCount[c]++;
      const add = (j: number, v: number): void => {
        if (v < 0) throw new BadInputError(`multinomial naive Bayes needs non-negative features; feature ${j} of pool row ${i} is ${v}`);
        counts[c * d + j] += v;
      };
      if (X.kind === "dense") for (let j = 0; j < d; j++) add(j, X.data[i * d + j]);
      else for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) add(X.indices[q], X.values[q]);
    }
    const present: number[] = [];
    for (let c = 0; c < K; c++) if (classCount[c] > 0) present.push(c);
    const m = present.length;
    const logTheta = new Float64Array(d * m);
    const logPrior = new Float64Array(m);
    present.forEach((c, t) => {
      let total = 0;
      for (let j = 0; j < d; j++) total += counts[c * d + j];
      const denom = Math.log(total + this.alpha * d);
      for (let j = 0; j < d; j++) logTheta[t * d + j] = Math.log(counts[c * d + j] + this.alpha) - denom;
      logPrior[t] = Math.log(classCount[c] / n);
    });
    this.present = Int32Array.from(present);
    this.logTheta = logTheta;
    this.logPrior = logPrior;
    this.d = d;
    this.fitInfo = { iterations: 0, evaluations: 0, gradNorm: 0, tol: 0, converged: true, stop: "closed form" };
    return this;
  }

  predictProba(X: Matrix, rows?: Int32Array): Float64Array {
    return passProba(X, rows, this.view(X, "predictProba"));
  }

  uncertainty(X: Matrix, measure: MeasureName, rows?: Int32Array): Float64Array {
    return passUncertainty(X, rows, this.view(X, "uncertainty"), measure);
  }

  mostUncertain(X: Matrix, measure: MeasureName, k: number, rows?: Int32Array): TopRows {
    return passMostUncertain(X, rows, this.view(X, "mostUncertain"), measure, k);
  }

  /** The fitted parameters as the pool pass reads them (models/scoring.ts): a softmax over the present classes. */
  private view(X: Matrix, caller: string): LinearView {
    const present = this.present;
    if (present === null || this.logTheta === null || this.logPrior === null) throw new NotFittedError("MultinomialNB");
    if (X.cols !== this.d) throw new ShapeMismatchError(`${caller}: model has ${this.d} features, X has ${X.cols}`);
    return { w: this.logTheta, b: this.logPrior, m: present.length, link: "softmax", present, K: this.nClasses };
  }

  toJSON(): SavedModel {
    return {
      kind: this.kind,
      nClasses: this.nClasses,
      alpha: this.alpha,
      d: this.d,
      present: this.present === null ? null : Array.from(this.present),
      logTheta: this.logTheta === null ? null : Array.from(this.logTheta),
      logPrior: this.logPrior === null ? null : Array.from(this.logPrior),
    };
  }

  static fromJSON(saved: SavedModel): MultinomialNB {
    const s = saved as unknown as { nClasses: number; alpha: number; d: number; present: number[] | null; logTheta: number[] | null; logPrior: number[] | null };
    const m = new MultinomialNB(s.nClasses, { alpha: s.alpha });
    if (s.present !== null && s.logTheta !== null && s.logPrior !== null) {
      m.present = Int32Array.from(s.present);
      m.logTheta = Float64Array.from(s.logTheta);
      m.logPrior = Float64Array.from(s.logPrior);
      m.d = s.d;
    }
    return m;
  }
}
