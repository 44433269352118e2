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
import { NearestCenter, selectionFrom, subsample } from "./helpers.js";
import { gumbelTopK, stochasticLogits } from "./stochastic.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { marginScores } from "./uncertainty.js";

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
      const n = ctx.unlabeled.length;
      const m = Math.min(k, n);
      if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
      const u = marginScores(ctx.model.predictProba(ctx.X, ctx.unlabeled), n, ctx.nClasses);
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
      const n = ctx.unlabeled.length;
      const m = Math.min(k, n);
      if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
      const u = marginScores(ctx.model.predictProba(ctx.X, ctx.unlabeled), n, ctx.nClasses);
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
