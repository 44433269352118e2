/**
 * Features of numeric series: each item is one window of a series (sensor readings, daily sales,
 * a machine cycle), or several aligned series of several sensors. Every window becomes a fixed
 * set of numbers whatever its length, so windows of different lengths share one table:
 *
 * - level: mean, sd (population), min, max, quantiles (linear interpolation, NumPy's default);
 * - trend: least-squares slope per step, last minus first;
 * - shape: skewness and excess kurtosis (population moments), zero and mean crossings and peaks
 *   (strict local maxima), the last three as rates (per step, per point) so lengths compare;
 * - dependence: autocorrelation at several lags (the usual estimator, sums over the whole mean);
 * - spectrum: the share of spectral energy (mean removed, DC excluded) in equal-width frequency
 *   bands up to Nyquist, and the peak frequency in cycles per step, from a DFT written here;
 * - change: the largest shift in mean: the split maximising |mean after - mean before| weighted by
 *   sqrt(k (n - k) / n) (the CUSUM weighting, so a few noisy edge points do not win), with the
 *   signed shift there and where it is (split / n).
 *
 * The DFT is direct, O(n * n / 2) with a cosine table: fine for windows of up to a few thousand points.
 * Constant windows give 0 for the moments, autocorrelations and spectrum rather than 0 / 0.
 *
 * @example
 * const { X, names } = seriesMatrix([[1, 2, 3, 2, 1], [0, 0, 5, 5, 5]], { groups: ["level", "trend"] });
 */
import { BadInputError, BadOptionError, type InputLocation } from "../errors.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";

export const seriesGroups = ["level", "trend", "shape", "dependence", "spectrum", "change"] as const;
export type SeriesGroup = (typeof seriesGroups)[number];

export interface SeriesOptions {
  /** Feature groups, in this order in the output (default all). */
  readonly groups?: readonly SeriesGroup[];
  /** Quantiles of the level group (default 0.1, 0.25, 0.5, 0.75, 0.9). */
  readonly quantiles?: readonly number[];
  /** Autocorrelation lags (default 1, 2, 3, 5, 10); a lag at or beyond the length gives 0. */
  readonly lags?: readonly number[];
  /** Frequency bands of the spectrum group (default 4). */
  readonly bands?: number;
  /** Shortest segment on either side of a change point (default max(2, floor(n / 10))). */
  readonly minSegment?: number;
}

interface Resolved {
  readonly groups: readonly SeriesGroup[];
  readonly quantiles: readonly number[];
  readonly lags: readonly number[];
  readonly bands: number;
  readonly minSegment: number | undefined;
}

function resolve(o: SeriesOptions): Resolved {
  const r: Resolved = {
    groups: o.groups ?? seriesGroups,
    quantiles: o.quantiles ?? [0.1, 0.25, 0.5, 0.75, 0.9],
    lags: o.lags ?? [1, 2, 3, 5, 10],
    bands: o.bands ?? 4,
    minSegment: o.minSegment,
  };
  const problems: string[] = [];
  for (const g of r.groups) if (!(seriesGroups as readonly string[]).includes(g)) problems.push(`unknown series feature group "${g}"; known: ${seriesGroups.join(", ")}`);
  if (r.groups.length === 0) problems.push("no series feature groups chosen");
  for (const q of r.quantiles) if (!(q >= 0 && q <= 1)) problems.push(`quantiles must be in [0, 1], got ${q}`);
  for (const l of r.lags) if (!Number.isInteger(l) || l < 1) problems.push(`lags must be whole numbers >= 1, got ${l}`);
  if (!Number.isInteger(r.bands) || r.bands < 1) problems.push(`bands must be a whole number >= 1, got ${r.bands}`);
  if (r.minSegment !== undefined && (!Number.isInteger(r.minSegment) || r.minSegment < 1)) problems.push(`minSegment must be a whole number >= 1, got ${r.minSegment}`);
  if (problems.length > 0) throw new BadOptionError(problems);
  return r;
}

/** Names of the features of one series, in output order. */
export function seriesFeatureNames(options: SeriesOptions = {}): string[] {
  const o = resolve(options);
  const names: string[] = [];
  for (const g of o.groups) {
    if (g === "level") names.push("mean", "sd", "min", "max", ...o.quantiles.map((q) => `q${Math.round(q * 1000) / 10}`));
    else if (g === "trend") names.push("slope", "last_minus_first");
    else if (g === "shape") names.push("skewness", "kurtosis", "zero_crossing_rate", "mean_crossing_rate", "peak_rate");
    else if (g === "dependence") names.push(...o.lags.map((l) => `acf${l}`));
    else if (g === "spectrum") names.push(...Array.from({ length: o.bands }, (_, b) => `band${b}`), "peak_frequency");
    else names.push("mean_shift", "shift_at");
  }
  return names;
}

/** Value of quantile q of sorted values (linear interpolation between order statistics). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Sign changes between consecutive non-zero values of x - level, per step (n - 1 steps). */
function crossingRate(x: ArrayLike<number>, level: number): number {
  let count = 0;
  let last = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t] - level;
    if (v === 0) continue;
    if (last !== 0 && v * last < 0) count++;
    last = v;
  }
  return x.length > 1 ? count / (x.length - 1) : 0;
}

const tables = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/** cos and sin of 2 pi j / n for j = 0 .. n-1 (cached per n). */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = tables.get(n);
  if (t === undefined) {
    const cos = new Float64Array(n);
    const sin = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      cos[j] = Math.cos((2 * Math.PI * j) / n);
      sin[j] = Math.sin((2 * Math.PI * j) / n);
    }
    t = { cos, sin };
    if (tables.size > 64) tables.clear();
    tables.set(n, t);
  }
  return t;
}

/** |X_k|^2 of the DFT of x for k = 1 .. floor(n / 2) (index k - 1). */
export function powerSpectrum(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const K = Math.floor(n / 2);
  const { cos, sin } = twiddles(n);
  const out = new Float64Array(K);
  for (let k = 1; k <= K; k++) {
    let re = 0;
    let im = 0;
    let j = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * cos[j];
      im -= x[t] * sin[j];
      j += k;
      if (j >= n) j -= n;
    }
    out[k - 1] = re * re + im * im;
  }
  return out;
}

/**
 * Writes the features of series `x` into `out` from `offset` (seriesFeatureNames(options).length
 * values); returns the offset after the last one. `x` must be non-empty and finite.
 */
export function writeSeriesFeatures(x: ArrayLike<number>, options: SeriesOptions, out: Float64Array, offset = 0): number {
  const o = resolve(options);
  const n = x.length;
  let sum = 0;
  for (let t = 0; t < n; t++) sum += x[t];
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 0; t < n; t++) {
    const d = x[t] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const ss = m2;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  let p = offset;
  for (const g of o.groups) {
    if (g === "level") {
      const sorted = Float64Array.from(x).sort();
      out[p++] = mean;
      out[p++] = Math.sqrt(m2);
      out[p++] = sorted[0];
      out[p++] = sorted[n - 1];
      for (const q of o.quantiles) out[p++] = quantileSorted(sorted, q);
    } else if (g === "trend") {
      // Slope of the least-squares line through (t, x_t), t = 0 .. n-1.
      const tMean = (n - 1) / 2;
      let num = 0;
      let den = 0;
      for (let t = 0; t < n; t++) {
        num += (t - tMean) * (x[t] - mean);
        den += (t - tMean) * (t - tMean);
      }
      out[p++] = den > 0 ? num / den : 0;
      out[p++] = x[n - 1] - x[0];
    } else if (g === "shape") {
      out[p++] = m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
      out[p++] = m2 > 0 ? m4 / (m2 * m2) - 3 : 0;
      out[p++] = crossingRate(x, 0);
      out[p++] = crossingRate(x, mean);
      let peaks = 0;
      for (let t = 1; t < n - 1; t++) if (x[t] > x[t - 1] && x[t] > x[t + 1]) peaks++;
      out[p++] = peaks / n;
    } else if (g === "dependence") {
      for (const lag of o.lags) {
        let acc = 0;
        for (let t = 0; t + lag < n; t++) acc += (x[t] - mean) * (x[t + lag] - mean);
        out[p++] = ss > 0 && lag < n ? acc / ss : 0;
      }
    } else if (g === "spectrum") {
      const centred = new Float64Array(n);
      for (let t = 0; t < n; t++) centred[t] = x[t] - mean;
      const power = powerSpectrum(centred);
      const K = power.length;
      let total = 0;
      let peak = -1;
      for (let k = 0; k < K; k++) {
        total += power[k];
        if (peak < 0 || power[k] > power[peak]) peak = k;
      }
      for (let b = 0; b < o.bands; b++) out[p + b] = 0;
      if (total > 0) for (let k = 0; k < K; k++) out[p + Math.floor((k * o.bands) / K)] += power[k] / total;
      p += o.bands;
      out[p++] = total > 0 ? (peak + 1) / n : 0;
    } else {
      const [shift, at] = largestMeanShift(x, o.minSegment ?? Math.max(2, Math.floor(n / 10)));
      out[p++] = shift;
      out[p++] = at;
    }
  }
  return p;
}

/**
 * The largest shift in mean: over splits k (minSegment <= k <= n - minSegment), the one maximising
 * |mean(x[k:]) - mean(x[:k])| * sqrt(k (n - k) / n); returns [mean after - mean before, k / n],
 * or [0, 0] when the series is too short for two segments.
 */
export function largestMeanShift(x: ArrayLike<number>, minSegment: number): [number, number] {
  const n = x.length;
  let total = 0;
  for (let t = 0; t < n; t++) total += x[t];
  let before = 0;
  let best = -1;
  let shift = 0;
  let at = 0;
  for (let k = 1; k < n; k++) {
    before += x[k - 1];
    if (k < minSegment || n - k < minSegment) continue;
    const d = (total - before) / (n - k) - before / k;
    const score = Math.abs(d) * Math.sqrt((k * (n - k)) / n);
    if (score > best) {
      best = score;
      shift = d;
      at = k / n;
    }
  }
  return [shift, at];
}

/** Features of one series (see the module comment). */
export function seriesFeatures(x: ArrayLike<number>, options: SeriesOptions = {}): Float64Array {
  const out = new Float64Array(seriesFeatureNames(options).length);
  writeSeriesFeatures(x, options, out);
  return out;
}

/** One item: a series, or one aligned series per sensor. */
export type SeriesItem = ArrayLike<number> | readonly ArrayLike<number>[];

export interface SeriesMatrixOptions extends SeriesOptions {
  /** Sensor names (prefixes of the feature names, "sensor:mean"); default s0, s1, ... for several, none for one. */
  readonly sensors?: readonly string[];
  /** Where the items came from, for error locations. */
  readonly source?: string;
  /** Row number of each item for errors (default i + 1). */
  readonly rowNumbers?: ArrayLike<number>;
}

const isSingle = (item: SeriesItem): item is ArrayLike<number> => item.length === 0 || typeof item[0] === "number";

/**
 * The feature table of `items`, one row per item; each sensor's features in turn.
 *
 * @throws BadInputError naming the row (and sensor, position) of an empty series, a non-finite
 *   value or an item with another number of sensors than the first
 */
export function seriesMatrix(items: readonly SeriesItem[], options: SeriesMatrixOptions = {}): { X: DenseMatrix; names: string[] } {
  const base = seriesFeatureNames(options);
  const sensorsOf = (item: SeriesItem): readonly ArrayLike<number>[] => (isSingle(item) ? [item] : item);
  const nSensors = items.length === 0 ? 1 : sensorsOf(items[0]).length;
  const sensorNames = options.sensors ?? (nSensors === 1 && (items.length === 0 || isSingle(items[0])) ? [""] : Array.from({ length: nSensors }, (_, s) => `s${s}`));
  if (sensorNames.length !== nSensors) throw new BadOptionError([`${sensorNames.length} sensor names for ${nSensors} sensors`]);
  const names = sensorNames.flatMap((s) => base.map((b) => (s === "" ? b : `${s}:${b}`)));
  const width = names.length;
  const X = dense(items.length, width);
  items.forEach((item, i) => {
    const where: InputLocation = { ...(options.source !== undefined ? { file: options.source } : {}), row: options.rowNumbers?.[i] ?? i + 1 };
    const sensors = sensorsOf(item);
    if (sensors.length !== nSensors) throw new BadInputError(`${sensors.length} sensors, but the first item has ${nSensors}`, where);
    sensors.forEach((x, s) => {
      const who = sensorNames[s] === "" ? "series" : `sensor "${sensorNames[s]}"`;
      if (x.length === 0) throw new BadInputError(`${who} is empty`, where);
      for (let t = 0; t < x.length; t++) if (!Number.isFinite(x[t])) throw new BadInputError(`${who} has a non-finite value (${x[t]}) at position ${t + 1}`, where);
      writeSeriesFeatures(x, options, X.data, i * width + s * base.length);
    });
  });
  return { X, names };
}

/**
 * Cuts a long series into windows of `length` points every `step` points (the last partial window
 * dropped): views into `series`, no copies.
 */
export function slidingWindows(series: Float64Array, length: number, step = length): Float64Array[] {
  if (!Number.isInteger(length) || length < 1 || !Number.isInteger(step) || step < 1) throw new BadOptionError([`window length and step must be whole numbers >= 1, got ${length} and ${step}`]);
  const out: Float64Array[] = [];
  for (let s = 0; s + length <= series.length; s += step) out.push(series.subarray(s, s + length));
  return out;
}
