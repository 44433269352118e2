/**
 * The live project's honest figures and stopping advice, shared by the server (GET /api/stats,
 * /api/dashboard) and `activelearn status` (which reads the store without a server).
 *
 * One accuracy is the headline: the model's accuracy over the whole pool, estimated by
 * cross-validation on the random audit picks (every auditEvery-th item served is drawn uniformly
 * from the pool, so those labels are a random sample of it). It carries its sample size and a
 * 95% Wilson interval, and is not shown as a figure below {@link MIN_ESTIMATE_N} picks. The other
 * figures are shown for what they are: test-then-train on new labels (mostly the strategy's
 * picks, the items the model was least sure of: accuracy on hard items), and cross-validation on
 * imported labels (not a random sample of the pool; the headline only when every item is labeled
 * and no audit pick exists).
 *
 * Stopping: the criteria of `simulate` (src/loop/stopping.ts) are checked after every retrain
 * ({@link checkCriteria}); the advice says "you can stop now" when the budget is spent, the
 * target accuracy is reached, nothing is left to label, or at least two of the four model-based
 * criteria (stabilizing predictions, overall and max uncertainty, classification change) agree.
 *
 * @example
 * const criteria = checkCriteria({ ... }).criteria;
 * const advice = stoppingAdvice({ criteria, headline, spent: 120, budget: 500, ... });
 * console.log(advice.sentence); // "Keep labeling: ..."
 */
import { wilson } from "../eval/metrics.js";
import {
  budget as budgetCriterion,
  classificationChange,
  cohenKappa,
  maxUncertainty,
  notBefore,
  overallUncertainty,
  stabilizingPredictions,
  targetAccuracy,
  type StoppingCriterion,
} from "../loop/stopping.js";
import { stopStateOf } from "../loop/stop-monitor.js";
import type { Figure as ContractFigure } from "../contract/schemas.js";
import type { Assessment, CriterionState, Iteration } from "../store/types.js";
import { expectedGain, MIN_AUDIT } from "./learning-curve.js";
import { MIN_ESTIMATE_N, type PowerLaw } from "./retrain-jobs.js";

export { MIN_ESTIMATE_N };

/** Random audit picks the target-accuracy criterion waits for (as simulate's default). */
export const TARGET_MIN_ITEMS = 50;
/** Labels before the uncertainty and change criteria may fire (as simulate's defaults). */
export const MODEL_CRITERIA_FLOOR = 50;
const KAPPA = 0.99;
const KAPPA_WINDOW = 3;
/** The criteria that read the model (two of them must agree for a stop). */
const MODEL_BASED = ["stabilizing_predictions", "overall_uncertainty", "max_uncertainty", "classification_change"];
const WORDS: Record<string, string> = {
  budget: "the budget",
  target_accuracy: "the target accuracy",
  stabilizing_predictions: "stabilizing predictions",
  overall_uncertainty: "overall uncertainty",
  max_uncertainty: "max uncertainty",
  classification_change: "classification change",
};

/**
 * An accuracy with its sample size and 95% Wilson interval; `value` is null below the minimum n.
 * Its shape is the contract's (src/contract/schemas.ts FigureSchema), so the two cannot drift.
 */
export type Figure = Readonly<ContractFigure>;

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** A figure from an accuracy measured on `n` items (`unit` names them: "random picks"). */
export function figure(kind: Figure["kind"], label: string, method: string, accuracy: number | null, n: number, unit: string, missing: string): Figure {
  if (accuracy === null || n < MIN_ESTIMATE_N) {
    const text = n === 0 && accuracy === null ? missing : `not enough ${unit} yet (${n} of ${MIN_ESTIMATE_N})`;
    return { kind, label, value: null, n, low: null, high: null, text, method };
  }
  const w = wilson(Math.round(accuracy * n), n);
  return { kind, label, value: round4(accuracy), n, low: round4(w.low), high: round4(w.high), text: `${pct(accuracy)} (95% interval ${pct(w.low)}–${pct(w.high)}, ${n} ${unit})`, method };
}

export interface AccuracyInput {
  /** The latest retrain (its audit cross-validation and assessment), if any. */
  readonly latest: Iteration | undefined;
  /** Test-then-train counts of the current (or last measured) model. */
  readonly hard: { readonly correct: number; readonly n: number } | null;
  readonly labeled: number;
  readonly total: number;
  /** Items whose current label was imported at init. */
  readonly importedLabels: number;
}

export interface AccuracyReport {
  /** The honest headline: accuracy over the whole pool. */
  readonly headline: Figure;
  /** The other figures, labeled for what they are. */
  readonly others: readonly Figure[];
  /** Why imported labels do or do not count in the headline. */
  readonly importedLabels: string;
}

const POOL_METHOD =
  "cross-validated on the random audit picks: every 10th item served is drawn uniformly from the unlabeled pool, so their labels are a random sample of it; each is scored by a model trained on every other label (5 folds). This is the estimate of the model's accuracy over the whole pool.";
const HARD_METHOD =
  "test-then-train: each new label is compared with the prediction of the model current when it arrived (never trained on it), pooled over the latest models until 50 labels. Most new labels are the strategy's picks, the items the model was least sure of, so this runs below the pool's accuracy: it is the accuracy on hard items.";
const IMPORTED_METHOD =
  "cross-validated on the labels imported at init (5 folds: each scored by a model trained on every other label). Imported labels were not drawn at random from the pool, so this says how the model does on items like them.";

/** The headline accuracy and the others, each with its interval or why it is not shown. */
export function accuracyReport(o: AccuracyInput): AccuracyReport {
  const latest = o.latest;
  const a: Assessment | null = latest?.assessment ?? null;
  const holdoutN = latest?.holdoutN ?? 0;
  const pool = figure("pool", "estimated accuracy over the whole pool", POOL_METHOD, latest?.holdoutAccuracy ?? null, holdoutN, "random picks", latest === undefined ? "no model yet" : `not enough random picks yet (0 of ${MIN_ESTIMATE_N})`);
  const hard = figure("hard_items", "accuracy on hard items (test-then-train on new labels)", HARD_METHOD, o.hard === null || o.hard.n === 0 ? null : o.hard.correct / o.hard.n, o.hard?.n ?? 0, "new labels", "no labels since the first model yet");
  const imp = a?.imported == null ? null : figure("imported", "cross-validated on imported labels", IMPORTED_METHOD, a.imported.accuracy, a.imported.n, "imported labels", "no imported labels");
  const allImported = o.labeled === o.total && o.total > 0 && o.importedLabels === o.labeled;
  let headline = pool;
  const others: Figure[] = [hard];
  if (pool.value === null && imp !== null && imp.value !== null && allImported) {
    headline = { ...imp, label: "estimated accuracy: cross-validated on the imported labels (every item is labeled, all by import)" };
    others.push(pool);
  } else if (imp !== null) others.push(imp);
  let importedLabels: string;
  if (o.importedLabels === 0) importedLabels = "No labels were imported.";
  else if (headline.kind === "imported")
    importedLabels = `All ${o.importedLabels} labels were imported and nothing is left to label, so the estimate is cross-validated on them; it says how the model does on items like them.`;
  else
    importedLabels = `The ${o.importedLabels} imported labels train the model but do not count in the estimate: they were not drawn at random from the pool, so they may be easier or harder than the rest.`;
  return { headline, others, importedLabels };
}

export interface CriteriaInput {
  /** Labels the model was trained on (imported included). */
  readonly labeled: number;
  /** Labels given in the app (the budget counts these). */
  readonly spent: number;
  readonly nClasses: number;
  readonly stopProba: Float64Array;
  /** The previous model's stop-set predictions; null after the first model or a restart without them. */
  readonly previousPredictions: Int32Array | null;
  /** 1 where the stop-set item is labeled. */
  readonly stopLabeled: Uint8Array;
  /** Kappas of earlier retrains, oldest first (for the stabilizing-predictions window). */
  readonly kappaHistory: readonly number[];
  /** The headline accuracy, for the target. */
  readonly headline: Figure;
  readonly budget: number | null;
  readonly target: number | null;
}

/** The budget criterion against the labels spent now, or "off". */
export function budgetState(spent: number, budget: number | null): CriterionState {
  if (budget === null) return { name: "budget", state: "off", reason: "no budget set (init or serve --budget N)." };
  const d = budgetCriterion(budget).check({ labeled: spent, nClasses: 2, stopProba: new Float64Array(0), stopPredictions: new Int32Array(0), previousPredictions: null, stopLabeled: new Uint8Array(0), accuracyEstimate: null });
  return { name: "budget", state: d.stop ? "fired" : "waiting", reason: d.reason.replace("labels spent", "labels given in the app") };
}

/**
 * Every criterion checked against a new model (fresh criteria each call: their windows come from
 * `kappaHistory`), and the kappa of this model against the previous one.
 */
export function checkCriteria(o: CriteriaInput): { criteria: CriterionState[]; kappa: number | null; stopPredictions: Int32Array } {
  const k = o.nClasses;
  const m = o.stopLabeled.length;
  const prev = o.previousPredictions !== null && o.previousPredictions.length === m ? o.previousPredictions : null;
  const h = o.headline;
  // The same state simulate's StopMonitor gives the criteria.
  const state = stopStateOf({
    labeled: o.labeled,
    nClasses: k,
    stopProba: o.stopProba,
    previousPredictions: prev,
    stopLabeled: o.stopLabeled,
    accuracyEstimate: h.value === null ? (h.n > 0 ? { value: 0, items: h.n } : null) : { value: h.value, items: h.n },
  });
  const pred = state.stopPredictions;
  const kappa = prev === null ? null : cohenKappa(prev, pred, k);
  const out: CriterionState[] = [budgetState(o.spent, o.budget)];
  const run = (c: StoppingCriterion): CriterionState => {
    const d = c.check(state);
    return { name: c.name, state: d.stop ? "fired" : "waiting", reason: d.reason };
  };
  if (o.target === null) out.push({ name: "target_accuracy", state: "off", reason: "no target set (init or serve --target-accuracy 0.9)." });
  else {
    const t = run(targetAccuracy(o.target, { minItems: TARGET_MIN_ITEMS }));
    out.push({ ...t, reason: t.reason.replace("items scored", "random picks").replace(/\(on (\d+) items before training on them\)/, "(on $1 random picks)").replace(/\(on (\d+) items\)/, "(on $1 random picks)") });
  }
  // The window: this model's kappa plus the consecutive earlier ones.
  out.push(run(stabilizingPredictions({ kappa: KAPPA, window: KAPPA_WINDOW, history: prev === null ? [] : o.kappaHistory.slice(-(KAPPA_WINDOW - 1)) })));
  out.push(run(notBefore(MODEL_CRITERIA_FLOOR, overallUncertainty(0.1))));
  out.push(run(notBefore(MODEL_CRITERIA_FLOOR, maxUncertainty(0.5))));
  out.push(run(notBefore(MODEL_CRITERIA_FLOOR, classificationChange())));
  return { criteria: out, kappa, stopPredictions: pred };
}

/** New labels the test-then-train figure pools (over the latest models) before it stops adding older ones. */
export const HARD_POOL = 50;

/**
 * Test-then-train counts pooled over the latest models, as simulate's accuracy estimate pools its
 * last batches: the current model's labels since it was installed, then each earlier model's, newest
 * first, until {@link HARD_POOL} labels (one model sees only `retrainEvery` labels, too few alone).
 */
export function pooledTestThenTrain(current: { readonly correct: number; readonly n: number }, iterations: readonly Iteration[]): { correct: number; n: number; models: number } | null {
  let correct = current.correct;
  let n = current.n;
  let models = n > 0 ? 1 : 0;
  for (let i = iterations.length - 1; i >= 0 && n < HARD_POOL; i--) {
    const it = iterations[i];
    if (it.accuracy === null || it.accuracyN === 0) continue;
    correct += Math.round(it.accuracy * it.accuracyN);
    n += it.accuracyN;
    models++;
  }
  return n === 0 ? null : { correct, n, models };
}

/** The consecutive kappas before the next retrain, oldest first (a null breaks the run). */
export function kappaHistory(iterations: readonly Iteration[]): number[] {
  const out: number[] = [];
  for (let i = iterations.length - 1; i >= 0 && out.length < KAPPA_WINDOW; i--) {
    const k = iterations[i].assessment?.kappa;
    if (k === null || k === undefined) break;
    out.unshift(k);
  }
  return out;
}

export interface Advice {
  /** True: "you can stop now". */
  readonly stop: boolean;
  /** One plain paragraph: keep labeling / you can stop now, why, the accuracy, what 100 more labels add. */
  readonly sentence: string;
  /** Each criterion's state and reason (after the last retrain; the budget as of now). */
  readonly criteria: readonly CriterionState[];
  /** Names of the criteria that fired. */
  readonly agree: readonly string[];
  /** The headline accuracy the advice quotes. */
  readonly accuracy: Figure;
  /** Accuracy points (0..1) the next 100 labels are expected to add, with a range; null = unknown. */
  readonly next100: { readonly gain: number; readonly low: number; readonly high: number } | null;
  readonly next100Text: string;
  readonly budget: { readonly limit: number; readonly spent: number; readonly reached: boolean } | null;
  readonly target: { readonly accuracy: number; readonly reached: boolean } | null;
}

export interface AdviceInput {
  /** The stored criteria of the last retrain (empty before the first). */
  readonly criteria: readonly CriterionState[];
  readonly headline: Figure;
  readonly randomCurve: PowerLaw | null;
  /** Random audit picks labeled so far. */
  readonly auditPicks: number;
  readonly spent: number;
  readonly labeled: number;
  readonly total: number;
  readonly budget: number | null;
  readonly target: number | null;
  /** Retrains so far. */
  readonly retrains: number;
}

const list = (names: readonly string[]): string => {
  const w = names.map((n) => WORDS[n] ?? n.replace(/_/g, " "));
  return w.length <= 1 ? (w[0] ?? "") : `${w.slice(0, -1).join(", ")} and ${w[w.length - 1]}`;
};

/** The advice: the rule in the module comment, in one paragraph with the numbers. */
export function stoppingAdvice(o: AdviceInput): Advice {
  const criteria = o.criteria.length === 0 ? [] : [budgetState(o.spent, o.budget), ...o.criteria.filter((c) => c.name !== "budget")];
  const agree = criteria.filter((c) => c.state === "fired").map((c) => c.name);
  const models = agree.filter((n) => MODEL_BASED.includes(n));
  const nothingLeft = o.total > 0 && o.labeled >= o.total;
  const budgetReached = o.budget !== null && o.spent >= o.budget;
  const targetReached = agree.includes("target_accuracy");
  const stop = nothingLeft || budgetReached || targetReached || models.length >= 2;
  let first: string;
  if (nothingLeft) first = "You can stop now: every item is labeled.";
  else if (stop) first = `You can stop now: ${list(agree)} ${agree.length > 1 ? "agree" : "says so"}.`;
  else if (o.criteria.length === 0 && o.retrains > 0) first = "Keep labeling: the stopping criteria have not been checked on this model yet (they run after each retrain).";
  else if (o.criteria.length === 0) first = "Keep labeling: the stopping criteria are checked after each retrain, and there is no model yet.";
  else if (agree.length === 0) first = "Keep labeling: no stopping criterion has fired yet.";
  else first = `Keep labeling: only ${list(agree)} fired; stopping needs the budget, the target, or two of the four model-based criteria to agree.`;
  const h = o.headline;
  const acc = h.value === null ? `Accuracy: ${h.text}.` : `${h.label[0].toUpperCase()}${h.label.slice(1)}: ${h.text}.`;
  let next100: Advice["next100"] = null;
  let next100Text: string;
  if (nothingLeft) next100Text = "No items are left to label.";
  else if (o.randomCurve === null && o.auditPicks < MIN_AUDIT) next100Text = `What the next 100 labels would add is unknown yet: the learning curve needs ${MIN_AUDIT} random picks (${o.auditPicks} so far).`;
  else if (o.randomCurve === null) next100Text = `What the next 100 labels would add is unknown: the learning curve fitted on the ${o.auditPicks} random picks does not fall.`;
  else if (h.value === null) next100Text = "What the next 100 labels would add is unknown: there is no accuracy estimate yet.";
  else {
    const g = expectedGain(o.randomCurve, h.value, 100);
    if (g === null) next100Text = "What the next 100 labels would add is unknown.";
    else {
      next100 = { gain: round4(g.gain), low: round4(g.low), high: round4(g.high) };
      const pts = (x: number): string => (100 * x).toFixed(1);
      next100Text = `The next 100 labels are expected to add ${pts(g.gain)} accuracy points (range ${pts(g.low)} to ${pts(g.high)}, from the learning curve fitted on ${o.randomCurve.n} random picks).`;
    }
  }
  return {
    stop,
    sentence: `${first} ${acc} ${next100Text}`,
    criteria,
    agree,
    accuracy: h,
    next100,
    next100Text,
    budget: o.budget === null ? null : { limit: o.budget, spent: o.spent, reached: budgetReached },
    target: o.target === null ? null : { accuracy: o.target, reached: targetReached },
  };
}

/** Problems with a budget and a target accuracy given as options (empty = fine). */
export function stopSettingProblems(budget: number | undefined, target: number | undefined): string[] {
  const out: string[] = [];
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) out.push(`--budget must be a whole number >= 1, got ${budget}`);
  if (target !== undefined && !(target > 0 && target < 1)) out.push(`--target-accuracy must be a proportion between 0 and 1 (e.g. 0.9), got ${target}`);
  return out;
}
