/**
 * L2-regularised logistic regression with the objective of scikit-learn's
 * `LogisticRegression(C)`: summed log loss + ||W||^2 / (2C), intercept unpenalised, solved with
 * L-BFGS to its optimum. Two classes present: one weight vector (binomial, as scikit-learn fits
 * it); more: multinomial softmax. Classes absent from the training labels get probability 0.
 *
 * Stopping rule: with F the objective above over the n training labels and theta = (W, b), a fit
 * stops when max_i |dF/dtheta_i| <= tol * n, i.e. when the largest gradient entry of the
 * per-label objective F / n is at most `tol` (default 1e-7), or after `maxIter` iterations
 * (default 1000), or when an iteration lowers F by at most 64 machine epsilons relative. This is
 * scikit-learn's test (scikit-learn >= 1.4 hands `gtol = tol` to L-BFGS-B on the per-sample
 * objective; 1.2 on the summed one) with a tolerance 1000 times tighter than its default 1e-4:
 * at 1e-4 this L-BFGS (Armijo backtracking, not L-BFGS-B's More-Thuente search) left pool
 * probabilities up to 1e-2 from the optimum (digits; `npm run bench:optimum`), enough to reorder
 * the margins that pick a batch; at 1e-7 they are within ~2e-5.
 * `fitInfo` tells how each fit ended; models/conformance.test.ts holds every fit to the optimum.
 *
 * @example
 * const m = new LogisticRegression(3, { C: 1 }).fit(X, y);
 * const p = m.predictProba(X); // (X.rows x 3), row-major
 */
import { BadOptionError, NotFittedError, ShapeMismatchError } from "../errors.js";
import { accumulateGradient, linearScores } from "../linalg/kernels.js";
import { lbfgs, type Objective } from "../linalg/lbfgs.js";
import { wasmLogisticObjective } from "../linalg/wasm.js";
import type { Matrix } from "../linalg/matrix.js";
import { passMostUncertain, passProba, passUncertainty, type LinearView, type MeasureName, type TopRows } from "./scoring.js";
import type { Classifier, FitInfo, FitOptions, SavedModel } from "./types.js";
import { checkFitInput } from "./validate.js";

export interface LogisticOptions {
  /** Inverse regularisation strength (default 1). */
  readonly C?: number;
  /** L-BFGS iteration limit (default 1000). */
  readonly maxIter?: number;
  /**
   * Bound on the largest gradient entry of the per-label objective F / n at which a fit stops
   * (default 1e-7; scikit-learn's default is 1e-4).
   */
  readonly tol?: number;
}

interface Params {
  /** Classes present in training, ascending class indices. */
  present: Int32Array;
  /** Weights m x d, class-major (m = 1 for binomial, else present.length). */
  w: Float64Array;
  b: Float64Array;
  d: number;
}

export class LogisticRegression implements Classifier {
  readonly kind = "logreg";
  readonly requiresNonNegative = false;
  readonly nClasses: number;
  readonly C: number;
  readonly maxIter: number;
  readonly tol: number;
  /** How the last fit ended (iterations, final gradient, converged). */
  fitInfo: FitInfo | null = null;
  private params: Params | null = null;

  constructor(nClasses: number, options: LogisticOptions = {}) {
    this.nClasses = nClasses;
    this.C = options.C ?? 1;
    this.maxIter = options.maxIter ?? 1000;
    this.tol = options.tol ?? 1e-7;
    const problems: string[] = [];
    if (!(this.C > 0)) problems.push(`logistic regression: C must be > 0, got ${this.C}`);
    if (!(this.tol >= 0)) problems.push(`logistic regression: tol must be >= 0, got ${this.tol}`);
    if (!(this.maxIter >= 1)) problems.push(`logistic regression: maxIter must be >= 1, got ${this.maxIter}`);
    if (!(nClasses >= 1)) problems.push(`logistic regression: nClasses must be >= 1, got ${nClasses}`);
    if (problems.length > 0) throw new BadOptionError(problems);
  }

  get fitted(): boolean {
    return this.params !== null;
  }

  fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): this {
    const { rows, n, classCounts: counts } = checkFitInput(X, y, options.rows, this.nClasses);
    const K = this.nClasses;
    const presentList: number[] = [];
    for (let c = 0; c < K; c++) if (counts[c] > 0) presentList.push(c);
    const present = Int32Array.from(presentList);
    const d = X.cols;
    const mCols = present.length === 2 ? 1 : present.length;
    const p: Params = { present, w: new Float64Array(d * mCols), b: new Float64Array(mCols), d };
    if (present.length === 1) {
      this.params = p;
      this.fitInfo = { iterations: 0, evaluations: 0, gradNorm: 0, tol: this.tol, converged: true, stop: "one class" };
      return this;
    }
    const prev = options.warmStart instanceof LogisticRegression ? options.warmStart.params : null;
    if (prev !== null && prev.d === d) initFrom(prev, p);
    // Position of each class among the present ones.
    const pos = new Int32Array(K).fill(-1);
    for (let t = 0; t < present.length; t++) pos[present[t]] = t;
    const yy = new Int32Array(n);
    for (let r = 0; r < n; r++) yy[r] = pos[y[r]];
    const nw = d * mCols;
    const x = new Float64Array(nw + mCols);
    x.set(p.w, 0);
    x.set(p.b, nw);
    const fg = logisticObjective(X, rows, yy, mCols, this.C);
    const tol = options.tol ?? this.tol;
    const res = lbfgs(fg, x, { maxIter: this.maxIter, gtol: tol, gradScale: n });
    const gradNorm = res.gradMax / n;
    this.fitInfo = { iterations: res.iterations, evaluations: res.evaluations, gradNorm, tol, converged: gradNorm <= tol, stop: res.stop };
    p.w.set(x.subarray(0, nw));
    p.b.set(x.subarray(nw));
    this.params = p;
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

  /** The fitted parameters as the pool pass reads them (models/scoring.ts). */
  private view(X: Matrix, caller: string): LinearView {
    const p = this.params;
    if (p === null) throw new NotFittedError("LogisticRegression");
    if (X.cols !== p.d) throw new ShapeMismatchError(`${caller}: model has ${p.d} features, X has ${X.cols}`);
    const link = p.present.length === 1 ? "constant" : p.b.length === 1 ? "binomial" : "softmax";
    return { w: p.w, b: p.b, m: p.b.length, link, present: p.present, K: this.nClasses };
  }

  toJSON(): SavedModel {
    const p = this.params;
    return {
      kind: this.kind,
      nClasses: this.nClasses,
      C: this.C,
      maxIter: this.maxIter,
      tol: this.tol,
      params: p === null ? null : { present: Array.from(p.present), d: p.d, w: Array.from(p.w), b: Array.from(p.b) },
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(saved: SavedModel): LogisticRegression {
    const s = saved as unknown as {
      nClasses: number; C: number; maxIter: number; tol: number;
      params: { present: number[]; d: number; w: number[]; b: number[] } | null;
    };
    const m = new LogisticRegression(s.nClasses, { C: s.C, maxIter: s.maxIter, tol: s.tol });
    if (s.params !== null) {
      m.params = { present: Int32Array.from(s.params.present), d: s.params.d, w: Float64Array.from(s.params.w), b: Float64Array.from(s.params.b) };
    }
    return m;
  }
}

/**
 * The objective minimised by fit, as a function of theta = [w (m x d, class-major), b (m)]:
 * summed log loss + ||w||^2 / (2C). m = 1: binomial (y in {0, 1}); m >= 3: softmax (y in 0..m-1).
 * Writes the gradient into its second argument and returns the value.
 */
export function logisticObjective(X: Matrix, rows: Int32Array | null, y: Int32Array, m: number, C: number): Objective {
  if (X.kind === "dense") {
    const fast = wasmLogisticObjective(X, rows, y, m, C);
    if (fast !== null) return fast;
  }
  return jsLogisticObjective(X, rows, y, m, C);
}

/** logisticObjective in plain JS: sparse input, or where the WebAssembly kernels are off. */
export function jsLogisticObjective(X: Matrix, rows: Int32Array | null, y: Int32Array, m: number, C: number): Objective {
  const n = y.length;
  const nw = X.cols * m;
  const scores = new Float64Array(n * m);
  const invC = 1 / C;
  return (theta: Float64Array, grad: Float64Array): number => {
    const w = theta.subarray(0, nw);
    const b = theta.subarray(nw);
    linearScores(X, rows, n, w, b, m, scores);
    let loss = 0;
    if (m === 1) {
      for (let r = 0; r < n; r++) {
        // log(1 + exp(-s)) with s = +-z, and sigmoid(z), from one exp(-|z|).
        const z = scores[r];
        const e = Math.exp(-Math.abs(z));
        const pos = y[r] === 1;
        const s = pos ? z : -z;
        loss += (s < 0 ? -s : 0) + Math.log1p(e);
        const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        scores[r] = pos ? sig - 1 : sig;
      }
    } else {
      for (let r = 0; r < n; r++) {
        // -log softmax_y = log(sum_c exp(s_c - max)) - (s_y - max).
        const o = r * m;
        let mx = scores[o];
        for (let c = 1; c < m; c++) if (scores[o + c] > mx) mx = scores[o + c];
        const sy = scores[o + y[r]] - mx;
        let z = 0;
        for (let c = 0; c < m; c++) {
          const e = Math.exp(scores[o + c] - mx);
          scores[o + c] = e;
          z += e;
        }
        loss += Math.log(z) - sy;
        const inv = 1 / z;
        for (let c = 0; c < m; c++) scores[o + c] *= inv;
        scores[o + y[r]] -= 1;
      }
    }
    let reg = 0;
    for (let i = 0; i < nw; i++) {
      reg += w[i] * w[i];
      grad[i] = w[i] * invC;
    }
    for (let i = nw; i < grad.length; i++) grad[i] = 0;
    accumulateGradient(X, rows, n, scores, m, grad.subarray(0, nw), grad.subarray(nw));
    return loss + 0.5 * invC * reg;
  };
}

/** Warm start: copies the previous parameters class by class into the new layout. */
function initFrom(prev: Params, next: Params): void {
  const d = next.d;
  const full = (q: Params): { w: Float64Array; b: Float64Array } => {
    // Expand to one column per present class; binomial w becomes (-w/2, +w/2).
    const m = q.present.length;
    if (m === 1) return { w: new Float64Array(d), b: new Float64Array(1) };
    if (q.b.length === 1) {
      const w = new Float64Array(d * 2);
      for (let j = 0; j < d; j++) {
        w[j] = -q.w[j] / 2;
        w[d + j] = q.w[j] / 2;
      }
      return { w, b: Float64Array.of(-q.b[0] / 2, q.b[0] / 2) };
    }
    return { w: q.w, b: q.b };
  };
  const src = full(prev);
  const mPrev = prev.present.length;
  const mNext = next.present.length;
  const cols = new Int32Array(mNext).fill(-1);
  for (let t = 0; t < mNext; t++) for (let u = 0; u < mPrev; u++) if (prev.present[u] === next.present[t]) cols[t] = u;
  if (mNext === 2) {
    if (cols[0] < 0 || cols[1] < 0 || mPrev === 1) return;
    for (let j = 0; j < d; j++) next.w[j] = src.w[cols[1] * d + j] - src.w[cols[0] * d + j];
    next.b[0] = src.b[cols[1]] - src.b[cols[0]];
    return;
  }
  if (mPrev === 1) return;
  for (let t = 0; t < mNext; t++) {
    const u = cols[t];
    if (u < 0) continue;
    next.w.set(src.w.subarray(u * d, (u + 1) * d), t * d);
    next.b[t] = src.b[u];
  }
}
