/**
 * Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 70, 2021), from the paper's definitions. Inputs: out-of-sample
 * probabilities `p` (n x K, row-major) and the given (possibly wrong) label of every row.
 *
 *  - per-class threshold t_j: the mean of p_j over the rows whose given label is j (the model's
 *    average self-confidence in class j);
 *  - confident joint C[i][j]: rows given label i whose confident class is j, the confident class
 *    being the most probable class among those with p_l >= t_l (rows with no such class are not
 *    counted);
 *  - calibrated joint Q: each row i of C rescaled to the number of rows given label i, then the
 *    whole divided by n, an estimate of P(given = i, true = j);
 *  - noise rate of class i: 1 - Q[i][i] / sum_j Q[i][j], the estimated share of wrong labels
 *    among the rows given label i;
 *  - prune by noise rate: for every off-diagonal cell (i, j), the round(n Q[i][j]) rows given i
 *    with the largest margin p_j - p_i are issues (at least one row of each class kept), and a row
 *    whose given label is the model's most probable class is never an issue.
 *
 * @example
 * const t = perClassThresholds(p, given, K);
 * const { counts } = confidentJoint(p, given, K, t);
 * const Q = calibrateJoint(counts, classCounts(given, K));
 * const issues = pruneByNoiseRate(p, given, K, Q); // Uint8Array, 1 = issue
 */
import { ShapeMismatchError } from "../errors.js";

/** Number of rows given each class. */
export function classCounts(given: ArrayLike<number>, K: number): Float64Array {
  const out = new Float64Array(K);
  for (let i = 0; i < given.length; i++) out[given[i]]++;
  return out;
}

function checkShape(p: Float64Array, given: ArrayLike<number>, K: number): number {
  const n = given.length;
  if (p.length !== n * K) throw new ShapeMismatchError(`confident learning: ${p.length} probabilities for ${n} rows x ${K} classes`);
  for (let i = 0; i < n; i++) if (!(Number.isInteger(given[i]) && given[i] >= 0 && given[i] < K)) throw new ShapeMismatchError(`confident learning: given label ${given[i]} of row ${i} is not in 0..${K - 1}`);
  return n;
}

/** t_j = mean of p_j over the rows given label j; Infinity for a class no row is given. */
export function perClassThresholds(p: Float64Array, given: ArrayLike<number>, K: number): Float64Array {
  const n = checkShape(p, given, K);
  const sum = new Float64Array(K);
  const count = classCounts(given, K);
  for (let i = 0; i < n; i++) sum[given[i]] += p[i * K + given[i]];
  return sum.map((s, j) => (count[j] > 0 ? s / count[j] : Infinity));
}

export interface ConfidentJoint {
  /** K x K counts, row-major: [given][confident class]. */
  readonly counts: Float64Array;
  /** Confident class of every row, -1 where no class reaches its threshold. */
  readonly confident: Int32Array;
}

/**
 * The confident joint. A small slack (1e-9) on the thresholds keeps a row whose probability equals
 * the mean (a class where every row has the same probability) from falling out by rounding.
 */
export function confidentJoint(p: Float64Array, given: ArrayLike<number>, K: number, t: Float64Array): ConfidentJoint {
  const n = checkShape(p, given, K);
  const counts = new Float64Array(K * K);
  const confident = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let j = 0; j < K; j++) {
      const v = p[i * K + j];
      if (v >= t[j] - 1e-9 && (best < 0 || v > p[i * K + best])) best = j;
    }
    confident[i] = best;
    if (best >= 0) counts[given[i] * K + best]++;
  }
  return { counts, confident };
}

/**
 * Q = the confident joint with each row i rescaled to sum to the rows given i, divided by n (sums
 * to 1). A class given to some rows but with an empty row of C keeps its rows on the diagonal.
 */
export function calibrateJoint(counts: Float64Array, given: Float64Array): Float64Array {
  const K = given.length;
  if (counts.length !== K * K) throw new ShapeMismatchError(`calibrateJoint: ${counts.length} cells for ${K} classes`);
  let n = 0;
  for (const g of given) n += g;
  const Q = new Float64Array(K * K);
  if (n === 0) return Q;
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let j = 0; j < K; j++) row += counts[i * K + j];
    if (row === 0) Q[i * K + i] = given[i] / n;
    else for (let j = 0; j < K; j++) Q[i * K + j] = (counts[i * K + j] / row) * (given[i] / n);
  }
  return Q;
}

/** Estimated share of wrong labels among the rows given each class: 1 - Q[i][i] / sum_j Q[i][j]. */
export function noiseRates(Q: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let row = 0;
    for (let j = 0; j < K; j++) row += Q[i * K + j];
    out[i] = row > 0 ? 1 - Q[i * K + i] / row : 0;
  }
  return out;
}

/** Estimated number of wrong labels: n times the off-diagonal mass of Q. */
export function estimatedIssues(Q: Float64Array, K: number, n: number): number {
  let off = 0;
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) if (i !== j) off += Q[i * K + j];
  return Math.round(off * n);
}

/** Index of the largest entry of row i (the first one on ties). */
export function argmaxRow(p: Float64Array, i: number, K: number): number {
  let best = 0;
  for (let j = 1; j < K; j++) if (p[i * K + j] > p[i * K + best]) best = j;
  return best;
}

/** Prune by noise rate (see the module comment); 1 marks an issue. */
export function pruneByNoiseRate(p: Float64Array, given: ArrayLike<number>, K: number, Q: Float64Array): Uint8Array {
  const n = checkShape(p, given, K);
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let r = 0; r < n; r++) members[given[r]].push(r);
  const issue = new Uint8Array(n);
  for (let i = 0; i < K; i++) {
    const rows = members[i];
    if (rows.length === 0) continue;
    const budget = rows.length - 1;
    let taken = 0;
    for (let j = 0; j < K; j++) {
      if (j === i) continue;
      const want = Math.min(Math.round(n * Q[i * K + j]), Math.max(0, budget - taken));
      if (want === 0) continue;
      // Largest margin p_j - p_i first; ties by row order, so the result is deterministic.
      const order = rows.slice().sort((a, b) => p[b * K + j] - p[b * K + i] - (p[a * K + j] - p[a * K + i]) || a - b);
      for (let t = 0; t < want; t++) issue[order[t]] = 1;
      taken += want;
    }
  }
  for (let r = 0; r < n; r++) if (issue[r] === 1 && argmaxRow(p, r, K) === given[r]) issue[r] = 0;
  return issue;
}

/** Self-confidence: the probability of the given label. */
export function selfConfidence(p: Float64Array, given: ArrayLike<number>, K: number): Float64Array {
  const n = checkShape(p, given, K);
  return Float64Array.from({ length: n }, (_, r) => p[r * K + given[r]]);
}

/**
 * Normalized margin: (p_given - max over other classes of p + 1) / 2, in [0, 1]; below 1/2 when
 * another class is more probable than the given one.
 */
export function normalizedMargin(p: Float64Array, given: ArrayLike<number>, K: number): Float64Array {
  const n = checkShape(p, given, K);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let other = 0;
    for (let j = 0; j < K; j++) if (j !== given[r] && p[r * K + j] > other) other = p[r * K + j];
    out[r] = (p[r * K + given[r]] - other + 1) / 2;
  }
  return out;
}
