/**
 * Stopping criteria: when is labeling more items no longer worth it? A criterion looks at a
 * {@link StopState} (labels spent, the current and previous model's predictions on a fixed *stop
 * set*, an honest accuracy estimate) after every retrain and answers `{ stop, reason }`, the
 * reason a readable sentence with the numbers whether it fires or not.
 *
 * Criteria may keep state between checks (a window of agreements): call `check` once per retrain,
 * in order, and make a fresh criterion per run (the functions below are factories).
 *
 * The stop set is a seeded sample of the pool drawn once (Bloodgood & Vijay-Shanker 2009): the
 * same items are predicted by every model, so successive models can be compared, and uncertainty
 * is measured on a fixed sample rather than the whole pool (cheap on a pool of 10^6 items).
 *
 * @example
 * const criteria = [budget(300), stabilizingPredictions({ kappa: 0.99, window: 3 })];
 * for (const c of criteria) { const { stop, reason } = c.check(state); if (stop) console.log(reason); }
 */
import { BadOptionError } from "../errors.js";

/** What a criterion sees after a retrain. */
export interface StopState {
  /** Labels spent so far. */
  readonly labeled: number;
  readonly nClasses: number;
  /** Current model's class probabilities on the stop set, (m x nClasses) row-major. */
  readonly stopProba: Float64Array;
  /** Current model's predicted class of each stop-set item (length m). */
  readonly stopPredictions: Int32Array;
  /** The previous model's predictions on the same items; null after the first model. */
  readonly previousPredictions: Int32Array | null;
  /** 1 where the stop-set item is labeled by now (uncertainty is measured on the others). */
  readonly stopLabeled: Uint8Array;
  /**
   * An honest accuracy estimate: the accuracy of each model on the batch labeled next, before it
   * was trained on it, pooled over a window of recent batches (see StopMonitor); null before any.
   */
  readonly accuracyEstimate: { readonly value: number; readonly items: number } | null;
}

export interface StopDecision {
  readonly stop: boolean;
  /** A readable sentence with the numbers: why it fires, or why not yet. */
  readonly reason: string;
}

export interface StoppingCriterion {
  /** Short name used in results.json ("stabilizing_predictions"). */
  readonly name: string;
  check(state: StopState): StopDecision;
}

const f3 = (x: number): string => x.toFixed(3);
const f4 = (x: number): string => x.toFixed(4);

function positiveInt(what: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1)) throw new BadOptionError([`${what} must be a whole number >= 1, got ${v}`]);
}

function unitInterval(what: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new BadOptionError([`${what} must be between 0 and 1, got ${v}`]);
}

/** Stops once `n` labels are spent. */
export function budget(n: number): StoppingCriterion {
  positiveInt("budget", n);
  return {
    name: "budget",
    check: (s) =>
      s.labeled >= n
        ? { stop: true, reason: `${s.labeled} labels spent, reaching the budget of ${n}.` }
        : { stop: false, reason: `${s.labeled} of ${n} labels spent.` },
  };
}

/**
 * Stops once the honest accuracy estimate (state.accuracyEstimate) reaches `target`. Based on
 * items a model had not been trained on, it is the "selected accuracy" of Zhu et al. (2008).
 * Under uncertainty sampling the queried items are the hard ones, so the estimate runs low: the
 * criterion errs on the side of stopping late. It waits for at least `minItems` scored items
 * (default 50: on fewer, the estimate's standard error is above 0.05 and a lucky batch fires it).
 */
export function targetAccuracy(target: number, options: { readonly minItems?: number } = {}): StoppingCriterion {
  unitInterval("target accuracy", target);
  const minItems = options.minItems ?? 50;
  return {
    name: "target_accuracy",
    check: (s) => {
      const e = s.accuracyEstimate;
      if (e === null || e.items < minItems) return { stop: false, reason: `no accuracy estimate yet (${e?.items ?? 0} of ${minItems} items scored).` };
      return e.value >= target
        ? { stop: true, reason: `estimated accuracy ${f3(e.value)} (on ${e.items} items before training on them) reached the target ${f3(target)}.` }
        : { stop: false, reason: `estimated accuracy ${f3(e.value)} (on ${e.items} items) is below the target ${f3(target)}.` };
    },
  };
}

/** Cohen's kappa between two label vectors over `nClasses` classes (1 when both are one same constant). */
export function cohenKappa(a: ArrayLike<number>, b: ArrayLike<number>, nClasses: number): number {
  const n = a.length;
  if (n === 0) return NaN;
  const ca = new Float64Array(nClasses);
  const cb = new Float64Array(nClasses);
  let agree = 0;
  for (let i = 0; i < n; i++) {
    ca[a[i]]++;
    cb[b[i]]++;
    if (a[i] === b[i]) agree++;
  }
  const po = agree / n;
  let pe = 0;
  for (let c = 0; c < nClasses; c++) pe += (ca[c] / n) * (cb[c] / n);
  return pe >= 1 ? (po >= 1 ? 1 : 0) : (po - pe) / (1 - pe);
}

/**
 * Stabilizing predictions (Bloodgood & Vijay-Shanker 2009): stops when the mean Cohen's kappa
 * between successive models' predictions on the stop set, over the last `window` pairs, is at
 * least `kappa` (defaults 0.99 and 3, the paper's). `history`: kappas of earlier pairs, oldest
 * first, for a check that resumes a run (a served project after a restart).
 */
export function stabilizingPredictions(options: { readonly kappa?: number; readonly window?: number; readonly history?: readonly number[] } = {}): StoppingCriterion {
  const threshold = options.kappa ?? 0.99;
  const window = options.window ?? 3;
  unitInterval("kappa", threshold);
  positiveInt("window", window);
  const recent: number[] = (options.history ?? []).slice(-window);
  return {
    name: "stabilizing_predictions",
    check: (s) => {
      if (s.previousPredictions === null) return { stop: false, reason: "only one model so far: nothing to compare." };
      recent.push(cohenKappa(s.previousPredictions, s.stopPredictions, s.nClasses));
      if (recent.length > window) recent.shift();
      const m = recent.reduce((x, y) => x + y, 0) / recent.length;
      if (recent.length < window) return { stop: false, reason: `${recent.length} of ${window} successive-model agreements measured (mean kappa ${f3(m)}).` };
      return m >= threshold
        ? { stop: true, reason: `predictions on the ${s.stopPredictions.length}-item stop set stabilized: mean kappa ${f3(m)} over the last ${window} retrains >= ${f3(threshold)}.` }
        : { stop: false, reason: `mean kappa ${f3(m)} over the last ${window} retrains is below ${f3(threshold)}.` };
    },
  };
}

/** Entropy of each row divided by ln(nClasses): 0 = certain, 1 = uniform. */
export function normalizedEntropy(proba: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  const scale = k > 1 ? 1 / Math.log(k) : 0;
  for (let r = 0; r < n; r++) {
    let h = 0;
    for (let c = 0; c < k; c++) {
      const v = proba[r * k + c];
      if (v > 0) h -= v * Math.log(v);
    }
    out[r] = h * scale;
  }
  return out;
}

/** Normalized entropy of the unlabeled stop-set items, with their count. */
function unlabeledUncertainty(s: StopState): Float64Array {
  const u = normalizedEntropy(s.stopProba, s.stopPredictions.length, s.nClasses);
  return u.filter((_, i) => s.stopLabeled[i] === 0);
}

/**
 * Overall uncertainty (Zhu, Wang & Hovy 2008): stops when the mean normalized entropy (entropy /
 * ln nClasses, in [0, 1]) of the unlabeled stop-set items falls below `threshold`.
 */
export function overallUncertainty(threshold: number): StoppingCriterion {
  unitInterval("overall uncertainty threshold", threshold);
  return {
    name: "overall_uncertainty",
    check: (s) => {
      const u = unlabeledUncertainty(s);
      if (u.length === 0) return { stop: true, reason: "every stop-set item is labeled: no uncertainty left to measure." };
      const m = u.reduce((x, y) => x + y, 0) / u.length;
      return m < threshold
        ? { stop: true, reason: `mean uncertainty ${f4(m)} over ${u.length} unlabeled stop-set items fell below ${f3(threshold)}.` }
        : { stop: false, reason: `mean uncertainty ${f4(m)} over ${u.length} unlabeled stop-set items is not below ${f3(threshold)}.` };
    },
  };
}

/**
 * Max uncertainty (Zhu, Wang & Hovy 2008): stops when even the most uncertain unlabeled stop-set
 * item has normalized entropy below `threshold`.
 */
export function maxUncertainty(threshold: number): StoppingCriterion {
  unitInterval("max uncertainty threshold", threshold);
  return {
    name: "max_uncertainty",
    check: (s) => {
      const u = unlabeledUncertainty(s);
      if (u.length === 0) return { stop: true, reason: "every stop-set item is labeled: no uncertainty left to measure." };
      let m = 0;
      for (const v of u) if (v > m) m = v;
      return m < threshold
        ? { stop: true, reason: `the most uncertain of ${u.length} unlabeled stop-set items has uncertainty ${f4(m)}, below ${f3(threshold)}.` }
        : { stop: false, reason: `the most uncertain unlabeled stop-set item has uncertainty ${f4(m)}, not below ${f3(threshold)}.` };
    },
  };
}

/**
 * Classification change (Zhu, Wang & Hovy 2008): stops when no prediction on the stop set changed
 * between the previous model and the current one.
 */
export function classificationChange(): StoppingCriterion {
  return {
    name: "classification_change",
    check: (s) => {
      if (s.previousPredictions === null) return { stop: false, reason: "only one model so far: nothing to compare." };
      let changed = 0;
      for (let i = 0; i < s.stopPredictions.length; i++) if (s.stopPredictions[i] !== s.previousPredictions[i]) changed++;
      return changed === 0
        ? { stop: true, reason: `no prediction on the ${s.stopPredictions.length}-item stop set changed at ${s.labeled} labels.` }
        : { stop: false, reason: `${changed} of ${s.stopPredictions.length} stop-set predictions changed at ${s.labeled} labels.` };
    },
  };
}

/**
 * Holds `criterion` back until `labels` labels are spent (it is still checked every time, so its
 * windows fill). A model of a handful of labels can be confidently wrong everywhere and change
 * nothing on the stop set between two retrains; uncertainty and change criteria need a floor.
 */
export function notBefore(labels: number, criterion: StoppingCriterion): StoppingCriterion {
  return {
    name: criterion.name,
    check: (s) => {
      const d = criterion.check(s);
      return d.stop && s.labeled < labels ? { stop: false, reason: `${d.reason.replace(/\.$/, "")}, but fewer than ${labels} labels are spent.` } : d;
    },
  };
}

/**
 * The criteria simulate evaluates, with their defaults: the label budget, target accuracy 0.9
 * (on at least 50 honestly scored items), stabilizing predictions (kappa 0.99 over 3), and from 50
 * labels on: overall uncertainty < 0.1, max uncertainty < 0.5, classification change. Fresh
 * instances on every call.
 */
export function defaultStoppingCriteria(labelBudget: number): StoppingCriterion[] {
  return [
    budget(labelBudget),
    targetAccuracy(0.9),
    stabilizingPredictions({ kappa: 0.99, window: 3 }),
    notBefore(50, overallUncertainty(0.1)),
    notBefore(50, maxUncertainty(0.5)),
    notBefore(50, classificationChange()),
  ];
}
