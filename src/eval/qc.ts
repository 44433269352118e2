/**
 * Noisy annotators and quality-control policies in simulation (`simulate --annotators
 * 0.95,0.85,0.7 --qc none,overlap2,adaptive,review-suspects`): the loop of run.ts, but every
 * label comes from a simulated annotator who is sometimes wrong, and a policy decides how many
 * labels an item gets. Every label given costs one unit, whether a first label, an overlap label
 * or a review, and every policy spends the same budget of units, so the curves compare what
 * quality control buys against what it costs.
 *
 * - `none`: one label per item, from an annotator drawn at random.
 * - `overlap2`: two labels per item from two distinct annotators; they agree, or the item is in
 *   dispute and does not train (as in a served project).
 * - `adaptive`: two labels, and a third from another annotator when they disagree; the majority
 *   trains, a three-way split does not.
 * - `review-suspects`: one label per item; after every retrain the labeled items whose
 *   label confident learning finds likely wrong go to review (the served project's rule,
 *   quality/model-review.ts: 5 out-of-fold folds, once two labels have 10 items each), where
 *   the most accurate annotator (the senior reviewer; their accuracy is what the admin knows from
 *   gold items) labels them again and their label is final. At most half a batch's units go to
 *   reviews; an item is reviewed once.
 *
 * Annotator draws and their errors are a hash of (seed, item, which label), so all policies of a
 * seed see the same first label on the same item; the folds and the strategy's draws come from
 * the seed too.
 *
 * @example
 * const ann = annotatorsFromAccuracies([0.95, 0.85, 0.7], 3);
 * const run = simulateQcRun(prep, 3, getStrategy("margin"), 0, protocol, ann, "adaptive");
 * run.accuracy.at(-1); // test accuracy after the budget
 */
import { BadOptionError } from "../errors.js";
import { Pcg64 } from "../linalg/pcg64.js";
import { unitHash } from "../linalg/hash.js";
import { Rng } from "../linalg/rng.js";
import { fitLabeled, selectNext, unlabeledRows } from "../loop/round.js";
import { modelFactory } from "../models/registry.js";
import { labeledOutOfFold, modelSuspects } from "../quality/model-review.js";
import { majorityClass } from "../quality/vote-consensus.js";
import type { Classifier } from "../models/types.js";
import type { QueryStrategy } from "../strategies/types.js";
import { accuracy, argmaxRows } from "./metrics.js";
import type { PreparedSplit, ProtocolOptions } from "./run.js";

export type QcPolicy = "none" | "overlap2" | "adaptive" | "review-suspects";
export const QC_POLICIES: readonly QcPolicy[] = ["none", "overlap2", "adaptive", "review-suspects"];

/** The draw number of a review (apart from the item's first, second and third labels). */
const REVIEW_DRAW = 99;

/** A simulated annotator: `confusion[t][g]` = P(they give class g | the true class is t). */
export interface SimAnnotator {
  readonly name: string;
  readonly confusion: readonly Float64Array[];
  /** Their accuracy averaged over classes (the mean of the confusion matrix's diagonal). */
  readonly accuracy: number;
}

/** Annotators of the given accuracies whose errors fall uniformly on the other classes. */
export function annotatorsFromAccuracies(accuracies: readonly number[], nClasses: number): SimAnnotator[] {
  return accuracies.map((a, i) => ({
    name: `a${i + 1}`,
    accuracy: a,
    confusion: Array.from({ length: nClasses }, (_, t) => Float64Array.from({ length: nClasses }, (_, g) => (g === t ? a : nClasses > 1 ? (1 - a) / (nClasses - 1) : 0))),
  }));
}

/**
 * Annotators from a JSON file's content: `[{"name": "ana", "accuracy": 0.9}, {"name": "bo",
 * "confusion": {"spam": {"spam": 0.8, "ham": 0.2}, "ham": {...}}}]`, the confusion rows keyed by
 * the true class and summing to 1; a class left out of an annotator's matrix is answered right.
 * @throws BadOptionError naming the annotator and the entry at fault
 */
export function annotatorsFromJson(json: unknown, classes: readonly string[], source: string): SimAnnotator[] {
  const problems: string[] = [];
  if (!Array.isArray(json) || json.length === 0) throw new BadOptionError([`--annotators ${source}: must hold a non-empty JSON array of annotators ({"name", "accuracy"} or {"name", "confusion"})`]);
  const K = classes.length;
  const out: SimAnnotator[] = [];
  json.forEach((a: unknown, i) => {
    const where = `--annotators ${source}: annotator ${i + 1}`;
    if (typeof a !== "object" || a === null) return problems.push(`${where} must be an object`);
    const o = a as Record<string, unknown>;
    const name = typeof o.name === "string" && o.name.trim() !== "" ? o.name : `a${i + 1}`;
    if ("accuracy" in o) {
      if (typeof o.accuracy !== "number" || !(o.accuracy >= 0 && o.accuracy <= 1)) return problems.push(`${where} ("${name}"): accuracy must be a number from 0 to 1, got ${JSON.stringify(o.accuracy)}`);
      return out.push({ ...annotatorsFromAccuracies([o.accuracy], K)[0], name });
    }
    if (typeof o.confusion !== "object" || o.confusion === null) return problems.push(`${where} ("${name}"): needs "accuracy" or "confusion"`);
    const conf = o.confusion as Record<string, unknown>;
    for (const k of Object.keys(conf)) if (!classes.includes(k)) problems.push(`${where} ("${name}"): confusion row "${k}" is not a class (the classes are ${classes.join(", ")})`);
    const rows = classes.map((t, ti) => {
      const row = new Float64Array(K);
      const given = conf[t];
      if (given === undefined) {
        row[ti] = 1;
        return row;
      }
      if (typeof given !== "object" || given === null) {
        problems.push(`${where} ("${name}"): confusion row "${t}" must be an object of class -> probability`);
        return row;
      }
      for (const [g, p] of Object.entries(given as Record<string, unknown>)) {
        const gi = classes.indexOf(g);
        if (gi < 0) problems.push(`${where} ("${name}"): confusion["${t}"]["${g}"]: "${g}" is not a class`);
        else if (typeof p !== "number" || !(p >= 0 && p <= 1)) problems.push(`${where} ("${name}"): confusion["${t}"]["${g}"] must be a probability, got ${JSON.stringify(p)}`);
        else row[gi] = p;
      }
      const sum = row.reduce((s, x) => s + x, 0);
      if (Math.abs(sum - 1) > 1e-6) problems.push(`${where} ("${name}"): confusion row "${t}" sums to ${sum.toFixed(4)}, not 1`);
      return row;
    });
    out.push({ name, confusion: rows, accuracy: rows.reduce((s, r, t) => s + r[t], 0) / K });
  });
  if (problems.length > 0) throw new BadOptionError(problems, "annotators");
  return out;
}

/** One run's curve under a policy: evaluated after each round, at the units spent so far. */
export interface QcRunResult {
  /** Label units spent at each evaluation. */
  readonly units: number[];
  readonly accuracy: number[];
  /** Items the model trained on at each evaluation (disputed ones left out). */
  readonly trained: number[];
  /** Share of the training labels that are right, at the end. */
  readonly trainingLabelAccuracy: number;
  /** Units that were not an item's first label (second and third labels, reviews). */
  readonly qcUnits: number;
  /** Items queried (each got at least one label). */
  readonly items: number;
  /** Items left out of training for a dispute, at the end. */
  readonly disputed: number;
  /** Reviews made, and those that changed the training label. */
  readonly reviews: number;
  readonly reviewChanges: number;
}

/** Runs the loop for one seed, strategy and policy, until `opts.budget` label units are spent. */
export function simulateQcRun(prep: PreparedSplit, nClasses: number, strategy: QueryStrategy, seed: number, opts: ProtocolOptions, annotators: readonly SimAnnotator[], policy: QcPolicy): QcRunResult {
  const nPool = prep.Xpool.rows;
  const perItem = policy === "overlap2" || policy === "adaptive" ? 2 : 1;
  if (perItem > annotators.length || (policy === "adaptive" && annotators.length < 3)) throw new BadOptionError([`--qc ${policy} needs at least ${policy === "adaptive" ? 3 : perItem} simulated annotators (--annotators), got ${annotators.length}`], "qc");
  const budget = opts.budget;
  // The same start items for every policy of a seed (NumPy's choice, as run.ts draws them).
  const start = new Pcg64(seed).choice(nPool, Math.min(opts.initial, nPool));
  const rng = new Rng(seed * 104729 + 3);
  // Who gives an item's k-th label and what they answer: a hash of (seed, item, k), so every
  // policy of a seed gets the same first label on the same item (the comparison is paired down to
  // the labels), whatever else it did before.
  const draw = (idx: number, k: number, stream: number): number => unitHash((seed * 1000003 + k * 7919 + stream * 104729) | 0, idx);
  const reviewer = annotators.reduce((b, a) => (a.accuracy > b.accuracy ? a : b));
  const newModel = modelFactory(opts.model);
  const classNames = Array.from({ length: nClasses }, (_, c) => String(c));
  const votes = new Map<number, number[]>();
  const queried = new Uint8Array(nPool);
  const queriedOrder: number[] = [];
  const reviewed = new Map<number, number>();
  let units = 0;
  let qcUnits = 0;
  let reviews = 0;
  let reviewChanges = 0;

  const give = (idx: number, who: SimAnnotator, k: number): number => {
    const row = who.confusion[prep.yPool[idx]];
    let u = draw(idx, k, 2);
    for (let g = 0; g < nClasses; g++) {
      u -= row[g];
      if (u < 0) return g;
    }
    return nClasses - 1;
  };
  /** One label on item idx from an annotator who has not labeled it (random among the rest). */
  const labelOnce = (idx: number, used: Set<number>): number => {
    const free = annotators.map((_, i) => i).filter((i) => !used.has(i));
    const k = used.size;
    const a = free[Math.floor(draw(idx, k, 1) * free.length)];
    used.add(a);
    units++;
    return give(idx, annotators[a], k);
  };
  const labelItem = (idx: number): void => {
    const used = new Set<number>();
    const v = [labelOnce(idx, used)];
    for (let k = 1; k < perItem; k++) v.push(labelOnce(idx, used));
    // The third label only while the budget allows it (else the split stays a dispute).
    if (policy === "adaptive" && v[0] !== v[1] && units < budget) v.push(labelOnce(idx, used));
    qcUnits += v.length - 1;
    votes.set(idx, v);
    queried[idx] = 1;
    queriedOrder.push(idx);
  };
  /** The training set: each queried item's consensus (a review's label is final), disputed ones out. */
  const training = (): { labeled: Int32Array; labels: Int32Array } => {
    const l: number[] = [];
    const y: number[] = [];
    for (const idx of queriedOrder) {
      const c = reviewed.get(idx) ?? majorityClass(votes.get(idx)!);
      if (c < 0) continue;
      l.push(idx);
      y.push(c);
    }
    return { labeled: Int32Array.from(l), labels: Int32Array.from(y) };
  };

  for (const idx of start) if (units + perItem <= budget) labelItem(idx);
  const out: { units: number[]; accuracy: number[]; trained: number[] } = { units: [], accuracy: [], trained: [] };
  let model: Classifier | null = null;
  const evaluate = (set: { labeled: Int32Array; labels: Int32Array }): void => {
    model = set.labeled.length === 0 ? null : fitLabeled({ X: prep.Xpool, nClasses, newModel, labeled: set.labeled, labels: set.labels, warmStart: model });
    const acc = model === null ? 0 : accuracy(argmaxRows(model.predictProba(prep.Xtest), prep.Xtest.rows, nClasses), prep.yTest);
    out.units.push(units);
    out.accuracy.push(acc);
    out.trained.push(set.labeled.length);
  };
  let set = training();
  evaluate(set);
  while (units < budget && queriedOrder.length < nPool) {
    const room = Math.min(opts.batch, budget - units);
    let spent = 0;
    if (policy === "review-suspects" && model !== null) {
      const oof = labeledOutOfFold(prep.Xpool, nClasses, newModel, set.labeled, set.labels, rng.int(0x7fffffff));
      const suspects = oof === null ? [] : modelSuspects(oof, set.labels, classNames).map((s) => set.labeled[s.t]).filter((idx) => !reviewed.has(idx));
      for (const idx of suspects.slice(0, Math.floor(room / 2))) {
        const before = reviewed.get(idx) ?? majorityClass(votes.get(idx)!);
        const decision = give(idx, reviewer, REVIEW_DRAW);
        reviewed.set(idx, decision);
        units++;
        qcUnits++;
        spent++;
        reviews++;
        if (decision !== before) reviewChanges++;
      }
    }
    const items = Math.max(0, Math.floor((room - spent) / perItem));
    if (items > 0 && model !== null) {
      const unl = unlabeledRows(nPool, queriedOrder);
      const sel = selectNext({ model, X: prep.Xpool, unlabeled: unl, labeled: set.labeled, labels: set.labels, nClasses, rng, newModel, strategy }, items);
      for (const idx of sel.indices) if (units + perItem <= budget) labelItem(idx);
    } else if (items > 0) {
      // No model yet (every start label disputed): random items.
      const unl = unlabeledRows(nPool, queriedOrder);
      for (const t of rng.sample(unl, items)) labelItem(t);
    } else if (spent === 0) break;
    set = training();
    evaluate(set);
  }
  let right = 0;
  for (let t = 0; t < set.labeled.length; t++) if (set.labels[t] === prep.yPool[set.labeled[t]]) right++;
  return {
    ...out,
    trainingLabelAccuracy: set.labeled.length === 0 ? 0 : right / set.labeled.length,
    qcUnits,
    items: queriedOrder.length,
    disputed: queriedOrder.length - set.labeled.length,
    reviews,
    reviewChanges,
  };
}

/**
 * A run's accuracy on the common grid of units (initial, initial + batch, ..., budget): at each
 * grid point the accuracy of the last model evaluated at or below it (0 before the first).
 */
export function onGrid(run: Pick<QcRunResult, "units" | "accuracy">, grid: readonly number[]): number[] {
  let t = -1;
  return grid.map((g) => {
    while (t + 1 < run.units.length && run.units[t + 1] <= g) t++;
    return t < 0 ? 0 : run.accuracy[t];
  });
}
