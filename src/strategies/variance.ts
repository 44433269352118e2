/**
 * Variance reduction (Fisher information) for logistic regression: Schein & Ungar 2007, "Active
 * learning for logistic regression: an evaluation" (Machine Learning 68), after Cohn, Ghahramani &
 * Jordan 1996 and Zhang & Oles 2000.
 *
 * The parameters θ of the fitted model have approximate posterior covariance A = F⁻¹, where
 * F = Pen + C Σ_{i∈L} D_i ⊗ x'_i x'_iᵀ is the Hessian of scikit-learn's objective (the L2 penalty
 * on the weights plus the labeled rows' Fisher information), x' = [x, 1] and, for each row,
 * D = diag(p) - p pᵀ (softmax, K ≥ 3; θ has K(d + 1) entries) or p₁(1 - p₁) (one weight vector for
 * K = 2). By the delta method the variance of the predicted probabilities at u is
 * tr(J_u A J_uᵀ), J_u = D_u ⊗ x'_uᵀ, and their total over an evaluation sample E of the pool is
 * tr(A S), S = Σ_{u∈E} D_u² ⊗ x'_u x'_uᵀ. Labeling a candidate c adds B Bᵀ to F, B = √C (R_c ⊗ x'_c)
 * with R Rᵀ = D_c (R = diag(√p)(I - √p √pᵀ)), so by Woodbury the total variance falls by
 *
 *   Δ(c) = tr((I + Bᵀ A B)⁻¹ Bᵀ T B),   T = A S A,
 *
 * whatever label c gets: the Fisher information of a logistic model does not depend on the label.
 * The batch is greedy: after each pick A and T take the pick's rank-K update
 * (A ← A - V W Vᵀ, T ← T - V W (TB)ᵀ - (TB) W Vᵀ + V W H W Vᵀ with V = A B, W = (I + BᵀAB)⁻¹,
 * H = BᵀTB), so each next item is the one that lowers the variance most given those already chosen
 * (diversity comes from the objective). Picks after the first are lazy (Minoux's accelerated greedy):
 * candidates are re-scored in the order of their last score until the best fresh score beats every
 * stale one, which is exact when the scores only fall as information is added, as they do in
 * practice here.
 *
 * Cost, bounded by a work budget of ~1.2·10⁸ multiply-adds for the rows: building F and S is O(K² d²) per row,
 * A and T are O((K d)³), a candidate's score O(K² d²). Labeled rows beyond the budget are a seeded
 * sample scaled up to the whole (an unbiased estimate of their Fisher information); E is a seeded
 * sample of at most 1,000 unlabeled rows; the candidates are the lowest-margin items the budget
 * allows (all of a small pool with two or four classes). The O((K d)³) part is not budgeted, so
 * pools whose parameter count K·(d + 1) exceeds `maxParams` (400) use margin instead: wide text
 * pools, and digits (10 x 65 = 650), where a query would take 1-2 s (measured).
 */
import type { Matrix } from "../linalg/matrix.js";
import { matMul, spdInverse, spdSolve } from "../linalg/spd.js";
import { addRow, range, subsample } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { margin, marginScores } from "./uncertainty.js";

export interface VarianceOptions {
  readonly name?: string;
  /** Evaluation sample of the unlabeled pool (default 1,000). */
  readonly maxEval?: number;
  /** Most candidates, the lowest-margin items (default 1,000; the work budget may allow fewer). */
  readonly maxCandidates?: number;
  /** Largest parameter count K·(d + 1) handled; wider pools use margin (default 400). */
  readonly maxParams?: number;
  /** Work budget in multiply-adds for the rows and candidates (default 1.2e8). */
  readonly budget?: number;
  /** Variance of the probabilities (default) or of the centred logits. */
  readonly target?: "probability" | "logit";
  /** Evaluation rows weighted by (margin uncertainty)^focus (default 0: unweighted). */
  readonly focus?: number;
}

/** Ridge on the unpenalised intercepts, so the softmax's redundant direction stays invertible. */
const INTERCEPT_RIDGE = 1e-3;

/**
 * Per-row matrices for the probability row p (length ≥ m): Fisher weight D, variance weight D² and
 * a square root R with R Rᵀ = D; m = 1 is the one-vector binary model, p[1] the positive class.
 */
export function rowMatrices(p: ArrayLike<number>, m: number, fisher: Float64Array, varW: Float64Array, root: Float64Array): void {
  if (m === 1) {
    const v = p[1] * (1 - p[1]);
    fisher[0] = v;
    varW[0] = v * v;
    root[0] = Math.sqrt(v);
    return;
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) fisher[a * m + b] = (a === b ? p[a] : 0) - p[a] * p[b];
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += fisher[a * m + c] * fisher[c * m + b];
      varW[a * m + b] = s;
    }
  }
  // R = diag(√p)(I - √p √pᵀ); I - √p √pᵀ is a projector (Σ p = 1), so R Rᵀ = D.
  for (let a = 0; a < m; a++) {
    const sa = Math.sqrt(p[a]);
    for (let b = 0; b < m; b++) root[a * m + b] = sa * ((a === b ? 1 : 0) - sa * Math.sqrt(p[b]));
  }
}

/**
 * out += scale · W ⊗ x xᵀ for a symmetric m x m W and x of length dp (out is P x P, P = m·dp),
 * blocks a ≤ b only: call `mirrorBlocks` once after the last row.
 */
export function addKron(out: Float64Array, dp: number, m: number, W: Float64Array, x: Float64Array, scale: number): void {
  const P = m * dp;
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      const w = W[a * m + b] * scale;
      if (w === 0) continue;
      for (let j = 0; j < dp; j++) {
        const wx = w * x[j];
        if (wx === 0) continue;
        const row = (a * dp + j) * P + b * dp;
        for (let l = 0; l < dp; l++) out[row + l] += wx * x[l];
      }
    }
  }
}

/** Copies the blocks a < b of a P x P block matrix (m blocks of dp) onto the blocks b > a, transposed. */
export function mirrorBlocks(out: Float64Array, dp: number, m: number): void {
  const P = m * dp;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      for (let j = 0; j < dp; j++) for (let l = 0; l < dp; l++) out[(b * dp + l) * P + a * dp + j] = out[(a * dp + j) * P + b * dp + l];
    }
  }
}

/** U = M (I_m ⊗ x) (P x m) and Q = (I_m ⊗ x)ᵀ U (m x m) for a P x P matrix M. */
function blockForms(M: Float64Array, dp: number, m: number, x: Float64Array, U: Float64Array, Q: Float64Array): void {
  const P = m * dp;
  for (let i = 0; i < P; i++) {
    const ri = i * P;
    for (let b = 0; b < m; b++) {
      let s = 0;
      const o = ri + b * dp;
      for (let l = 0; l < dp; l++) s += M[o + l] * x[l];
      U[i * m + b] = s;
    }
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let j = 0; j < dp; j++) s += x[j] * U[(a * dp + j) * m + b];
      Q[a * m + b] = s;
    }
  }
}

/** out = scale · Rᵀ Q R (m x m). */
function congruence(R: Float64Array, Q: Float64Array, m: number, scale: number, out: Float64Array): void {
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = 0; c < m; c++) {
        const rca = R[c * m + a];
        if (rca === 0) continue;
        for (let e = 0; e < m; e++) s += rca * Q[c * m + e] * R[e * m + b];
      }
      out[a * m + b] = s * scale;
    }
  }
}

/** out = a b for a (r x m) and b (m x m), both row-major. */
function mulSmall(a: Float64Array, r: number, b: Float64Array, m: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += a[i * m + c] * b[c * m + j];
      out[i * m + j] = s;
    }
  }
}

/** Writes [row i of X, 1] into x (length X.cols + 1). */
function loadRow(X: Matrix, i: number, x: Float64Array): void {
  x.fill(0);
  addRow(X, i, 1, x);
  x[X.cols] = 1;
}

/** The Fisher state of one query: A = F⁻¹ and T = A S A, updated in place by `add`. */
export class FisherState {
  readonly m: number;
  readonly dp: number;
  readonly P: number;
  readonly A: Float64Array;
  readonly T: Float64Array;
  private readonly C: number;
  private readonly x: Float64Array;
  private readonly UA: Float64Array;
  private readonly UT: Float64Array;
  private readonly QA: Float64Array;
  private readonly QT: Float64Array;
  private readonly G: Float64Array;
  private readonly H: Float64Array;
  private readonly W: Float64Array;

  /**
   * F from the labeled rows `lab` (probabilities `pl`, n x K, each row weighted `labWeight`), S from
   * the evaluation rows `ev` (probabilities `pe`).
   */
  constructor(
    X: Matrix,
    K: number,
    C: number,
    lab: Int32Array,
    pl: Float64Array,
    labWeight: number,
    ev: Int32Array,
    pe: Float64Array,
    evScale?: Float64Array,
    target: "probability" | "logit" = "probability",
  ) {
    const m = K === 2 ? 1 : K;
    const dp = X.cols + 1;
    const P = m * dp;
    this.m = m;
    this.dp = dp;
    this.P = P;
    this.C = C;
    this.x = new Float64Array(dp);
    const fisherW = new Float64Array(m * m);
    const varW = new Float64Array(m * m);
    const root = new Float64Array(m * m);
    const F = new Float64Array(P * P);
    for (let a = 0; a < m; a++) for (let j = 0; j < dp; j++) F[(a * dp + j) * (P + 1)] = j === dp - 1 ? INTERCEPT_RIDGE : 1;
    for (let r = 0; r < lab.length; r++) {
      rowMatrices(pl.subarray(r * K, (r + 1) * K), m, fisherW, varW, root);
      loadRow(X, lab[r], this.x);
      addKron(F, dp, m, fisherW, this.x, C * labWeight);
    }
    mirrorBlocks(F, dp, m);
    this.A = spdInverse(F, P);
    const S = new Float64Array(P * P);
    for (let r = 0; r < ev.length; r++) {
      if (target === "logit") for (let a = 0; a < m * m; a++) varW[a] = m === 1 ? 1 : (a % (m + 1) === 0 ? 1 : 0) - 1 / m;
      else rowMatrices(pe.subarray(r * K, (r + 1) * K), m, fisherW, varW, root);
      loadRow(X, ev[r], this.x);
      addKron(S, dp, m, varW, this.x, evScale === undefined ? 1 : evScale[r]);
    }
    mirrorBlocks(S, dp, m);
    this.T = matMul(matMul(this.A, S, P), this.A, P, true);
    this.UA = new Float64Array(P * m);
    this.UT = new Float64Array(P * m);
    this.QA = new Float64Array(m * m);
    this.QT = new Float64Array(m * m);
    this.G = new Float64Array(m * m);
    this.H = new Float64Array(m * m);
    this.W = new Float64Array(m * m);
  }

  /**
   * Δ for pool row i with root R (R Rᵀ = D of its probabilities): the fall of tr(A S) if it were
   * labeled. Leaves its U, G, H, W behind for `add`.
   */
  score(X: Matrix, i: number, R: Float64Array): number {
    const { m, dp } = this;
    loadRow(X, i, this.x);
    blockForms(this.A, dp, m, this.x, this.UA, this.QA);
    blockForms(this.T, dp, m, this.x, this.UT, this.QT);
    congruence(R, this.QA, m, this.C, this.G);
    congruence(R, this.QT, m, this.C, this.H);
    // W = (I + G)⁻¹, Δ = tr(W H).
    const IG = this.G.slice();
    for (let a = 0; a < m; a++) IG[a * (m + 1)] += 1;
    this.W.fill(0);
    for (let a = 0; a < m; a++) this.W[a * (m + 1)] = 1;
    spdSolve(IG, m, this.W, m);
    let s = 0;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) s += this.W[a * m + b] * this.H[b * m + a];
    return s;
  }

  /** Adds pool row i (root R) to the information: the rank-m update of A and T. */
  add(X: Matrix, i: number, R: Float64Array): void {
    this.score(X, i, R);
    const { m, P, A, T, W, H } = this;
    const sc = Math.sqrt(this.C);
    const V = new Float64Array(P * m);
    const TB = new Float64Array(P * m);
    mulSmall(this.UA, P, R, m, V);
    mulSmall(this.UT, P, R, m, TB);
    for (let i2 = 0; i2 < P * m; i2++) {
      V[i2] *= sc;
      TB[i2] *= sc;
    }
    const WH = new Float64Array(m * m);
    const WHW = new Float64Array(m * m);
    mulSmall(W, m, H, m, WH);
    mulSmall(WH, m, W, m, WHW);
    const VW = new Float64Array(P * m);
    const TW = new Float64Array(P * m);
    const VH = new Float64Array(P * m);
    mulSmall(V, P, W, m, VW);
    mulSmall(TB, P, W, m, TW);
    mulSmall(V, P, WHW, m, VH);
    // Both updates are symmetric: compute j ≥ r, mirror.
    for (let r = 0; r < P; r++) {
      const rr = r * P;
      for (let j = r; j < P; j++) {
        let a = 0;
        let t = 0;
        for (let c = 0; c < m; c++) {
          const vjc = V[j * m + c];
          a += VW[r * m + c] * vjc;
          t += VW[r * m + c] * TB[j * m + c] + (TW[r * m + c] - VH[r * m + c]) * vjc;
        }
        A[rr + j] -= a;
        T[rr + j] -= t;
        A[j * P + r] = A[rr + j];
        T[j * P + r] = T[rr + j];
      }
    }
  }
}

export function varianceReduction(options: VarianceOptions = {}): QueryStrategy {
  const name = options.name ?? "variance_reduction";
  const maxEval = options.maxEval ?? 1000;
  const maxCandidates = options.maxCandidates ?? 1000;
  const maxParams = options.maxParams ?? 400;
  const budget = options.budget ?? 1.2e8;
  return {
    name,
    description: "largest fall of the pool's predictive variance (Fisher information of logistic regression), greedy batch",
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const K = ctx.nClasses;
      const m = K === 2 ? 1 : K;
      const perRow = m * m * (ctx.X.cols + 1) ** 2;
      if (n === 0 || k <= 0 || ctx.labeled.length === 0 || K < 2 || m * (ctx.X.cols + 1) > maxParams) return margin.select(ctx, k);
      const C = (ctx.model as { C?: number }).C ?? 1;
      const X = ctx.X;
      // A quarter of the budget each for F's rows, S's rows and the candidates' first scores
      // (the blocks a ≤ b cost half a row's m²(d+1)²; a candidate's score two of them).
      const rows = Math.max(1, Math.floor(budget / 2 / perRow));
      const lab = subsample(ctx.labeled, rows, ctx.rng);
      const pl = ctx.model.predictProba(X, lab);
      const pu = ctx.model.predictProba(X, ctx.unlabeled);
      const evPos = subsample(range(n), Math.min(maxEval, Math.max(100, rows)), ctx.rng);
      const ev = Int32Array.from(evPos, (p) => ctx.unlabeled[p]);
      const pe = new Float64Array(ev.length * K);
      evPos.forEach((p, r) => pe.set(pu.subarray(p * K, (p + 1) * K), r * K));
      const focus = options.focus ?? 0;
      const evScale = focus === 0 ? undefined : marginScores(pe, ev.length, K).map((u) => u ** focus);
      const state = new FisherState(X, K, C, lab, pl, ctx.labeled.length / lab.length, ev, pe, evScale, options.target);

      const want = Math.min(k, n);
      const nc = Math.min(n, Math.max(want, Math.min(maxCandidates, Math.floor(budget / 4 / (2 * perRow)))));
      const cand = nc >= n ? range(n) : topK(marginScores(pu, n, K), nc);
      const roots = new Float64Array(nc * m * m);
      const scratchF = new Float64Array(m * m);
      const scratchV = new Float64Array(m * m);
      for (let t = 0; t < nc; t++) rowMatrices(pu.subarray(cand[t] * K, (cand[t] + 1) * K), m, scratchF, scratchV, roots.subarray(t * m * m, (t + 1) * m * m));
      const root = (t: number): Float64Array => roots.subarray(t * m * m, (t + 1) * m * m);

      // First pick: score every candidate; later picks: lazy greedy over the stale scores.
      const stale = new Float64Array(nc);
      for (let t = 0; t < nc; t++) stale[t] = state.score(X, ctx.unlabeled[cand[t]], root(t));
      const order = Array.from({ length: nc }, (_, t) => t);
      const outIdx = new Int32Array(want);
      const outScore = new Float64Array(want);
      const fresh = new Uint8Array(nc).fill(1);
      for (let pick = 0; pick < want; pick++) {
        order.sort((a, b) => stale[b] - stale[a] || a - b);
        let best = -1;
        for (let q = 0; q < order.length; q++) {
          const t = order[q];
          if (fresh[t] === 0) {
            stale[t] = state.score(X, ctx.unlabeled[cand[t]], root(t));
            fresh[t] = 1;
          }
          if (best < 0 || stale[t] > stale[best] || (stale[t] === stale[best] && t < best)) best = t;
          if (q + 1 < order.length && stale[best] >= stale[order[q + 1]]) break;
        }
        outIdx[pick] = ctx.unlabeled[cand[best]];
        outScore[pick] = stale[best];
        order.splice(order.indexOf(best), 1);
        if (pick + 1 < want) {
          state.add(X, ctx.unlabeled[cand[best]], root(best));
          fresh.fill(0);
        }
      }
      return { indices: outIdx, scores: outScore };
    },
  };
}

/** The registered instance. */
export const varianceReductionStrategy = varianceReduction();
