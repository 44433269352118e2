/**
 * Dawid & Skene (1979) EM over per-annotator confusion matrices. Each annotator a has a matrix
 * pi_a[c][l] = P(a says l | the truth is c); the classes have prior p_c. EM starts from the vote
 * shares (the posterior of every item = its votes' shares), then alternates
 *   M: p_c ∝ s + sum_i T_ic;  pi_a[c][l] ∝ s + sum over a's labels l of T_ic
 *   E: T_ic ∝ p_c * prod over the item's labels pi_a[c][l]   (* prod_l pi_m[c][l]^q_il for a soft "annotator")
 * with s the Dirichlet smoothing (pseudo-count per cell, default 0.01), until no posterior moves
 * by more than `tol` (default 1e-6) or after `maxIter` rounds (default 200). No randomness: the
 * same input gives the same output.
 *
 * An optional soft annotator (`soft`: one probability row per item, e.g. a classifier's
 * out-of-fold probabilities) takes part like any annotator, with its own confusion matrix
 * estimated from its expected counts: EM learns how far to trust it, class by class.
 *
 * @example
 * const ds = dawidSkene(annotations); ds.consensus.label; ds.confusion[0]; // K x K of annotator 0
 */
import { entriesByItem, type Annotations } from "./annotations.js";
import { fromProbs, labelTotals, voteShares, type Consensus } from "./majority.js";

export interface DawidSkeneOptions {
  /** Dirichlet pseudo-count added to every confusion and prior cell (default 0.01). */
  readonly smoothing?: number;
  /** Stop when no posterior changes by more than this (default 1e-6). */
  readonly tol?: number;
  /** Iteration cap (default 200). */
  readonly maxIter?: number;
  /** Starting posteriors (items x labels) in place of the vote shares. */
  readonly init?: Float64Array;
  /** A soft annotator labeling every item: items x labels probabilities, row-major. */
  readonly soft?: Float64Array;
}

export interface DawidSkeneResult {
  readonly consensus: Consensus;
  /** Per annotator, the K x K confusion matrix (row = truth, column = label given), row-major. */
  readonly confusion: Float64Array[];
  /** The soft annotator's confusion matrix, when one was given. */
  readonly softConfusion: Float64Array | null;
  /** Class prior. */
  readonly prior: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Row-normalises a K x K count matrix in place. */
function normaliseRows(m: Float64Array, K: number): void {
  for (let c = 0; c < K; c++) {
    let s = 0;
    for (let l = 0; l < K; l++) s += m[c * K + l];
    for (let l = 0; l < K; l++) m[c * K + l] = s > 0 ? m[c * K + l] / s : 1 / K;
  }
}

/** Runs Dawid-Skene EM; see the file comment. */
export function dawidSkene(a: Annotations, options: DawidSkeneOptions = {}): DawidSkeneResult {
  const K = a.labels.length;
  const n = a.items.length;
  const A = a.annotators.length;
  const s = options.smoothing ?? 0.01;
  const tol = options.tol ?? 1e-6;
  const maxIter = options.maxIter ?? 200;
  const soft = options.soft;
  const by = entriesByItem(a);
  const T = options.init !== undefined ? Float64Array.from(options.init) : voteShares(a);
  const confusion = Array.from({ length: A }, () => new Float64Array(K * K));
  const softConfusion = soft === undefined ? null : new Float64Array(K * K);
  const prior = new Float64Array(K);
  const logp = new Float64Array(K);
  const logConfusion = Array.from({ length: A }, () => new Float64Array(K * K));
  const logPrior = new Float64Array(K);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    // M step.
    prior.fill(s);
    for (const m of confusion) m.fill(s);
    for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) prior[c] += T[i * K + c];
    for (let t = 0; t < a.item.length; t++) {
      const i = a.item[t];
      const m = confusion[a.annotator[t]];
      const l = a.label[t];
      for (let c = 0; c < K; c++) m[c * K + l] += T[i * K + c];
    }
    if (softConfusion !== null && soft !== undefined) {
      softConfusion.fill(s);
      for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) for (let l = 0; l < K; l++) softConfusion[c * K + l] += T[i * K + c] * soft[i * K + l];
      normaliseRows(softConfusion, K);
    }
    let ps = 0;
    for (let c = 0; c < K; c++) ps += prior[c];
    for (let c = 0; c < K; c++) prior[c] /= ps;
    for (const m of confusion) normaliseRows(m, K);
    // E step (the logs of the matrices once per round, not once per label: the same values).
    for (let j = 0; j < A; j++) for (let t = 0; t < K * K; t++) logConfusion[j][t] = Math.log(confusion[j][t]);
    for (let c = 0; c < K; c++) logPrior[c] = Math.log(prior[c]);
    let change = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < K; c++) logp[c] = logPrior[c];
      for (const t of by[i]) {
        const m = logConfusion[a.annotator[t]];
        const l = a.label[t];
        for (let c = 0; c < K; c++) logp[c] += m[c * K + l];
      }
      if (softConfusion !== null && soft !== undefined) {
        for (let l = 0; l < K; l++) {
          const q = soft[i * K + l];
          if (q > 0) for (let c = 0; c < K; c++) logp[c] += q * Math.log(softConfusion[c * K + l]);
        }
      }
      let mx = -Infinity;
      for (let c = 0; c < K; c++) mx = Math.max(mx, logp[c]);
      let z = 0;
      for (let c = 0; c < K; c++) z += (logp[c] = Math.exp(logp[c] - mx));
      for (let c = 0; c < K; c++) {
        const v = logp[c] / z;
        change = Math.max(change, Math.abs(v - T[i * K + c]));
        T[i * K + c] = v;
      }
    }
    if (change <= tol) {
      converged = true;
      break;
    }
  }
  const nLabels = Int32Array.from(by, (e) => e.length);
  return { consensus: fromProbs(T, K, nLabels, labelTotals(a)), confusion, softConfusion, prior, iterations, converged };
}

/**
 * An annotator's estimated accuracy: sum_c p_c pi[c][c], the chance a label of theirs is right
 * on an item drawn from the class prior.
 */
export function estimatedAccuracy(confusion: Float64Array, prior: Float64Array): number {
  const K = prior.length;
  let acc = 0;
  for (let c = 0; c < K; c++) acc += prior[c] * confusion[c * K + c];
  return acc;
}
