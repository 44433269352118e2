/**
 * Diverse margin batches: a margin prefilter, then diversity inside the prefiltered candidates.
 *
 * - `diverseMargin` (Zhdanov 2019, "Diverse mini-batch active learning", with options): candidates
 *   are the factor·k most uncertain items by margin (or, with `candidates: "power"`, factor·k items
 *   sampled with P ∝ margin^beta by Gumbel-top-k, Kirsch et al. 2023), clustered by k-means into k
 *   clusters; from each cluster the item nearest its centroid (`pick: "nearest"`, Zhdanov) or its
 *   most uncertain member (`pick: "uncertain"`, as Cluster-Margin, Citovsky et al. 2021).
 * - `kcenterMargin`: k-center greedy (Sener & Savarese 2018) restricted to the factor·k most
 *   uncertain items, with the labeled items as initial centers: uncertain items far from what is
 *   already known or chosen.
 */
import { kmeans } from "../linalg/kmeans.js";
import { addRow, clearRow, fitFresh, NearestCenter, rowDot, rowNorm2, rowNorms2, selectionFrom, subsample } from "./helpers.js";
import { gumbelTopK, stochasticLogits } from "./stochastic.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { marginScores, uncertaintyOf } from "./uncertainty.js";

/** The selection of nothing (k = 0 or an empty pool). */
const EMPTY_SELECTION: Selection = { indices: new Int32Array(0), scores: new Float64Array(0) };

/** Margin uncertainty of every unlabeled item (in ctx.unlabeled order). */
function poolMargins(ctx: QueryContext): Float64Array {
  return uncertaintyOf(ctx.model, ctx.X, ctx.unlabeled, marginScores);
}

export interface DiverseMarginOptions {
  readonly name: string;
  /** Candidates = factor x k items. */
  readonly factor: number;
  readonly pick: "nearest" | "uncertain";
  readonly candidates?: "top" | "power";
  /** Power of the margin when candidates are sampled. */
  readonly beta?: number;
}

export function diverseMargin(o: DiverseMarginOptions): QueryStrategy {
  return {
    name: o.name,
    description: `k-means over ${o.factor}k margin candidates; the ${o.pick === "nearest" ? "item nearest each centroid" : "most uncertain item of each cluster"}`,
    select(ctx: QueryContext, k: number): Selection {
      const m = Math.min(k, ctx.unlabeled.length);
      if (m <= 0) return EMPTY_SELECTION;
      const u = poolMargins(ctx);
      const pre = o.candidates === "power" ? gumbelTopK(stochasticLogits(u, "power", o.beta ?? 1), o.factor * m, ctx.rng) : topK(u, o.factor * m);
      const rows = Int32Array.from(pre, (p) => ctx.unlabeled[p]);
      const km = kmeans(ctx.X, m, ctx.rng, { rows, maxIter: 20 });
      const best = new Int32Array(km.k).fill(-1);
      for (let r = 0; r < pre.length; r++) {
        const t = km.assignment[r];
        if (best[t] < 0 || (o.pick === "nearest" ? km.distances[r] < km.distances[best[t]] : u[pre[r]] > u[pre[best[t]]])) best[t] = r;
      }
      const chosen: number[] = [];
      const taken = new Uint8Array(pre.length);
      for (const r of best) {
        if (r >= 0 && taken[r] === 0) {
          chosen.push(pre[r]);
          taken[r] = 1;
        }
      }
      const byU = topK(Float64Array.from(pre, (p) => u[p]), pre.length);
      for (let q = 0; q < byU.length && chosen.length < m; q++) {
        if (taken[byU[q]] === 0) {
          chosen.push(pre[byU[q]]);
          taken[byU[q]] = 1;
        }
      }
      chosen.sort((a, b) => u[b] - u[a] || a - b);
      return selectionFrom(ctx, chosen, chosen.map((p) => u[p]));
    },
  };
}

export function kcenterMargin(factor: number, name = "kcenter_margin"): QueryStrategy {
  return {
    name,
    description: `k-center greedy over the ${factor}k most uncertain items (margin), labeled items as centers`,
    select(ctx: QueryContext, k: number): Selection {
      const m = Math.min(k, ctx.unlabeled.length);
      if (m <= 0) return EMPTY_SELECTION;
      const u = poolMargins(ctx);
      const pre = topK(u, factor * m);
      const rows = Int32Array.from(pre, (p) => ctx.unlabeled[p]);
      const near = new NearestCenter(ctx.X, rows);
      for (const c of subsample(ctx.labeled, 2000, ctx.rng)) near.add(c);
      const taken = new Uint8Array(pre.length);
      const picked: number[] = [];
      const scores: number[] = [];
      for (let t = 0; t < m; t++) {
        let b = -1;
        for (let r = 0; r < pre.length; r++) if (taken[r] === 0 && (b < 0 || near.dist2[r] > near.dist2[b])) b = r;
        taken[b] = 1;
        picked.push(pre[b]);
        scores.push(u[pre[b]]);
        near.add(rows[b]);
      }
      return selectionFrom(ctx, picked, scores);
    },
  };
}

/**
 * kNN-density margin (Zhu, Wang, Yao & Tsou 2008, "Active learning with sampling by uncertainty
 * and density", KNN-density): among the factor·k most uncertain items (margin u), rank by
 * u(x) · (d̃ / d_knn(x))^beta, where d_knn(x) is the mean Euclidean distance from x to its
 * `neighbours` nearest items in a seeded reference subsample (≤ 2,000) of the unlabeled pool and
 * d̃ the median of d_knn over the candidates: uncertain items in dense regions first, outliers
 * last. Cost O(factor·k · 2,000 · row) after predict.
 */
export function knnDensityMargin(factor: number, neighbours: number, beta: number, name = "knn_density_margin"): QueryStrategy {
  return {
    name,
    description: `margin x kNN density among the ${factor}k most uncertain items`,
    select(ctx: QueryContext, k: number): Selection {
      const m = Math.min(k, ctx.unlabeled.length);
      if (m <= 0) return EMPTY_SELECTION;
      const u = poolMargins(ctx);
      const pre = topK(u, factor * m);
      const ref = subsample(ctx.unlabeled, 2000, ctx.rng);
      const refNorms = rowNorms2(ctx.X, ref);
      const scratch = new Float64Array(ctx.X.cols);
      const dk = new Float64Array(pre.length);
      const kk = Math.max(1, Math.min(neighbours, ref.length - 1));
      const dist = new Float64Array(ref.length);
      for (let r = 0; r < pre.length; r++) {
        const i = ctx.unlabeled[pre[r]];
        addRow(ctx.X, i, 1, scratch);
        const ni = rowNorm2(ctx.X, i);
        for (let q = 0; q < ref.length; q++) dist[q] = ref[q] === i ? Infinity : Math.sqrt(Math.max(0, ni - 2 * rowDot(ctx.X, ref[q], scratch) + refNorms[q]));
        clearRow(ctx.X, i, scratch);
        const nearest = topK(dist.map((v) => -v), kk);
        let s = 0;
        for (const q of nearest) s += dist[q];
        dk[r] = s / nearest.length;
      }
      const sorted = Float64Array.from(dk).sort();
      const med = sorted[sorted.length >> 1] || 1;
      const score = Float64Array.from(pre, (p, r) => u[p] * Math.pow(med / Math.max(dk[r], 1e-12), beta));
      const order = topK(score, m);
      return selectionFrom(ctx, Array.from(order, (r) => pre[r]), Array.from(order, (r) => score[r]));
    },
  };
}

/**
 * Believer margin: a sequential batch with fantasised labels (the "kriging believer" heuristic of
 * batch Bayesian optimisation, Ginsbourger, Le Riche & Carraro 2010, applied to margin sampling).
 * Pick the item of highest margin uncertainty; pretend its label is the model's prediction; refit
 * (warm-started) on the labeled rows plus the fantasised ones; re-score; repeat until k. Items near
 * a fantasised one become more confident, so the batch spreads along the boundary the way the
 * model itself would move. Re-scoring is restricted to the `candidates` most uncertain items
 * (at least 10k); cost k - 1 refits on |L| + k rows and k predictions of the candidates.
 */
export function believerMargin(candidates: number, name = "believer_margin"): QueryStrategy {
  return {
    name,
    description: "margin picks one by one, each refit on the labels so far plus the predicted labels of the picks",
    select(ctx: QueryContext, k: number): Selection {
      const m = Math.min(k, ctx.unlabeled.length);
      if (m <= 0) return EMPTY_SELECTION;
      const K = ctx.nClasses;
      const u0 = poolMargins(ctx);
      const cand = topK(u0, Math.max(candidates, 10 * m));
      const rows = Int32Array.from(cand, (p) => ctx.unlabeled[p]);
      const taken = new Uint8Array(cand.length);
      const picked: number[] = [];
      const scores: number[] = [];
      const fitRows = Array.from(ctx.labeled);
      const fitY = Array.from(ctx.labels);
      let proba = ctx.model.predictProba(ctx.X, rows);
      let u = marginScores(proba, rows.length, K);
      for (;;) {
        let b = -1;
        for (let r = 0; r < rows.length; r++) if (taken[r] === 0 && (b < 0 || u[r] > u[b])) b = r;
        taken[b] = 1;
        picked.push(cand[b]);
        scores.push(u[b]);
        if (picked.length === m) break;
        let yhat = 0;
        for (let c = 1; c < K; c++) if (proba[b * K + c] > proba[b * K + yhat]) yhat = c;
        fitRows.push(rows[b]);
        fitY.push(yhat);
        const model = fitFresh(ctx, Int32Array.from(fitRows), fitY);
        proba = model.predictProba(ctx.X, rows);
        u = marginScores(proba, rows.length, K);
      }
      return selectionFrom(ctx, picked, scores);
    },
  };
}

/**
 * Class-balanced margin (a tuning variant): items in margin order, but at most
 * ceil(share * k / K) of a batch per predicted pair of top-two classes, so a batch does not spend
 * itself on one confused pair; the rest of the batch fills up in margin order.
 */
export function balancedMargin(share: number, name = "balanced_margin"): QueryStrategy {
  return {
    name,
    description: `margin order, at most ${share} x k / K items per confused class pair`,
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const K = ctx.nClasses;
      const m = Math.min(k, n);
      if (m <= 0) return EMPTY_SELECTION;
      const proba = ctx.model.predictProba(ctx.X, ctx.unlabeled);
      const u = marginScores(proba, n, K);
      const order = topK(u, Math.min(n, 50 * m));
      const cap = Math.max(1, Math.ceil((share * m) / K));
      const used = new Map<number, number>();
      const chosen: number[] = [];
      const skipped: number[] = [];
      for (const p of order) {
        if (chosen.length === m) break;
        let a = 0;
        let b = -1;
        for (let c = 1; c < K; c++) {
          const v = proba[p * K + c];
          if (v > proba[p * K + a]) {
            b = a;
            a = c;
          } else if (b < 0 || v > proba[p * K + b]) b = c;
        }
        const pair = Math.min(a, b) * K + Math.max(a, b);
        const have = used.get(pair) ?? 0;
        if (have < cap) {
          used.set(pair, have + 1);
          chosen.push(p);
        } else skipped.push(p);
      }
      for (const p of skipped) if (chosen.length < m) chosen.push(p);
      return selectionFrom(ctx, chosen, chosen.map((p) => u[p]));
    },
  };
}
