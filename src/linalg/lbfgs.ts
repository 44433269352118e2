/**
 * Limited-memory BFGS for smooth unconstrained minimisation, with a backtracking line search
 * (Armijo condition, safeguarded quadratic interpolation). Buffers are allocated once per call;
 * the two-loop recursion runs in the WebAssembly kernels where they are available.
 */
import { wasmLbfgsWorkspace, type LbfgsWorkspace } from "./wasm.js";

/** Objective: writes the gradient at x into g and returns f(x). */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Maximum iterations (default 100). */
  readonly maxIter?: number;
  /**
   * Gradient test: the run has converged when max_i |g_i| <= gtol * gradScale, g the gradient of
   * `fg` at the current point (the infinity norm, as L-BFGS-B's `pgtol` without bounds; default 1e-4).
   */
  readonly gtol?: number;
  /** Scale of the gradient test, e.g. the number of samples of a summed loss (default 1). */
  readonly gradScale?: number;
  /** History size (default 10). */
  readonly memory?: number;
  /** Relative reduction of f below which the run stops (default 64 * machine epsilon). */
  readonly ftol?: number;
}

/**
 * Why a run stopped: "gradient" (the gradient test passed), "ftol" (the relative fall of f in one
 * iteration was at most ftol: no progress left at double precision), "maxIter" (the iteration
 * limit), "lineSearch" (no step along the search direction lowered f).
 */
export type LbfgsStop = "gradient" | "ftol" | "maxIter" | "lineSearch";

export interface LbfgsResult {
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** True when the gradient test passed at the returned point. */
  readonly converged: boolean;
  /** max_i |g_i| at the returned point (unscaled). */
  readonly gradMax: number;
  readonly stop: LbfgsStop;
}

/** Minimises `fg` starting from `x` (updated in place). */
export function lbfgs(fg: Objective, x: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const n = x.length;
  const maxIter = options.maxIter ?? 100;
  const gtol = (options.gtol ?? 1e-4) * (options.gradScale ?? 1);
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? 64 * Number.EPSILON;
  // The pairs, the gradient and the direction live in WebAssembly memory where the kernels are
  // available (the two-loop recursion then runs there with two lanes), else in JS arrays.
  const ws = wasmLbfgsWorkspace(n, m);
  try {
    return run(fg, x, n, m, gtol, ftol, maxIter, ws);
  } finally {
    ws?.release();
  }
}

function run(fg: Objective, x: Float64Array, n: number, m: number, gtol: number, ftol: number, maxIter: number, ws: LbfgsWorkspace | null): LbfgsResult {
  const stride = ws?.stride ?? n;
  const S = ws?.S ?? new Float64Array(m * n);
  const Y = ws?.Y ?? new Float64Array(m * n);
  const rho = ws?.rho ?? new Float64Array(m);
  const alpha = new Float64Array(m);
  const g = ws?.g ?? new Float64Array(n);
  const d = ws?.d ?? new Float64Array(n);
  const gNew = new Float64Array(n);
  const xNew = new Float64Array(n);
  let f = fg(x, g);
  let evals = 1;
  let stored = 0;
  let head = 0;
  const done = (iterations: number, stop: LbfgsStop): LbfgsResult => {
    const gradMax = maxAbs(g);
    return { f, iterations, evaluations: evals, converged: gradMax <= gtol, gradMax, stop };
  };
  if (maxAbs(g) <= gtol) return done(0, "gradient");
  for (let iter = 1; iter <= maxIter; iter++) {
    // Two-loop recursion: d = -H g.
    let gd = 0;
    if (ws !== null) gd = ws.direction(stored, head);
    else {
      for (let i = 0; i < n; i++) d[i] = -g[i];
      for (let t = 0; t < stored; t++) {
        const slot = (head - 1 - t + m) % m;
        const a = rho[slot] * dotAt(S, slot * n, d, n);
        alpha[slot] = a;
        axpyAt(-a, Y, slot * n, d, n);
      }
      if (stored > 0) {
        const last = (head - 1 + m) % m;
        const yy = dotAt(Y, last * n, Y.subarray(last * n, last * n + n), n);
        const gamma = 1 / (rho[last] * yy);
        for (let i = 0; i < n; i++) d[i] *= gamma;
      }
      for (let t = stored - 1; t >= 0; t--) {
        const slot = (head - 1 - t + m) % m;
        const b = rho[slot] * dotAt(Y, slot * n, d, n);
        axpyAt(alpha[slot] - b, S, slot * n, d, n);
      }
      for (let i = 0; i < n; i++) gd += g[i] * d[i];
    }
    if (!(gd < 0)) {
      // Not a descent direction: restart from steepest descent.
      stored = 0;
      gd = 0;
      for (let i = 0; i < n; i++) {
        d[i] = -g[i];
        gd -= g[i] * g[i];
      }
    }
    let step = stored === 0 ? Math.min(1, 1 / Math.sqrt(-gd)) : 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = fg(xNew, gNew);
      evals++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * gd) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the step, kept within [0.1, 0.5] of the current one.
      const q = Number.isFinite(fNew) ? (-gd * step * step) / (2 * (fNew - f - gd * step)) : 0.1 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, q));
    }
    if (!accepted) return done(iter, "lineSearch");
    // Update history with s = xNew - x, y = gNew - g.
    const slot = head;
    let sy = 0;
    const so = slot * stride;
    for (let i = 0; i < n; i++) {
      const s = xNew[i] - x[i];
      const y = gNew[i] - g[i];
      S[so + i] = s;
      Y[so + i] = y;
      sy += s * y;
    }
    if (sy > 1e-10) {
      rho[slot] = 1 / sy;
      head = (head + 1) % m;
      if (stored < m) stored++;
    }
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (maxAbs(g) <= gtol) return done(iter, "gradient");
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) return done(iter, "ftol");
  }
  return done(maxIter, "maxIter");
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

function dotAt(a: Float64Array, off: number, b: Float64Array, n: number): number {
  // Four partial sums: independent chains the CPU can overlap.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[off + i] * b[i];
    s1 += a[off + i + 1] * b[i + 1];
    s2 += a[off + i + 2] * b[i + 2];
    s3 += a[off + i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[off + i] * b[i];
  return s0 + s1 + (s2 + s3);
}

function axpyAt(alpha: number, a: Float64Array, off: number, y: Float64Array, n: number): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    y[i] += alpha * a[off + i];
    y[i + 1] += alpha * a[off + i + 1];
    y[i + 2] += alpha * a[off + i + 2];
    y[i + 3] += alpha * a[off + i + 3];
  }
  for (; i < n; i++) y[i] += alpha * a[off + i];
}
