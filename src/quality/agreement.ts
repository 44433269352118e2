/**
 * Inter-annotator agreement of nominal labels, computed from per-item label counts (item i gave
 * label c n_ic times, m_i = sum_c n_ic ratings), each item with a weight (1, or its multiplicity
 * in a bootstrap resample). Only items with at least two ratings take part ("pairable" items).
 *
 * - Percent agreement: the mean over items of the share of agreeing rater pairs,
 *   P_i = sum_c n_ic (n_ic - 1) / (m_i (m_i - 1)).
 * - Fleiss' kappa (Fleiss 1971), generalised to unequal numbers of raters per item in the usual
 *   way: kappa = (Pbar - Pe) / (1 - Pe) with Pbar the mean of P_i over pairable items and
 *   Pe = sum_c p_c^2, p_c the share of label c among all their ratings. With the same number of
 *   raters on every item this is exactly Fleiss' formula.
 * - Krippendorff's alpha, nominal (Krippendorff 2011, "Computing Krippendorff's alpha
 *   reliability"): alpha = 1 - (n - 1) D / (n^2 - sum_c n_c^2), with D = sum_i (m_i^2 -
 *   sum_c n_ic^2) / (m_i - 1) the disagreeing coincidences, n_c the pairable ratings of label c and
 *   n their total; missing ratings are simply absent.
 * - Cohen's kappa of two annotators on their shared items: (po - pe) / (1 - pe), pe from each
 *   annotator's own label shares on those items.
 * A statistic that is undefined (no pairable item; a single label used throughout, so chance
 * agreement is 1) is NaN.
 *
 * @example
 * const c = itemCounts(annotations); krippendorffAlpha(c); fleissKappa(c);
 */
import { entriesByItem, type Annotations } from "./annotations.js";

/** Label counts per item: counts[i * K + c], ratings m[i]. */
export interface ItemCounts {
  readonly K: number;
  readonly counts: Float64Array;
  readonly m: Float64Array;
}

/** The counts of every item of `a`. */
export function itemCounts(a: Annotations): ItemCounts {
  const K = a.labels.length;
  const n = a.items.length;
  const counts = new Float64Array(n * K);
  const m = new Float64Array(n);
  for (let t = 0; t < a.item.length; t++) {
    counts[a.item[t] * K + a.label[t]]++;
    m[a.item[t]]++;
  }
  return { K, counts, m };
}

/** Counts from a table of items x labels (rows of counts), e.g. a published Fleiss table. */
export function countsFromTable(rows: readonly (readonly number[])[]): ItemCounts {
  const K = rows[0]?.length ?? 0;
  const counts = new Float64Array(rows.length * K);
  const m = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    r.forEach((v, c) => (counts[i * K + c] = v));
    m[i] = r.reduce((s, v) => s + v, 0);
  });
  return { K, counts, m };
}

/** One label against the rest: K = 2, column 0 = label `c`, column 1 = every other label. */
export function oneVsRest(x: ItemCounts, c: number): ItemCounts {
  const n = x.m.length;
  const counts = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    counts[i * 2] = x.counts[i * x.K + c];
    counts[i * 2 + 1] = x.m[i] - x.counts[i * x.K + c];
  }
  return { K: 2, counts, m: x.m };
}

const unit = (n: number): Float64Array => new Float64Array(n).fill(1);

/** Sum of squares of item i's counts. */
function sumSq(x: ItemCounts, i: number): number {
  let s = 0;
  for (let c = 0; c < x.K; c++) s += x.counts[i * x.K + c] ** 2;
  return s;
}

/** Mean share of agreeing rater pairs over pairable items. */
export function percentAgreement(x: ItemCounts, w: ArrayLike<number> = unit(x.m.length)): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.m.length; i++) {
    const m = x.m[i];
    if (m < 2 || w[i] === 0) continue;
    num += (w[i] * (sumSq(x, i) - m)) / (m * (m - 1));
    den += w[i];
  }
  return den > 0 ? num / den : NaN;
}

/** Fleiss' kappa (generalised to unequal raters per item as above). */
export function fleissKappa(x: ItemCounts, w: ArrayLike<number> = unit(x.m.length)): number {
  const pbar = percentAgreement(x, w);
  const share = new Float64Array(x.K);
  let total = 0;
  for (let i = 0; i < x.m.length; i++) {
    if (x.m[i] < 2 || w[i] === 0) continue;
    for (let c = 0; c < x.K; c++) share[c] += w[i] * x.counts[i * x.K + c];
    total += w[i] * x.m[i];
  }
  if (total === 0) return NaN;
  let pe = 0;
  for (let c = 0; c < x.K; c++) pe += (share[c] / total) ** 2;
  return pe >= 1 - 1e-12 ? NaN : (pbar - pe) / (1 - pe);
}

/** Krippendorff's alpha for nominal data. */
export function krippendorffAlpha(x: ItemCounts, w: ArrayLike<number> = unit(x.m.length)): number {
  const nc = new Float64Array(x.K);
  let n = 0;
  let D = 0;
  for (let i = 0; i < x.m.length; i++) {
    const m = x.m[i];
    if (m < 2 || w[i] === 0) continue;
    D += (w[i] * (m * m - sumSq(x, i))) / (m - 1);
    for (let c = 0; c < x.K; c++) nc[c] += w[i] * x.counts[i * x.K + c];
    n += w[i] * m;
  }
  let sq = 0;
  for (let c = 0; c < x.K; c++) sq += nc[c] * nc[c];
  const expected = n * n - sq;
  return n < 2 || expected <= 1e-12 ? NaN : 1 - ((n - 1) * D) / expected;
}

/** The labels two annotators gave on the items both labeled, as parallel arrays. */
export interface PairLabels {
  readonly a: number;
  readonly b: number;
  readonly la: Int32Array;
  readonly lb: Int32Array;
}

/** Every pair of annotators (a < b in annotator order) with their shared items' labels. */
export function annotatorPairs(ann: Annotations): PairLabels[] {
  const A = ann.annotators.length;
  const lists = new Map<number, { la: number[]; lb: number[] }>();
  for (const entries of entriesByItem(ann)) {
    const sorted = [...entries].sort((s, t) => ann.annotator[s] - ann.annotator[t]);
    for (let p = 0; p < sorted.length; p++) {
      for (let q = p + 1; q < sorted.length; q++) {
        const key = ann.annotator[sorted[p]] * A + ann.annotator[sorted[q]];
        let l = lists.get(key);
        if (l === undefined) lists.set(key, (l = { la: [], lb: [] }));
        l.la.push(ann.label[sorted[p]]);
        l.lb.push(ann.label[sorted[q]]);
      }
    }
  }
  return [...lists.entries()].sort((x, y) => x[0] - y[0]).map(([key, l]) => ({ a: Math.floor(key / A), b: key % A, la: Int32Array.from(l.la), lb: Int32Array.from(l.lb) }));
}

/** Cohen's kappa of paired labels (K labels), each pair weighted by w (default 1). */
export function cohenKappa(la: ArrayLike<number>, lb: ArrayLike<number>, K: number, w?: ArrayLike<number>): number {
  const pa = new Float64Array(K);
  const pb = new Float64Array(K);
  let agree = 0;
  let n = 0;
  for (let t = 0; t < la.length; t++) {
    const wt = w === undefined ? 1 : w[t];
    if (wt === 0) continue;
    pa[la[t]] += wt;
    pb[lb[t]] += wt;
    if (la[t] === lb[t]) agree += wt;
    n += wt;
  }
  if (n === 0) return NaN;
  let pe = 0;
  for (let c = 0; c < K; c++) pe += (pa[c] / n) * (pb[c] / n);
  return pe >= 1 - 1e-12 ? NaN : (agree / n - pe) / (1 - pe);
}
