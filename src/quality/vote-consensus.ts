/**
 * The consensus of a project's annotator votes (each annotator's current label of each item, as
 * class indices): the one rule the served project's retrains, its dashboard, exports and `train`
 * all go through, whichever method the project chose (src/project/consensus-settings.ts).
 *
 * - majority: an item's label is the class most of its annotators gave; a tie is a dispute.
 * - dawid-skene: Dawid-Skene EM (dawid-skene.ts) is fitted on every item with two or more
 *   annotator labels; an item with several labels takes the argmax of its posterior
 *   P(truth | its labels) under the fitted confusion matrices and class prior, and is a dispute
 *   when that top posterior is below {@link MIN_POSTERIOR} (0.7: the label must be more than twice
 *   as likely as all the others together), as a tie is under majority. An item with one label
 *   keeps it (one label says nothing about its annotator's confusions).
 *
 * Why only items with two or more labels enter the fit: a lone label has nothing to be checked
 * against; in EM it only confirms itself and would inflate its annotator's estimated accuracy.
 *
 * The fallback rule: Dawid-Skene estimates a K x K confusion matrix per annotator, so it is used
 * only when at least {@link minOverlapItems}(K) = max(20, 5K) items have two or more annotator
 * labels; below that the consensus is majority and `reason` says why. An annotator not in the
 * fit (their first labels came after it) counts with the mean of the fitted confusion matrices.
 *
 * Per-annotator estimated accuracy: sum_c p_c pi_a[c][c] (the trace of their confusion matrix
 * weighted by the class prior, as the `consensus` command reports), on the labels they gave to
 * items with two or more labels; null below {@link MIN_ANNOTATOR_LABELS} such labels, or when
 * the fit falls back. No randomness: items enter the fit by pool index, annotators by name, so
 * the same votes give the same result in any order.
 *
 * @example
 * const fit = fitVotes(votes, 2, "dawid-skene");
 * fit.decide(new Map([["ana", 0], ["bo", 1], ["cy", 1]])); // 0 when cy's labels are usually wrong
 */
import type { ConsensusMethod } from "../project/consensus-settings.js";
import type { Annotations } from "./annotations.js";
import { dawidSkene, estimatedAccuracy } from "./dawid-skene.js";

/** Least top posterior of a Dawid-Skene consensus; below it the item is a dispute. */
export const MIN_POSTERIOR = 0.7;

/**
 * EM stops once no posterior moves by more than this (the CLI's 1e-6 is for reporting
 * probabilities; an argmax against {@link MIN_POSTERIOR} is settled long before, at about half the
 * rounds: this fit runs on the server's thread at every retrain).
 */
export const FIT_TOL = 1e-4;

/** Least labels on items others labeled too for an annotator's estimated accuracy to be shown. */
export const MIN_ANNOTATOR_LABELS = 10;

/** Items with two or more annotator labels Dawid-Skene needs for K classes: max(20, 5K). */
export function minOverlapItems(K: number): number {
  return Math.max(20, 5 * K);
}

/** Each item's votes: pool index -> (annotator -> class index). */
export type Votes = ReadonlyMap<number, ReadonlyMap<string, number>>;

/** One annotator's Dawid-Skene estimate. */
export interface AnnotatorAccuracy {
  readonly name: string;
  /** Their labels on items with two or more annotator labels: what the estimate rests on. */
  readonly labels: number;
  /** sum_c p_c pi[c][c]; null when there is too little overlap to estimate it (see `note`). */
  readonly estimatedAccuracy: number | null;
  /** Why there is no estimate (null when there is one). */
  readonly note: string | null;
}

export interface VoteFit {
  /** The method the project chose. */
  readonly chosen: ConsensusMethod;
  /** The method the consensus uses: dawid-skene only when chosen and the overlap allows. */
  readonly inUse: ConsensusMethod;
  /** Why `inUse` is what it is, in a sentence with the numbers. */
  readonly reason: string;
  /** Items with two or more annotator labels. */
  readonly itemsWithOverlap: number;
  /** Items with two or more labels Dawid-Skene needs (see {@link minOverlapItems}). */
  readonly minItems: number;
  /** Whether Dawid-Skene was fitted (enough overlap), whichever method is in use. */
  readonly fitted: boolean;
  /** EM iterations of the fit (0 when not fitted). */
  readonly iterations: number;
  /** Per annotator with a vote (by name), their estimated accuracy. */
  readonly annotators: readonly AnnotatorAccuracy[];
  /** The consensus class of an item with these votes, -1 for a dispute (no votes: -1). */
  decide(votes: ReadonlyMap<string, number>): number;
}

/** The majority class of `votes`, or -1 when the top classes tie (or there are none). */
export function majorityClass(votes: Iterable<number>): number {
  const count = new Map<number, number>();
  for (const c of votes) count.set(c, (count.get(c) ?? 0) + 1);
  let best = -1;
  let bestN = 0;
  let tie = false;
  for (const [c, n] of count) {
    if (n > bestN) {
      best = c;
      bestN = n;
      tie = false;
    } else if (n === bestN) tie = true;
  }
  return tie ? -1 : best;
}

/** The fitted Dawid-Skene model: a confusion matrix per annotator and the class prior. */
interface Fitted {
  readonly K: number;
  readonly confusion: ReadonlyMap<string, Float64Array>;
  /** The mean of the fitted matrices, for an annotator not in the fit. */
  readonly mean: Float64Array;
  readonly prior: Float64Array;
}

/** P(truth = c | votes) under a fit (the EM's E step for one item). */
function posteriorOf(f: Fitted, votes: ReadonlyMap<string, number>): Float64Array {
  const K = f.K;
  const logp = Float64Array.from(f.prior, (p) => Math.log(p));
  for (const [who, l] of votes) {
    const m = f.confusion.get(who) ?? f.mean;
    for (let c = 0; c < K; c++) logp[c] += Math.log(m[c * K + l]);
  }
  let mx = -Infinity;
  for (let c = 0; c < K; c++) mx = Math.max(mx, logp[c]);
  let z = 0;
  for (let c = 0; c < K; c++) z += logp[c] = Math.exp(logp[c] - mx);
  for (let c = 0; c < K; c++) logp[c] /= z;
  return logp;
}

/** The class of the top posterior when it reaches {@link MIN_POSTERIOR}, else -1 (a dispute). */
function confidentArgmax(p: Float64Array): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best] + 1e-12) best = c;
  return p[best] >= MIN_POSTERIOR ? best : -1;
}

/** The items with two or more votes as encoded annotations (items by pool index, annotators by name). */
function sharedAnnotations(votes: Votes, K: number): { a: Annotations; perAnnotator: Map<string, number> } {
  const items = [...votes.keys()].filter((i) => (votes.get(i)?.size ?? 0) >= 2).sort((x, y) => x - y);
  // Every annotator with a vote, with their labels on shared items (0: not in the fit).
  const perAnnotator = new Map<string, number>();
  for (const v of votes.values()) for (const who of v.keys()) if (!perAnnotator.has(who)) perAnnotator.set(who, 0);
  for (const i of items) for (const who of votes.get(i)?.keys() ?? []) perAnnotator.set(who, (perAnnotator.get(who) ?? 0) + 1);
  const annotators = [...perAnnotator.keys()].filter((nm) => (perAnnotator.get(nm) ?? 0) > 0).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const rank = new Map(annotators.map((nm, r) => [nm, r]));
  const item: number[] = [];
  const annotator: number[] = [];
  const label: number[] = [];
  items.forEach((idx, t) => {
    const v = [...(votes.get(idx) ?? [])].sort((x, y) => (rank.get(x[0]) ?? 0) - (rank.get(y[0]) ?? 0));
    for (const [who, c] of v) {
      item.push(t);
      annotator.push(rank.get(who) ?? 0);
      label.push(c);
    }
  });
  const a: Annotations = {
    items: items.map(String),
    annotators,
    labels: Array.from({ length: K }, (_, c) => String(c)),
    item: Int32Array.from(item),
    annotator: Int32Array.from(annotator),
    label: Int32Array.from(label),
  };
  return { a, perAnnotator };
}

/**
 * Fits the consensus of `votes` over K classes for the `chosen` method (Dawid-Skene is fitted
 * whenever the overlap allows, for the annotators' estimates, and decides only when chosen).
 */
export function fitVotes(votes: Votes, K: number, chosen: ConsensusMethod): VoteFit {
  const { a, perAnnotator } = sharedAnnotations(votes, K);
  const shared = a.items.length;
  const minItems = minOverlapItems(K);
  const byName = [...perAnnotator.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const majorityDecide = (v: ReadonlyMap<string, number>): number => majorityClass(v.values());
  if (shared < minItems) {
    const why = `${shared} item${shared === 1 ? " has" : "s have"} two or more annotator labels; Dawid-Skene needs at least ${minItems} (max(20, 5 per class)) to estimate each annotator's confusions`;
    return {
      chosen,
      inUse: "majority",
      reason: chosen === "dawid-skene" ? `majority vote for now: ${why}` : `majority vote, as chosen (estimates: ${why})`,
      itemsWithOverlap: shared,
      minItems,
      fitted: false,
      iterations: 0,
      annotators: byName.map(([name, labels]) => ({ name, labels, estimatedAccuracy: null, note: `too little overlap to estimate: ${shared} of ${minItems} items with two or more labels` })),
      decide: majorityDecide,
    };
  }
  const r = dawidSkene(a, { tol: FIT_TOL });
  const confusion = new Map(a.annotators.map((nm, j) => [nm, r.confusion[j]]));
  const mean = new Float64Array(K * K);
  for (const m of r.confusion) for (let t = 0; t < K * K; t++) mean[t] += m[t] / r.confusion.length;
  const fit: Fitted = { K, confusion, mean, prior: r.prior };
  const annotators = byName.map(([name, labels]): AnnotatorAccuracy => {
    const m = confusion.get(name);
    if (m === undefined || labels < MIN_ANNOTATOR_LABELS) return { name, labels, estimatedAccuracy: null, note: `too little overlap to estimate: ${labels} of ${MIN_ANNOTATOR_LABELS} labels on items others labeled too` };
    return { name, labels, estimatedAccuracy: estimatedAccuracy(m, r.prior), note: null };
  });
  const ds = chosen === "dawid-skene";
  return {
    chosen,
    inUse: ds ? "dawid-skene" : "majority",
    reason: ds
      ? `Dawid-Skene on the ${shared} items with two or more annotator labels (at least ${minItems} needed); an item whose top posterior is below ${MIN_POSTERIOR} is a dispute`
      : `majority vote, as chosen; Dawid-Skene fitted on the ${shared} items with two or more annotator labels for the estimates`,
    itemsWithOverlap: shared,
    minItems,
    fitted: true,
    iterations: r.iterations,
    annotators,
    decide: (v) => (!ds || v.size < 2 ? majorityDecide(v) : confidentArgmax(posteriorOf(fit, v))),
  };
}
