/**
 * Test support for the model conformance suite (conformance.test.ts): the exact optimum of a
 * logistic regression fit, found by Newton's method from the fitted parameters, and the model's
 * probabilities at any parameter vector. Newton steps on the (small) test problems converge
 * quadratically, an independent check on the L-BFGS fit.
 */
import type { Matrix } from "../linalg/matrix.js";
import { spdSolve } from "../linalg/spd.js";
import { jsLogisticObjective, LogisticRegression } from "./logistic.js";

/** The fit's parameter layout: the objective over theta = [w (m x d), b (m)] and its labels. */
export interface LogisticProblem {
  /** Summed objective and gradient (plain JS, independent of the WebAssembly path). */
  readonly objective: (theta: Float64Array, grad: Float64Array) => number;
  /** The fitted parameters. */
  readonly theta: Float64Array;
  /** Training labels. */
  readonly n: number;
  /** Probabilities over X at parameters theta. */
  readonly proba: (theta: Float64Array) => Float64Array;
}

interface SavedParams {
  present: number[];
  d: number;
  w: number[];
  b: number[];
}

/** The objective a fitted model minimised, its parameters, and its probabilities at any theta. */
export function logisticProblem(model: LogisticRegression, X: Matrix, y: ArrayLike<number>, rows: Int32Array): LogisticProblem {
  const saved = model.toJSON() as unknown as { params: SavedParams | null };
  const params = saved.params;
  if (params === null) throw new Error("logisticProblem: the model is not fitted");
  const pos = new Map(params.present.map((c, t) => [c, t]));
  const yy = Int32Array.from(Array.from(y), (c) => pos.get(c) ?? -1);
  const m = params.b.length;
  const nw = params.d * m;
  return {
    objective: jsLogisticObjective(X, rows, yy, m, model.C),
    theta: Float64Array.from([...params.w, ...params.b]),
    n: rows.length,
    proba: (theta) => {
      const at = { ...model.toJSON(), params: { ...params, w: Array.from(theta.subarray(0, nw)), b: Array.from(theta.subarray(nw)) } };
      return LogisticRegression.fromJSON(at).predictProba(X);
    },
  };
}

/** Infinity norm of the gradient of `objective` at theta, and the objective there. */
export function gradientAt(objective: LogisticProblem["objective"], theta: Float64Array): { f: number; gradMax: number } {
  const g = new Float64Array(theta.length);
  const f = objective(theta, g);
  let gradMax = 0;
  for (const v of g) gradMax = Math.max(gradMax, Math.abs(v));
  return { f, gradMax };
}

/**
 * Newton's method from `start` (Hessian by central differences of the exact gradient, plus a
 * 1e-9 ridge), keeping the iterate of smallest gradient; returns it with its objective and
 * gradient norm.
 */
export function newtonOptimum(objective: LogisticProblem["objective"], start: Float64Array, iterations = 25): { theta: Float64Array; f: number; gradMax: number } {
  const P = start.length;
  let theta = start.slice();
  let best = { theta, ...gradientAt(objective, theta) };
  const g = new Float64Array(P);
  const gp = new Float64Array(P);
  const gm = new Float64Array(P);
  for (let it = 0; it < iterations; it++) {
    objective(theta, g);
    const H = new Float64Array(P * P);
    for (let j = 0; j < P; j++) {
      const h = 1e-5 * Math.max(1, Math.abs(theta[j]));
      const tp = theta.slice();
      tp[j] += h;
      const tm = theta.slice();
      tm[j] -= h;
      objective(tp, gp);
      objective(tm, gm);
      for (let i = 0; i < P; i++) H[i * P + j] = (gp[i] - gm[i]) / (2 * h);
    }
    for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) H[i * P + j] = H[j * P + i] = (H[i * P + j] + H[j * P + i]) / 2;
    // Softmax intercepts are free along b + c (1, ..., 1) (same probabilities, same objective),
    // so H is singular there: a ridge far below the curvature elsewhere keeps Cholesky defined.
    for (let i = 0; i < P; i++) H[i * P + i] += 1e-9;
    const step = Float64Array.from(g, (v) => -v);
    spdSolve(H, P, step, 1);
    theta = Float64Array.from(theta, (v, i) => v + step[i]);
    const at = gradientAt(objective, theta);
    if (at.gradMax < best.gradMax) best = { theta, ...at };
  }
  return best;
}
