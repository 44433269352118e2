/**
 * Small, dependency-free helpers for hand-written SVG charts: escaping, number formatting,
 * "nice" axis ticks, linear scales, line and band paths, axes with gridlines, and legends.
 * Everything returns strings, so the same helpers serve a static HTML report and a dashboard.
 *
 * @example
 * const t = niceTicks(0.43, 0.97, 6); // { step: 0.1, decimals: 1, values: [0.5, 0.6, ..., 0.9] }
 * const y = linearScale([0.4, 1], [380, 20]);
 * linePath([[10, y(0.5)], [20, y(0.6)]]); // "M10,320L20,260"
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML/SVG text content and (quoted) attribute values. */
export function escapeXml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A fixed-decimals number, "—" when not finite, never "-0.000". */
export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return "—";
  const s = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** An integer with thousands separators (1,797), "—" when not finite; locale-independent. */
export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const s = Math.round(Math.abs(value)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return value < 0 && Math.round(value) !== 0 ? `-${s}` : s;
}

/** Axis ticks: a step of 1, 2 or 5 times a power of ten, and the multiples of it in range. */
export interface Ticks {
  readonly step: number;
  /** Decimals needed to print every tick exactly (0 for integer steps). */
  readonly decimals: number;
  readonly values: number[];
}

/** The smallest step of the form {1, 2, 5} x 10^k that is at least `rough` (rough > 0). */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const exponent = Math.floor(Math.log10(rough));
  const power = 10 ** exponent;
  const fraction = rough / power;
  // The 1e-9 slack keeps 0.1/0.1 = 1.0000000000000002 from jumping to the next step.
  const nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
  return nice * power;
}

/**
 * Nice ticks for [min, max]: a {1, 2, 5} x 10^k step giving at most about `target` intervals,
 * and every multiple of the step inside the range (inclusive, tolerant of float error).
 * A degenerate range (min == max) gives the single tick min.
 */
export function niceTicks(min: number, max: number, target = 5): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { step: 1, decimals: 0, values: [] };
  if (max < min) [min, max] = [max, min];
  const span = max - min;
  const step = span > 0 ? niceStep(span / Math.max(1, target)) : niceStep(Math.abs(min) || 1);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (span === 0) return { step, decimals, values: [min] };
  const eps = 1e-9;
  const first = Math.ceil(min / step - eps);
  const last = Math.floor(max / step + eps);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { step, decimals, values };
}

/** Rounds `value` down (or up) to a multiple of `step`, tolerant of float error. */
export function snapDown(value: number, step: number): number {
  return Math.floor(value / step + 1e-9) * step;
}
export function snapUp(value: number, step: number): number {
  return Math.ceil(value / step - 1e-9) * step;
}

/** A linear map from `domain` to `range`; a zero-width domain maps to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A coordinate rounded to 0.1 px, to keep paths short. */
export function px(v: number): string {
  return formatNumber(Math.round(v * 10) / 10, Number.isInteger(Math.round(v * 10) / 10) ? 0 : 1);
}

/** An SVG path through the points; non-finite points break the line into separate segments. */
export function linePath(points: readonly (readonly [number, number])[]): string {
  let d = "";
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${px(x)},${px(y)}`;
    pen = true;
  }
  return d;
}

/** A closed SVG path between an upper and a lower curve over the same x (points with any non-finite value are skipped). */
export function bandPath(xs: readonly number[], lower: readonly number[], upper: readonly number[]): string {
  const idx: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (Number.isFinite(xs[i]) && Number.isFinite(lower[i]) && Number.isFinite(upper[i])) idx.push(i);
  }
  if (idx.length === 0) return "";
  const top = idx.map((i) => [xs[i], upper[i]] as const);
  const bottom = idx.reverse().map((i) => [xs[i], lower[i]] as const);
  return `${linePath(top)}${linePath(bottom).replace(/^M/, "L")}Z`;
}

/** Rough width in px of `text` at `fontSize` in a sans-serif face (good enough to lay out labels). */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) {
    if (/[il.,:;'|!1 ]/.test(ch)) units += 0.33;
    else if (/[mwMW@%]/.test(ch)) units += 0.85;
    else if (/[A-Z0-9]/.test(ch)) units += 0.64;
    else units += 0.55;
  }
  return units * fontSize;
}

/** The plot area inside a chart: where data is drawn, with margins for axes around it. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface AxesSpec {
  readonly area: PlotArea;
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  readonly formatX: (v: number) => string;
  readonly formatY: (v: number) => string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Gridlines across the plot at each tick (default: horizontal only). */
  readonly grid?: "x" | "y" | "both" | "none";
}

/** Axis lines, ticks, tick labels, axis titles and gridlines (drawn first, under the data). */
export function renderAxes(spec: AxesSpec): string {
  const { area, x, y } = spec;
  const grid = spec.grid ?? "y";
  const bottom = area.top + area.height;
  const right = area.left + area.width;
  const parts: string[] = ['<g class="al-axes" font-size="12" fill="#444">'];
  for (const v of spec.yTicks) {
    const py = px(y(v));
    if (grid === "y" || grid === "both") {
      parts.push(`<line class="al-grid" x1="${px(area.left)}" x2="${px(right)}" y1="${py}" y2="${py}" stroke="#e3e3e3"/>`);
    }
    parts.push(`<line x1="${px(area.left - 5)}" x2="${px(area.left)}" y1="${py}" y2="${py}" stroke="#888"/>`);
    parts.push(`<text x="${px(area.left - 8)}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(spec.formatY(v))}</text>`);
  }
  for (const v of spec.xTicks) {
    const pxv = px(x(v));
    if (grid === "x" || grid === "both") {
      parts.push(`<line class="al-grid" x1="${pxv}" x2="${pxv}" y1="${px(area.top)}" y2="${px(bottom)}" stroke="#e3e3e3"/>`);
    }
    parts.push(`<line x1="${pxv}" x2="${pxv}" y1="${px(bottom)}" y2="${px(bottom + 5)}" stroke="#888"/>`);
    parts.push(`<text x="${pxv}" y="${px(bottom + 19)}" text-anchor="middle">${escapeXml(spec.formatX(v))}</text>`);
  }
  parts.push(`<line x1="${px(area.left)}" x2="${px(right)}" y1="${px(bottom)}" y2="${px(bottom)}" stroke="#888"/>`);
  parts.push(`<line x1="${px(area.left)}" x2="${px(area.left)}" y1="${px(area.top)}" y2="${px(bottom)}" stroke="#888"/>`);
  if (spec.xLabel) {
    parts.push(
      `<text class="al-axis-title" x="${px(area.left + area.width / 2)}" y="${px(bottom + 40)}" text-anchor="middle" font-size="13" fill="#222">${escapeXml(spec.xLabel)}</text>`,
    );
  }
  if (spec.yLabel) {
    const cx = area.left - 48;
    const cy = area.top + area.height / 2;
    parts.push(
      `<text class="al-axis-title" x="${px(cx)}" y="${px(cy)}" transform="rotate(-90 ${px(cx)} ${px(cy)})" text-anchor="middle" font-size="13" fill="#222">${escapeXml(spec.yLabel)}</text>`,
    );
  }
  parts.push("</g>");
  return parts.join("");
}

/** One legend row: a line sample (optionally dashed, optionally over a band swatch) or a filled swatch. */
export interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly kind: "line" | "swatch";
  readonly dash?: string;
  readonly strokeWidth?: number;
  /** Draw a translucent band behind the line sample. */
  readonly band?: boolean;
}

const LEGEND_FONT = 12;
const LEGEND_ROW = 18;
const LEGEND_SAMPLE = 26;
const LEGEND_PAD = 8;

/** The size of the legend box renderLegend draws for these entries. */
export function legendSize(entries: readonly LegendEntry[]): { width: number; height: number } {
  const widest = entries.reduce((w, e) => Math.max(w, textWidth(e.label, LEGEND_FONT)), 0);
  return {
    width: Math.ceil(LEGEND_PAD * 2 + LEGEND_SAMPLE + 6 + widest),
    height: LEGEND_PAD * 2 + entries.length * LEGEND_ROW - 4,
  };
}

/** A boxed legend with its top-left corner at (x, y). */
export function renderLegend(entries: readonly LegendEntry[], x: number, y: number): string {
  if (entries.length === 0) return "";
  const { width, height } = legendSize(entries);
  const parts: string[] = [
    `<g class="al-legend" font-size="${LEGEND_FONT}" fill="#222">`,
    `<rect x="${px(x)}" y="${px(y)}" width="${width}" height="${height}" rx="4" fill="#fff" fill-opacity="0.92" stroke="#ccc"/>`,
  ];
  entries.forEach((e, i) => {
    const cy = y + LEGEND_PAD + 7 + i * LEGEND_ROW;
    const sx = x + LEGEND_PAD;
    const color = escapeXml(e.color);
    if (e.kind === "swatch") {
      parts.push(`<rect x="${px(sx)}" y="${px(cy - 6)}" width="${LEGEND_SAMPLE}" height="12" fill="${color}"/>`);
    } else {
      if (e.band) {
        parts.push(`<rect x="${px(sx)}" y="${px(cy - 6)}" width="${LEGEND_SAMPLE}" height="12" fill="${color}" fill-opacity="0.18"/>`);
      }
      const dash = e.dash ? ` stroke-dasharray="${escapeXml(e.dash)}"` : "";
      parts.push(
        `<line x1="${px(sx)}" x2="${px(sx + LEGEND_SAMPLE)}" y1="${px(cy)}" y2="${px(cy)}" stroke="${color}" stroke-width="${e.strokeWidth ?? 2.5}"${dash}/>`,
      );
    }
    parts.push(`<text x="${px(sx + LEGEND_SAMPLE + 6)}" y="${px(cy)}" dominant-baseline="middle">${escapeXml(e.label)}</text>`);
  });
  parts.push("</g>");
  return parts.join("");
}

/**
 * Colour-blind-safe categorical colours (Okabe & Ito, without the yellow that vanishes on
 * white), and a neutral grey for a baseline.
 */
export const PALETTE: readonly string[] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
export const BASELINE_GREY = "#7a7a7a";
