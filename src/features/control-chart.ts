/**
 * The synthetic control-chart series of Alcock & Manolopoulos, "Time-Series Similarity Queries
 * Employing a Feature-Based Approach" (1999), the source of the UCI "Synthetic Control Chart Time
 * Series" data: six classes of process readings around a mean m = 30 with noise s * r, s = 2,
 * r uniform in [-3, 3] drawn anew at every time t = 1 .. n:
 *
 *   normal            y(t) = m + r s
 *   cyclic            y(t) = m + r s + a sin(2 pi t / T),  a, T uniform in [10, 15]
 *   increasing trend  y(t) = m + r s + g t,                g uniform in [0.2, 0.5]
 *   decreasing trend  y(t) = m + r s - g t
 *   upward shift      y(t) = m + r s + k x,  x uniform in [7.5, 20], k = 0 before t3, 1 from t3 on,
 *   downward shift    y(t) = m + r s - k x   t3 a whole number uniform in [n / 3, 2 n / 3]
 *
 * Series come grouped by class (perClass of each, in the order above), every draw from one seeded
 * Rng, so a seed gives one dataset. A benchmark and test source for the series features.
 *
 * @example
 * const d = controlCharts({ perClass: 100, length: 60, seed: 0 }); // 600 series, 6 labels
 */
import { BadOptionError } from "../errors.js";
import { Rng } from "../linalg/rng.js";

export const controlChartClasses = ["normal", "cyclic", "increasing_trend", "decreasing_trend", "upward_shift", "downward_shift"] as const;
export type ControlChartClass = (typeof controlChartClasses)[number];

/** The drawn parameters of one series (only those of its class are set). */
export interface ControlChartParams {
  readonly a?: number;
  readonly T?: number;
  readonly g?: number;
  readonly x?: number;
  /** First time (1-based) of the shifted level. */
  readonly t3?: number;
}

export interface ControlChartOptions {
  /** Series per class (default 100, as in the UCI data). */
  readonly perClass?: number;
  /** Points per series (default 60). */
  readonly length?: number;
  readonly seed: number;
}

export interface ControlCharts {
  readonly series: Float64Array[];
  readonly labels: ControlChartClass[];
  readonly params: ControlChartParams[];
}

/** The published constants. */
export const CONTROL_CHART = { m: 30, s: 2, r: 3, a: [10, 15], T: [10, 15], g: [0.2, 0.5], x: [7.5, 20] } as const;

/** Generates perClass series of each of the six classes. */
export function controlCharts(options: ControlChartOptions): ControlCharts {
  const perClass = options.perClass ?? 100;
  const n = options.length ?? 60;
  const problems: string[] = [];
  if (!Number.isInteger(perClass) || perClass < 1) problems.push(`perClass must be a whole number >= 1, got ${perClass}`);
  if (!Number.isInteger(n) || n < 3) problems.push(`length must be a whole number >= 3, got ${n}`);
  if (problems.length > 0) throw new BadOptionError(problems);
  const rng = new Rng(options.seed);
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng.next();
  const { m, s, r } = CONTROL_CHART;
  const series: Float64Array[] = [];
  const labels: ControlChartClass[] = [];
  const params: ControlChartParams[] = [];
  for (const cls of controlChartClasses) {
    for (let i = 0; i < perClass; i++) {
      let p: ControlChartParams = {};
      if (cls === "cyclic") p = { a: uniform(10, 15), T: uniform(10, 15) };
      else if (cls === "increasing_trend" || cls === "decreasing_trend") p = { g: uniform(0.2, 0.5) };
      else if (cls === "upward_shift" || cls === "downward_shift") {
        const lo = Math.ceil(n / 3);
        const hi = Math.floor((2 * n) / 3);
        p = { x: uniform(7.5, 20), t3: lo + rng.int(hi - lo + 1) };
      }
      const y = new Float64Array(n);
      for (let t = 1; t <= n; t++) {
        let v = m + s * uniform(-r, r);
        if (cls === "cyclic") v += (p.a ?? 0) * Math.sin((2 * Math.PI * t) / (p.T ?? 1));
        else if (cls === "increasing_trend") v += (p.g ?? 0) * t;
        else if (cls === "decreasing_trend") v -= (p.g ?? 0) * t;
        else if (cls === "upward_shift" && t >= (p.t3 ?? Infinity)) v += p.x ?? 0;
        else if (cls === "downward_shift" && t >= (p.t3 ?? Infinity)) v -= p.x ?? 0;
        y[t - 1] = v;
      }
      series.push(y);
      labels.push(cls);
      params.push(p);
    }
  }
  return { series, labels, params };
}
