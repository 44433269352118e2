/**
 * Majority vote over annotations. Each item's label is the one most of its annotators gave;
 * a tie goes to the label given most often over the whole file, and a tie there to the label
 * that sorts first (see annotations.ts for the order). Confidence = the winner's share of the
 * item's votes. Deterministic: no randomness at all.
 *
 * @example
 * const m = majorityVote(readAnnotations(...)); m.label[0]; m.confidence[0]; // 2, 0.667
 */
import { entriesByItem, type Annotations } from "./annotations.js";

/** A consensus: one label per item, class probabilities (items x labels, row-major) and counts. */
export interface Consensus {
  /** Label index per item. */
  readonly label: Int32Array;
  /** Probability of the chosen label per item. */
  readonly confidence: Float64Array;
  /** Posterior (or vote share) of every label, items x labels, row-major. */
  readonly probs: Float64Array;
  /** Number of labels each item received. */
  readonly nLabels: Int32Array;
}

/** How often each label was given over the whole file. */
export function labelTotals(a: Annotations): Float64Array {
  const out = new Float64Array(a.labels.length);
  for (let t = 0; t < a.label.length; t++) out[a.label[t]]++;
  return out;
}

/**
 * The arg max of row `i` of `p` (K columns); ties go to the higher `tieBreak` score, then to the
 * lower index. Values within 1e-12 count as tied (so float noise cannot decide).
 */
export function argmaxRow(p: ArrayLike<number>, i: number, K: number, tieBreak?: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < K; c++) {
    const d = p[i * K + c] - p[i * K + best];
    if (d > 1e-12 || (Math.abs(d) <= 1e-12 && tieBreak !== undefined && tieBreak[c] > tieBreak[best])) best = c;
  }
  return best;
}

/** Turns a probability matrix into a {@link Consensus} (ties broken by `tieBreak`, then index). */
export function fromProbs(probs: Float64Array, K: number, nLabels: Int32Array, tieBreak?: ArrayLike<number>): Consensus {
  const n = nLabels.length;
  const label = new Int32Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = argmaxRow(probs, i, K, tieBreak);
    confidence[i] = probs[i * K + label[i]];
  }
  return { label, confidence, probs, nLabels };
}

/** Vote shares per item (items x labels, row-major). */
export function voteShares(a: Annotations): Float64Array {
  const K = a.labels.length;
  const probs = new Float64Array(a.items.length * K);
  const by = entriesByItem(a);
  by.forEach((entries, i) => {
    for (const t of entries) probs[i * K + a.label[t]] += 1 / entries.length;
  });
  return probs;
}

/** Majority vote with the tie rules above. */
export function majorityVote(a: Annotations): Consensus {
  const nLabels = Int32Array.from(entriesByItem(a), (e) => e.length);
  return fromProbs(voteShares(a), a.labels.length, nLabels, labelTotals(a));
}
