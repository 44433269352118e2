/**
 * Per-annotator estimates for a consensus: for Dawid-Skene and the model consensus, the EM's
 * confusion matrices and accuracy sum_c p_c pi[c][c] (p the estimated class prior); for
 * majority vote, the empirical matrix of each annotator's labels against the majority label
 * (row = majority label, rows with no item uniform) and accuracy = agreement with it.
 *
 * @example
 * const r = majorityEstimates(a, majorityVote(a)); r.annotators[0].estimated_accuracy;
 */
import type { Annotations } from "./annotations.js";
import { estimatedAccuracy, type DawidSkeneResult } from "./dawid-skene.js";
import type { Consensus } from "./majority.js";
import { matrixRows, type AnnotatorReport } from "./consensus-output.js";

function labelsPer(a: Annotations): Int32Array {
  const n = new Int32Array(a.annotators.length);
  for (const who of a.annotator) n[who]++;
  return n;
}

/** Estimates from Dawid-Skene (or model consensus) confusion matrices. */
export function emEstimates(a: Annotations, r: DawidSkeneResult, method: string): AnnotatorReport {
  const K = a.labels.length;
  const n = labelsPer(a);
  const annotators = a.annotators.map((name, j) => ({ annotator: name, labels: n[j], estimated_accuracy: estimatedAccuracy(r.confusion[j], r.prior), confusion: matrixRows(r.confusion[j], K) }));
  const out: AnnotatorReport = { method, labels: a.labels, annotators };
  return r.softConfusion === null ? out : { ...out, model: { estimated_accuracy: estimatedAccuracy(r.softConfusion, r.prior), confusion: matrixRows(r.softConfusion, K) } };
}

/** Estimates against the majority labels. */
export function majorityEstimates(a: Annotations, c: Consensus): AnnotatorReport {
  const K = a.labels.length;
  const A = a.annotators.length;
  const counts = Array.from({ length: A }, () => new Float64Array(K * K));
  const agree = new Float64Array(A);
  for (let t = 0; t < a.item.length; t++) {
    const truth = c.label[a.item[t]];
    counts[a.annotator[t]][truth * K + a.label[t]]++;
    if (truth === a.label[t]) agree[a.annotator[t]]++;
  }
  const n = labelsPer(a);
  for (const m of counts) {
    for (let t = 0; t < K; t++) {
      let s = 0;
      for (let g = 0; g < K; g++) s += m[t * K + g];
      for (let g = 0; g < K; g++) m[t * K + g] = s > 0 ? m[t * K + g] / s : 1 / K;
    }
  }
  return { method: "majority", labels: a.labels, annotators: a.annotators.map((name, j) => ({ annotator: name, labels: n[j], estimated_accuracy: agree[j] / n[j], confusion: matrixRows(counts[j], K) })) };
}
