/**
 * The agreement report of a set of annotations: every statistic of agreement.ts with a 95%
 * bootstrap interval over items (items drawn with replacement, `resamples` times, seeded; the
 * interval is the 2.5th and 97.5th percentile of the resampled values, linear interpolation;
 * resamples where a statistic is undefined are left out), Cohen's kappa for every annotator pair
 * sharing at least {@link MIN_SHARED_ITEMS} items (resampling the pair's shared items), and alpha
 * per label (that label against all others). Undefined values are null.
 *
 * @example
 * const r = agreementReport(annotations, { seed: 0 }); r.krippendorff_alpha; // { value: 0.74, ci_low: 0.6, ci_high: 0.85 }
 */
import { Rng } from "../linalg/rng.js";
import type { Annotations } from "./annotations.js";
import { annotatorPairs, cohenKappa, fleissKappa, itemCounts, krippendorffAlpha, oneVsRest, percentAgreement } from "./agreement.js";

/** Fewest shared items for a pair's Cohen's kappa to be reported. */
export const MIN_SHARED_ITEMS = 10;
/** Default number of bootstrap resamples. */
export const AGREEMENT_RESAMPLES = 1000;

/** A figure with its 95% bootstrap interval (null when undefined). */
export interface Figure {
  readonly value: number | null;
  readonly ci_low: number | null;
  readonly ci_high: number | null;
}

export interface PairFigure extends Figure {
  readonly a: string;
  readonly b: string;
  /** Items both labeled. */
  readonly n: number;
}

/** The `--json` object of `activelearn agreement`. */
export interface AgreementReport {
  readonly items: number;
  readonly annotators: number;
  readonly percent_agreement: Figure;
  readonly fleiss_kappa: Figure;
  readonly krippendorff_alpha: Figure;
  readonly cohen_kappa: PairFigure[];
  readonly per_label: Record<string, Figure>;
}

export interface AgreementOptions {
  readonly seed?: number;
  readonly resamples?: number;
}

/** The q-quantile (0..1) of sorted values, interpolating linearly between neighbours. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * A statistic of n weighted units with its percentile interval: `stat(w)` for unit weights, then
 * for `resamples` multiplicity vectors of n draws with replacement.
 */
export function bootstrapFigure(n: number, stat: (w: Float64Array) => number, resamples: number, rng: Rng): Figure {
  const value = stat(new Float64Array(n).fill(1));
  if (!Number.isFinite(value)) return { value: null, ci_low: null, ci_high: null };
  const vals: number[] = [];
  const w = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    w.fill(0);
    for (let t = 0; t < n; t++) w[rng.int(n)]++;
    const v = stat(w);
    if (Number.isFinite(v)) vals.push(v);
  }
  if (vals.length === 0) return { value, ci_low: null, ci_high: null };
  vals.sort((x, y) => x - y);
  return { value, ci_low: finite(quantileSorted(vals, 0.025)), ci_high: finite(quantileSorted(vals, 0.975)) };
}

/** Computes the report; each statistic draws from its own generator seeded from `seed`. */
export function agreementReport(a: Annotations, options: AgreementOptions = {}): AgreementReport {
  const seed = options.seed ?? 0;
  const B = options.resamples ?? AGREEMENT_RESAMPLES;
  const x = itemCounts(a);
  const n = a.items.length;
  // One stream per statistic, so adding a label or a pair does not shift the others' draws.
  let stream = 0;
  const rng = (): Rng => new Rng(seed * 7919 + stream++);
  const percent = bootstrapFigure(n, (w) => percentAgreement(x, w), B, rng());
  const fleiss = bootstrapFigure(n, (w) => fleissKappa(x, w), B, rng());
  const alpha = bootstrapFigure(n, (w) => krippendorffAlpha(x, w), B, rng());
  const perLabel: Record<string, Figure> = {};
  a.labels.forEach((name, c) => {
    const bin = oneVsRest(x, c);
    perLabel[name] = bootstrapFigure(n, (w) => krippendorffAlpha(bin, w), B, rng());
  });
  const K = a.labels.length;
  const pairs: PairFigure[] = [];
  for (const p of annotatorPairs(a)) {
    const r = rng();
    if (p.la.length < MIN_SHARED_ITEMS) continue;
    const f = bootstrapFigure(p.la.length, (w) => cohenKappa(p.la, p.lb, K, w), B, r);
    pairs.push({ a: a.annotators[p.a], b: a.annotators[p.b], n: p.la.length, ...f });
  }
  return { items: n, annotators: a.annotators.length, percent_agreement: percent, fleiss_kappa: fleiss, krippendorff_alpha: alpha, cohen_kappa: pairs, per_label: perLabel };
}
