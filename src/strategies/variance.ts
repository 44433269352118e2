/**
 * Variance reduction (Fisher information) for logistic regression: Schein & Ungar 2007, "Active
 * learning for logistic regression: an evaluation" (Machine Learning 68), after Cohn, Ghahramani &
 * Jordan 1996 and Zhang & Oles 2000. The model's parameters θ have approximate posterior covariance
 * A = F⁻¹, F = I_w + C Σ_{i∈L} D_i ⊗ x'_i x'_iᵀ (the Hessian of scikit-learn's objective: the L2
 * penalty on the weights plus the labeled rows' Fisher information), with x' = [x, 1] and, for
 * each row, D = diag(p) - p pᵀ (softmax, K ≥ 3) or p(1 - p) (one weight vector, K = 2). By the delta
 * method the variance of the predicted probabilities at u is tr(J_u A J_uᵀ), J_u = D_u ⊗ x'_uᵀ, and
 * the total over an evaluation sample E of the pool is tr(A S), S = Σ_{u∈E} D_u² ⊗ x'_u x'_uᵀ.
 * Labeling a candidate c adds B Bᵀ to F, B = √C (R_c ⊗ x'_c), R Rᵀ = D_c, and by Woodbury the
 * total variance falls by
 *
 *   Δ(c) = tr((I + Bᵀ A B)⁻¹ Bᵀ (A S A) B),
 *
 * whatever label c gets (the Fisher information does not depend on the label). The batch is chosen
 * greedily: after each pick A and T = A S A get the rank-K update of that pick, so the next item is
 * the one that reduces the variance most given the items already chosen (batch diversity follows
 * from the objective; no clustering).
 *
 * Cost per query: F and S are built in O((|L| + |E|) K² d²), A = F⁻¹ and T in O((K d)³), each
 * candidate is scored in O(K² d²) per pick. Bounded by subsampling: E is a seeded sample of at most
 * `maxEval` unlabeled rows, candidates are the `maxCandidates` lowest-margin items, and pools
 * whose parameter count K·(d + 1) exceeds `maxParams` (wide text pools) fall back to margin.
 */
import type { DenseMatrix } from "../linalg/matrix.js";
import { matMul, spdInverse, spdSolve } from "../linalg/spd.js";
import { subsample } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { margin, marginScores } from "./uncertainty.js";

export interface VarianceOptions {
  readonly name?: string;
  /** Evaluation sample of the unlabeled pool (default 1,000). */
  readonly maxEval?: number;
  /** Candidates: the lowest-margin unlabeled items (default 1,000). */
  readonly maxCandidates?: number;
  /** Largest parameter count K·(d + 1) handled exactly; wider pools use margin (default 1,200). */
  readonly maxParams?: number;
  /** Greedy batch with rank-K updates (default) or the top k of the first scores. */
  readonly greedy?: boolean;
}

/** Ridge on the unpenalised intercepts, so the softmax's redundant direction stays invertible. */
const INTERCEPT_RIDGE = 1e-3;

/** Per-row matrices for a probability row p: Fisher weight D, variance weight D², square root R. */
function rowMatrices(p: Float64Array, m: number, fisher: Float64Array, varW: Float64Array, root: Float64Array): void {
  if (m === 1) {
    const v = p[1] * (1 - p[1]);
    fisher[0] = v;
    varW[0] = v * v;
    root[0] = Math.sqrt(v);
    return;
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) fisher[a * m + b] = (a === b ? p[a] : 0) - p[a] * p[b];
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += fisher[a * m + c] * fisher[c * m + b];
      varW[a * m + b] = s;
    }
  }
  // R = diag(√p) (I - √p √pᵀ): R Rᵀ = diag(√p) (I - √p √pᵀ) diag(√p) = D since I - √p √pᵀ is a projector.
  for (let a = 0; a < m; a++) {
    const sa = Math.sqrt(p[a]);
    for (let b = 0; b < m; b++) root[a * m + b] = sa * ((a === b ? 1 : 0) - sa * Math.sqrt(p[b]));
  }
}

/** out += scale · W ⊗ x' x'ᵀ for a symmetric m x m W (P = m·dp). */
function addKron(out: Float64Array, P: number, dp: number, m: number, W: Float64Array, x: Float64Array, scale: number): void {
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
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

/** U = M (I_m ⊗ x') (P x m) and Q = (I_m ⊗ x')ᵀ U (m x m). */
function blockForms(M: Float64Array, P: number, dp: number, m: number, x: Float64Array, U: Float64Array, Q: Float64Array): void {
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

/** Rᵀ Q R (m x m), scaled. */
function congruence(R: Float64Array, Q: Float64Array, m: number, scale: number, out: Float64Array): void {
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let c = 0; c < m; c++) for (let e = 0; e < m; e++) s += R[c * m + a] * Q[c * m + e] * R[e * m + b];
      out[a * m + b] = s * scale;
    }
  }
}

export function varianceReduction(options: VarianceOptions = {}): QueryStrategy {
  const name = options.name ?? "variance_reduction";
  const maxEval = options.maxEval ?? 1000;
  const maxCandidates = options.maxCandidates ?? 1000;
  const maxParams = options.maxParams ?? 1200;
  const greedy = options.greedy ?? true;
  return {
    name,
    description: "largest expected fall in the pool's predictive variance (Fisher information), greedy batch",
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const K = ctx.nClasses;
      const m = K === 2 ? 1 : K;
      const dp = ctx.X.cols + 1;
      const P = m * dp;
      if (n === 0 || ctx.X.kind !== "dense" || P > maxParams || ctx.labeled.length === 0) return margin.select(ctx, k);
      const X: DenseMatrix = ctx.X;
      const C = (ctx.model as { C?: number }).C ?? 1;
      const fisherW = new Float64Array(m * m);
      const varW = new Float64Array(m * m);
      const root = new Float64Array(m * m);
      const x = new Float64Array(dp);
      const prow = new Float64Array(K);
      const loadRow = (i: number): void => {
        x.set(X.data.subarray(i * X.cols, (i + 1) * X.cols));
        x[dp - 1] = 1;
      };

      // F = penalty + C Σ_L D ⊗ x'x'ᵀ.
      const F = new Float64Array(P * P);
      for (let a = 0; a < m; a++) {
        for (let j = 0; j < dp; j++) F[(a * dp + j) * (P + 1)] = j === dp - 1 ? INTERCEPT_RIDGE : 1;
      }
      const pl = ctx.model.predictProba(X, ctx.labeled);
      for (let r = 0; r < ctx.labeled.length; r++) {
        prow.set(pl.subarray(r * K, (r + 1) * K));
        rowMatrices(prow, m, fisherW, varW, root);
        loadRow(ctx.labeled[r]);
        addKron(F, P, dp, m, fisherW, x, C);
      }
      const A = spdInverse(F, P);

      // S over the evaluation sample, T = A S A.
      const pu = ctx.model.predictProba(X, ctx.unlabeled);
      const evalPos = subsample(Int32Array.from({ length: n }, (_, i) => i), maxEval, ctx.rng);
      const S = new Float64Array(P * P);
      for (const pos of evalPos) {
        prow.set(pu.subarray(pos * K, (pos + 1) * K));
        rowMatrices(prow, m, fisherW, varW, root);
        loadRow(ctx.unlabeled[pos]);
        addKron(S, P, dp, m, varW, x, 1);
      }
      const T = matMul(matMul(A, S, P), A, P);

      // Candidates: the lowest-margin items.
      const cand = n <= maxCandidates ? Int32Array.from({ length: n }, (_, i) => i) : topK(marginScores(pu, n, K), maxCandidates);
      const nc = cand.length;
      const roots = new Float64Array(nc * m * m);
      for (let t = 0; t < nc; t++) {
        prow.set(pu.subarray(cand[t] * K, (cand[t] + 1) * K));
        rowMatrices(prow, m, fisherW, varW, root);
        roots.set(root, t * m * m);
      }
      const UA = new Float64Array(P * m);
      const UT = new Float64Array(P * m);
      const QA = new Float64Array(m * m);
      const QT = new Float64Array(m * m);
      const G = new Float64Array(m * m);
      const H = new Float64Array(m * m);
      const IG = new Float64Array(m * m);
      const R = new Float64Array(m * m);
      /** Δ of candidate t under the current A, T; leaves G, H, UA, UT, R for an update. */
      const score = (t: number): number => {
        R.set(roots.subarray(t * m * m, (t + 1) * m * m));
        loadRow(ctx.unlabeled[cand[t]]);
        blockForms(A, P, dp, m, x, UA, QA);
        blockForms(T, P, dp, m, x, UT, QT);
        congruence(R, QA, m, C, G);
        congruence(R, QT, m, C, H);
        for (let i = 0; i < m * m; i++) IG[i] = G[i] + (i % (m + 1) === 0 ? 1 : 0);
        // tr((I + G)⁻¹ H): solve (I + G) Z = H.
        const Z = H.slice();
        spdSolve(IG, m, Z, m);
        let s = 0;
        for (let a = 0; a < m; a++) s += Z[a * m + a];
        return s;
      };

      const want = Math.min(k, n);
      const outPos = new Int32Array(want);
      const outScore = new Float64Array(want);
      const alive = new Uint8Array(nc).fill(1);
      let first: Float64Array | null = null;
      for (let pick = 0; pick < want; pick++) {
        let best = -1;
        let bestScore = -Infinity;
        if (!greedy && first !== null) {
          for (let t = 0; t < nc; t++) if (alive[t] === 1 && first[t] > bestScore) [best, bestScore] = [t, first[t]];
        } else {
          const all = new Float64Array(nc);
          for (let t = 0; t < nc; t++) {
            if (alive[t] === 0) continue;
            const s = score(t);
            all[t] = s;
            if (s > bestScore) [best, bestScore] = [t, s];
          }
          first = all;
        }
        if (best < 0) break;
        alive[best] = 0;
        outPos[pick] = cand[best];
        outScore[pick] = bestScore;
        if (!greedy || pick === want - 1) continue;
        // Rank-m update of A and T for the pick: V = A B, TB = T B, W = (I + G)⁻¹.
        score(best);
        const sc = Math.sqrt(C);
        const V = new Float64Array(P * m);
        const TB = new Float64Array(P * m);
        for (let i = 0; i < P; i++) {
          for (let b = 0; b < m; b++) {
            let v = 0;
            let w = 0;
            for (let c = 0; c < m; c++) {
              v += UA[i * m + c] * R[c * m + b];
              w += UT[i * m + c] * R[c * m + b];
            }
            V[i * m + b] = v * sc;
            TB[i * m + b] = w * sc;
          }
        }
        for (let i = 0; i < m * m; i++) IG[i] = G[i] + (i % (m + 1) === 0 ? 1 : 0);
        const Wm = new Float64Array(m * m);
        for (let a = 0; a < m; a++) Wm[a * m + a] = 1;
        spdSolve(IG, m, Wm, m);
        const WHW = new Float64Array(m * m);
        for (let a = 0; a < m; a++) {
          for (let b = 0; b < m; b++) {
            let s = 0;
            for (let c = 0; c < m; c++) for (let e = 0; e < m; e++) s += Wm[a * m + c] * H[c * m + e] * Wm[e * m + b];
            WHW[a * m + b] = s;
          }
        }
        // VW = V W, TW = TB W, VH = V W H W.
        const VW = new Float64Array(P * m);
        const TW = new Float64Array(P * m);
        const VH = new Float64Array(P * m);
        for (let i = 0; i < P; i++) {
          for (let b = 0; b < m; b++) {
            let v = 0;
            let w = 0;
            let h = 0;
            for (let c = 0; c < m; c++) {
              v += V[i * m + c] * Wm[c * m + b];
              w += TB[i * m + c] * Wm[c * m + b];
              h += V[i * m + c] * WHW[c * m + b];
            }
            VW[i * m + b] = v;
            TW[i * m + b] = w;
            VH[i * m + b] = h;
          }
        }
        // A -= V W Vᵀ; T -= V W TBᵀ + TB W Vᵀ - V W H W Vᵀ.
        for (let i = 0; i < P; i++) {
          for (let j = 0; j < P; j++) {
            let a = 0;
            let t = 0;
            for (let c = 0; c < m; c++) {
              const vjc = V[j * m + c];
              a += VW[i * m + c] * vjc;
              t += VW[i * m + c] * TB[j * m + c] + (TW[i * m + c] - VH[i * m + c]) * vjc;
            }
            A[i * P + j] -= a;
            T[i * P + j] -= t;
          }
        }
      }
      return { indices: Int32Array.from(outPos, (p) => ctx.unlabeled[p]), scores: outScore };
    },
  };
}
