/**
 * Error-based strategies.
 *
 * - `eer`, expected error reduction (Roy & McCallum 2001, "Toward optimal active learning through
 *   sampling estimation of error reduction"), log-loss form: for a candidate x and each label y,
 *   refit the model on L ∪ {(x, y)} (warm-started from the current model) and measure the expected
 *   log loss on the unlabeled pool, estimated by the entropy of the refitted model's predictions,
 *   H_{x,y} = (1/|E|) sum_{u in E} H(p'(.|u)). Score = H_0 - sum_y p(y|x) H_{x,y}, the expected
 *   reduction from the current model's H_0 (higher = better). To bound the cost (|candidates| x K
 *   refits), candidates are the 50 (at least k) most uncertain unlabeled items by margin, E is a
 *   seeded subsample of at most 500 unlabeled items, and labels with p(y|x) < 0.01 are skipped
 *   (the expectation is renormalised over the labels kept). Batch = top k by score.
 * - `error_prediction`: learn where the classifier is wrong. Out-of-fold predictions on the
 *   labeled set (5 seeded folds, each model fitted from scratch on the other folds) give a 0/1
 *   target "misclassified" and an out-of-fold margin uncertainty per labeled item; a second
 *   logistic model (ctx.newModel(2)) is fitted on [x, margin uncertainty] -> misclassified and
 *   scores each unlabeled item by its predicted error probability, fed with the current model's
 *   margin uncertainty. With fewer than 10 labels, or fewer than 3 misclassified or 3 correct
 *   out-of-fold items, there is nothing to learn from and it falls back to margin uncertainty.
 *   The margin input lets the error model learn how uncertainty maps to mistakes, and the raw
 *   features where in the space mistakes concentrate.
 */
import { classCounts, fitFresh, range, selectionFrom, subsample, withExtraColumn } from "./helpers.js";
import { topK } from "./topk.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { entropyScores, leastConfidenceScores, marginScores, selectByScores } from "./uncertainty.js";

const EER_CANDIDATES = 50;
const EER_EVAL = 500;
const EER_MIN_P = 0.01;
/**
 * Tolerance of the look-ahead refits (per-label gradient, as LogisticRegression's `tol`): they only
 * rank candidates by an expected loss, so they stop 100 times sooner than a fit that serves
 * predictions (1e-7); measured in docs/strategies.md (same AULC, a third of the time).
 */
export const EER_LOOKAHEAD_TOL = 1e-5;

/** Mean over rows of a per-row loss estimate: entropy (log loss) or 1 - max p (0/1 loss). */
function meanLoss(proba: Float64Array, n: number, K: number, loss: EerLoss): number {
  const h = (loss === "log" ? entropyScores : leastConfidenceScores)(proba, n, K);
  let s = 0;
  for (let r = 0; r < n; r++) s += h[r];
  return s / Math.max(1, n);
}

/** The loss whose expected reduction `eer` scores. */
export type EerLoss = "log" | "zero_one";

/**
 * Expected error reduction with the given loss; "log" is the registered `eer`, "zero_one" (Roy &
 * McCallum's 0/1 form, the expected number of mistakes sum_u 1 - max_y p'(y|u)) a variant.
 */
export function expectedErrorReduction(loss: EerLoss = "log", name = "eer"): QueryStrategy {
  return {
    name,
    description: `expected error reduction (${loss === "log" ? "log" : "0/1"} loss) over the 50 most uncertain items`,
    select(ctx: QueryContext, k: number): Selection {
      const n = ctx.unlabeled.length;
      const K = ctx.nClasses;
      const m = Math.min(k, n);
      if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };
      const proba = ctx.model.predictProba(ctx.X, ctx.unlabeled);
      const cand = topK(marginScores(proba, n, K), Math.max(m, EER_CANDIDATES));
      const evalRows = subsample(ctx.unlabeled, EER_EVAL, ctx.rng);
      const h0 = meanLoss(ctx.model.predictProba(ctx.X, evalRows), evalRows.length, K, loss);
      const L = ctx.labeled.length;
      const rows = new Int32Array(L + 1);
      rows.set(ctx.labeled);
      const y = new Int32Array(L + 1);
      y.set(ctx.labels);
      const reduction = new Float64Array(cand.length);
      for (let t = 0; t < cand.length; t++) {
        const p = cand[t];
        rows[L] = ctx.unlabeled[p];
        let expected = 0;
        let mass = 0;
        for (let c = 0; c < K; c++) {
          const pc = proba[p * K + c];
          if (pc < EER_MIN_P) continue;
          y[L] = c;
          const refit = fitFresh(ctx, rows, y, EER_LOOKAHEAD_TOL);
          expected += pc * meanLoss(refit.predictProba(ctx.X, evalRows), evalRows.length, K, loss);
          mass += pc;
        }
        reduction[t] = h0 - expected / mass;
      }
      const order = topK(reduction, m);
      return selectionFrom(ctx, Array.from(order, (o) => cand[o]), Array.from(order, (o) => reduction[o]));
    },
  };
}

export const eer: QueryStrategy = expectedErrorReduction("log", "eer");

const FOLDS = 5;
const MIN_LABELS = 10;
const MIN_EACH = 3;

/**
 * Out-of-fold class probabilities of the labeled items (L x K, labeling order), 5 seeded folds,
 * each fold's model fitted from scratch on the other folds.
 */
export function outOfFoldProba(ctx: QueryContext): Float64Array {
  const L = ctx.labeled.length;
  const K = ctx.nClasses;
  const perm = ctx.rng.shuffle(range(L));
  const out = new Float64Array(L * K);
  for (let f = 0; f < FOLDS; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let t = 0; t < L; t++) (t % FOLDS === f ? test : train).push(perm[t]);
    if (test.length === 0 || train.length === 0) continue;
    const model = ctx.newModel(K).fit(ctx.X, train.map((r) => ctx.labels[r]), { rows: Int32Array.from(train, (r) => ctx.labeled[r]) });
    const p = model.predictProba(ctx.X, Int32Array.from(test, (r) => ctx.labeled[r]));
    test.forEach((r, t) => out.set(p.subarray(t * K, (t + 1) * K), r * K));
  }
  return out;
}

export const errorPrediction: QueryStrategy = {
  name: "error_prediction",
  description: "a second model trained on out-of-fold mistakes predicts where the classifier errs",
  select(ctx: QueryContext, k: number): Selection {
    const n = ctx.unlabeled.length;
    const K = ctx.nClasses;
    const L = ctx.labeled.length;
    const uPool = marginScores(ctx.model.predictProba(ctx.X, ctx.unlabeled), n, K);
    if (L < MIN_LABELS) return selectByScores(ctx, uPool, k);
    const oof = outOfFoldProba(ctx);
    const wrong = new Int32Array(L);
    for (let r = 0; r < L; r++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (oof[r * K + c] > oof[r * K + best]) best = c;
      wrong[r] = best === ctx.labels[r] ? 0 : 1;
    }
    const counts = classCounts(wrong, 2);
    if (counts[0] < MIN_EACH || counts[1] < MIN_EACH) return selectByScores(ctx, uPool, k);
    const uLab = marginScores(oof, L, K);
    const rows = new Int32Array(L + n);
    rows.set(ctx.labeled);
    rows.set(ctx.unlabeled, L);
    const extra = new Float64Array(L + n);
    extra.set(uLab);
    extra.set(uPool, L);
    const Z = withExtraColumn(ctx.X, rows, extra);
    const errModel = ctx.newModel(2).fit(Z, wrong, { rows: range(L) });
    const pe = errModel.predictProba(Z, Int32Array.from({ length: n }, (_, i) => L + i));
    const scores = new Float64Array(n);
    for (let r = 0; r < n; r++) scores[r] = pe[r * 2 + 1];
    return selectByScores(ctx, scores, k);
  },
};
