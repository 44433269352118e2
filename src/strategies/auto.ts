/**
 * `auto`: active learning by learning (ALBL; Hsu & Lin 2015, "Active Learning by Learning"). A
 * bandit in the style of EXP4.P (Beygelzimer et al. 2011) treats candidate strategies as experts
 * and learns online which to follow.
 *
 * Every query:
 * 1. Each arm gives advice: a probability over the unlabeled items (a deterministic strategy
 *    spreads it evenly over its k picks; the random arm over the whole pool).
 * 2. The query distribution mixes the advice by the arms' weights and a uniform share u:
 *    p(x) = (1 - u) * sum_i share_i * advice_i(x) + u / |U|. The uniform share gives every item
 *    a positive probability, so importance weights exist. It starts high, u = max(uniformShare,
 *    min(1, warmup * nClasses / labels)): half the queries are uniform while there is about one label
 *    per class, fading to the floor (0.1) by five. The arms cover the cold start themselves
 *    (typical_variance begins with typiclust), so the warm-up is short.
 * 3. k items are drawn from p without replacement. Each is remembered with its importance weight
 *    1 / P(x in batch), P approximated by 1 - (1 - p(x))^k (with-replacement inclusion).
 * 4. At the next query, the model trained on that batch is scored by IW-ACC: its accuracy on every
 *    labeled item, each weighted by its importance weight (self-normalised). That reward updates
 *    each arm in proportion to how much of its advice was drawn (EXP4.P's importance-weighted
 *    reward estimate, plus its variance bonus, which keeps rarely drawn arms explored).
 *
 * Items labeled that `auto` did not draw (the initial sample, labels from elsewhere) count as a
 * uniform sample of the pool they came from: weight (|U| + m) / m for m such items seen at once.
 *
 * The theoretical EXP4.P rate (p_min / 2, with one action per pool item) would barely move the
 * weights within a few hundred labels, so the rate is an option (default 0.2 per batch, scaled by
 * 1 - u, the part of the batch that followed the arms). Within a 300-label budget the reward
 * differs little between arms, so auto behaves mostly as an adaptive mixture of its arms plus a
 * tenth of random picks; over longer runs the weights move towards the arms whose batches raise
 * IW-ACC.
 *
 * Arms: a fixed default list, so results do not change when strategies are added to the registry:
 * margin (uncertainty), typical_variance (typical items, then variance reduction, then margin) and
 * representative (uncertainty with k-means diversity): three families that win on different
 * pools. A random arm would duplicate the uniform share. Pass `arms` to bandit over others (each
 * arm is asked every query, so their costs add up). The defaults, uniform share and warm-up were
 * chosen on the tuning seeds 5-24 of the eight shared datasets (docs/strategies.md); the earlier
 * defaults (random, least confidence, margin, entropy; share 0.2; warm-up 2) trailed them on six
 * of the eight.
 *
 * `auto` learns only from ctx.labeled / ctx.labels and the model; it keeps its own state between
 * calls (items drawn and their weights, arm weights), so use one instance per learner (the
 * registry makes a fresh one each time).
 *
 * @example
 * const auto = createAuto(); // or getStrategy("auto")
 * const al = new ActiveLearner({ X, nClasses, model: modelFactory("logreg"), strategy: auto, seed: 0 });
 */
import { BadOptionError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";
import { random } from "./random.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";
import { representative } from "./representative.js";
import { typicalVariance } from "./typical.js";
import { margin } from "./uncertainty.js";

export interface AutoOptions {
  /** Candidate strategies (default margin, typical_variance, representative). */
  readonly arms?: readonly QueryStrategy[];
  /** Share of the query distribution spread uniformly over the pool, at least (default 0.1). */
  readonly uniformShare?: number;
  /**
   * Warm-up: the uniform share is at least warmup * nClasses / (labels so far), capped at 1
   * (default 0.5: half of the queries uniform while there is one label per class, fading out).
   */
  readonly warmup?: number;
  /** Step size of the exponential-weights update, per batch (default 0.2). */
  readonly learningRate?: number;
  /** Weight of EXP4.P's variance bonus, which favours rarely drawn arms (default 0.1). */
  readonly explorationBonus?: number;
}

/** The auto strategy with a view of its bandit, for dashboards and tests. */
export interface AutoStrategy extends QueryStrategy {
  /** Each arm's current share of the non-uniform part of the query distribution. */
  armShares(): { readonly arm: string; readonly share: number }[];
}

export const defaultAutoArms: readonly QueryStrategy[] = [margin, typicalVariance, representative];

interface Pending {
  /** advice[s * nArms + i] = advice of arm i for the s-th drawn item. */
  readonly advice: Float64Array;
  /** Query probability p(x) of each drawn item. */
  readonly p: Float64Array;
  /**
   * sum_x advice_i(x)^2 / p(x) for each arm: the second moment of its reward estimate (EXP4.P
   * bounds it by sum_x advice_i(x) / p(x), which is |U| times too loose for the random arm).
   */
  readonly vhat: Float64Array;
  /** 1 - the uniform share of that query: how much of it followed the arms. */
  readonly focus: number;
}

/** A model view that computes the pool's probabilities once per query for all arms. */
function cachedModel(ctx: QueryContext): QueryContext["model"] {
  let cached: Float64Array | null = null;
  return {
    nClasses: ctx.model.nClasses,
    predictProba(X: Matrix, rows?: Int32Array): Float64Array {
      if (X !== ctx.X || rows !== ctx.unlabeled) return ctx.model.predictProba(X, rows);
      cached ??= ctx.model.predictProba(X, rows);
      return cached;
    },
  };
}

/** Makes a fresh auto strategy (state is per instance). */
export function createAuto(options: AutoOptions = {}): AutoStrategy {
  const arms = options.arms ?? defaultAutoArms;
  const delta = options.uniformShare ?? 0.1;
  const eta = options.learningRate ?? 0.2;
  const bonus = options.explorationBonus ?? 0.1;
  const warmup = options.warmup ?? 0.5;
  const problems: string[] = [];
  if (arms.length === 0) problems.push("auto needs at least one arm");
  if (!(delta > 0 && delta <= 1)) problems.push(`auto: uniformShare must be in (0, 1], got ${delta}`);
  if (!(eta >= 0 && Number.isFinite(eta))) problems.push(`auto: learningRate must be >= 0, got ${eta}`);
  if (problems.length > 0) throw new BadOptionError(problems);
  const nArms = arms.length;
  const logW = new Float64Array(nArms);
  /** Importance weight of every labeled pool item auto knows about. */
  const weight = new Map<number, number>();
  let pending: Pending | null = null;

  const shares = (): Float64Array => {
    let max = -Infinity;
    for (const v of logW) if (v > max) max = v;
    const s = Float64Array.from(logW, (v) => Math.exp(v - max));
    const total = s.reduce((a, b) => a + b, 0);
    for (let i = 0; i < nArms; i++) s[i] /= total;
    return s;
  };

  /** Self-normalised importance-weighted accuracy of the current model on the labeled items. */
  const iwAccuracy = (ctx: QueryContext): number => {
    const n = ctx.labeled.length;
    if (n === 0) return NaN;
    const k = ctx.nClasses;
    const proba = ctx.model.predictProba(ctx.X, ctx.labeled);
    let num = 0;
    let den = 0;
    for (let t = 0; t < n; t++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (proba[t * k + c] > proba[t * k + best]) best = c;
      const w = weight.get(ctx.labeled[t]) ?? 1;
      den += w;
      if (best === ctx.labels[t]) num += w;
    }
    return num / den;
  };

  const learn = (ctx: QueryContext, p: Pending): void => {
    const r = iwAccuracy(ctx);
    if (!Number.isFinite(r)) return;
    const drawn = p.p.length;
    for (let i = 0; i < nArms; i++) {
      let yhat = 0;
      for (let s = 0; s < drawn; s++) yhat += (p.advice[s * nArms + i] * r) / p.p[s];
      yhat /= Math.max(1, drawn);
      logW[i] += eta * p.focus * (yhat + bonus * p.vhat[i]);
    }
  };

  return {
    name: "auto",
    description: "a bandit over strategies that learns which to follow (active learning by learning)",
    armShares: () => Array.from(shares(), (share, i) => ({ arm: arms[i].name, share })),
    select(ctx: QueryContext, k: number): Selection {
      const nU = ctx.unlabeled.length;
      // Labels auto did not draw count as one uniform sample of the pool they came from.
      const unseen = Array.from(ctx.labeled).filter((i) => !weight.has(i));
      for (const i of unseen) weight.set(i, (nU + unseen.length) / unseen.length);
      if (pending !== null) learn(ctx, pending);
      pending = null;
      const m = Math.min(k, nU);
      if (m <= 0) return { indices: new Int32Array(0), scores: new Float64Array(0) };

      // Advice of each arm, as (position in unlabeled -> probability); null = uniform.
      const posOf = new Map<number, number>();
      for (let t = 0; t < nU; t++) posOf.set(ctx.unlabeled[t], t);
      const view: QueryContext = { ...ctx, model: cachedModel(ctx) };
      const advice: (Map<number, number> | null)[] = arms.map((arm) => {
        if (arm.name === random.name) return null;
        const picks = arm.select(view, m).indices;
        const a = new Map<number, number>();
        for (const i of picks) {
          const pos = posOf.get(i);
          if (pos !== undefined) a.set(pos, 1 / picks.length);
        }
        return a.size > 0 ? a : null;
      });
      const share = shares();
      const du = Math.max(delta, Math.min(1, (warmup * ctx.nClasses) / Math.max(1, ctx.labeled.length)));
      let uniformMass = du;
      for (let i = 0; i < nArms; i++) if (advice[i] === null) uniformMass += (1 - du) * share[i];
      const p = new Float64Array(nU).fill(uniformMass / nU);
      for (let i = 0; i < nArms; i++) {
        const a = advice[i];
        if (a !== null) for (const [pos, v] of a) p[pos] += (1 - du) * share[i] * v;
      }
      const adviceAt = (i: number, pos: number): number => {
        const a = advice[i];
        return a === null ? 1 / nU : (a.get(pos) ?? 0);
      };
      const vhat = new Float64Array(nArms);
      for (let i = 0; i < nArms; i++) {
        const a = advice[i];
        if (a === null) for (let pos = 0; pos < nU; pos++) vhat[i] += 1 / nU / nU / p[pos];
        else for (const [pos, v] of a) vhat[i] += (v * v) / p[pos];
      }

      // Draw m items from p without replacement.
      const left = Float64Array.from(p);
      let mass = 1;
      const drawnPos = new Int32Array(m);
      for (let s = 0; s < m; s++) {
        let u = ctx.rng.next() * mass;
        let pick = -1;
        for (let pos = 0; pos < nU; pos++) {
          if (left[pos] === 0) continue;
          pick = pos;
          u -= left[pos];
          if (u < 0) break;
        }
        drawnPos[s] = pick;
        mass -= left[pick];
        left[pick] = 0;
      }

      const indices = new Int32Array(m);
      const scores = new Float64Array(m);
      const adv = new Float64Array(m * nArms);
      const pDrawn = new Float64Array(m);
      for (let s = 0; s < m; s++) {
        const pos = drawnPos[s];
        indices[s] = ctx.unlabeled[pos];
        scores[s] = p[pos];
        pDrawn[s] = p[pos];
        for (let i = 0; i < nArms; i++) adv[s * nArms + i] = adviceAt(i, pos);
        weight.set(indices[s], 1 / -Math.expm1(m * Math.log1p(-Math.min(p[pos], 1 - 1e-12))));
      }
      pending = { advice: adv, p: pDrawn, vhat, focus: 1 - du };
      return { indices, scores };
    },
  };
}
