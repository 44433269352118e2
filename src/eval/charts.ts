/**
 * Two reusable SVG charts built on ./svg.ts: a line chart with optional ±sd bands, reference
 * rules and a legend placed where it hides the least data; and a horizontal bar chart.
 *
 * @example
 * renderLineChart({ id: "curve", xLabel: "Labels", yLabel: "Accuracy",
 *   series: [{ name: "margin", x: [10, 20], y: [0.5, 0.6], color: "#0072B2" }] });
 */
import {
  type LegendEntry,
  type PlotArea,
  escapeXml,
  formatNumber,
  legendSize,
  linearScale,
  linePath,
  bandPath,
  niceTicks,
  px,
  renderAxes,
  renderLegend,
  snapDown,
  snapUp,
  textWidth,
} from "./svg.js";

export interface LineSeries {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly color: string;
  /** A translucent band from lower to upper (e.g. mean ± sd), drawn under the line. */
  readonly band?: { readonly lower: readonly number[]; readonly upper: readonly number[] };
  /** SVG stroke-dasharray, e.g. "6 4". */
  readonly dash?: string;
  readonly strokeWidth?: number;
  readonly opacity?: number;
  /** Extra CSS class on the line's path (e.g. to tell reference lines apart). */
  readonly className?: string;
  /** Include in the legend (default true). */
  readonly legend?: boolean;
}

/** A horizontal line across the plot at y, labelled at its left end (e.g. "all labels: 0.969"). */
export interface HorizontalRule {
  readonly y: number;
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
}

export interface LineChartSpec {
  /** Unique within the page (used for the clip-path id). */
  readonly id: string;
  readonly width?: number;
  readonly height?: number;
  /** Accessible title (<title>), not drawn. */
  readonly title?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly rules?: readonly HorizontalRule[];
  /** Legend rows added after the series' own rows (e.g. one row standing for a group of lines). */
  readonly extraLegend?: readonly LegendEntry[];
  /** Bounds the y range may not leave, e.g. [0, 1] for accuracy. */
  readonly yClamp?: readonly [number, number];
  /** Start the x axis at 0 rather than just below the smallest x. */
  readonly xFromZero?: boolean;
  readonly formatX?: (v: number) => string;
  /** Tick label format; default: as many decimals as the tick step needs. */
  readonly formatY?: (v: number) => string;
}

const MARGIN = { top: 16, right: 20, bottom: 54, left: 66 };

function finite(values: Iterable<number>): number[] {
  const out: number[] = [];
  for (const v of values) if (Number.isFinite(v)) out.push(v);
  return out;
}

/** The y range: data (bands included) padded by 5% of its span, clamped. */
export function yRange(spec: Pick<LineChartSpec, "series" | "rules" | "yClamp">): [number, number] {
  const ys: number[] = [];
  for (const s of spec.series) {
    ys.push(...finite(s.y));
    if (s.band) ys.push(...finite(s.band.lower), ...finite(s.band.upper));
  }
  for (const r of spec.rules ?? []) if (Number.isFinite(r.y)) ys.push(r.y);
  if (ys.length === 0) return spec.yClamp ? [spec.yClamp[0], spec.yClamp[1]] : [0, 1];
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(hi) * 0.05, 0.01);
  lo -= pad;
  hi += pad;
  if (spec.yClamp) {
    lo = Math.max(lo, spec.yClamp[0]);
    hi = Math.min(hi, spec.yClamp[1]);
  }
  return [lo, hi];
}

/** Counts series points (sampled densely along each segment) inside a box: how much a legend there would hide. */
function occlusion(
  series: readonly LineSeries[],
  x: (v: number) => number,
  y: (v: number) => number,
  box: { x: number; y: number; width: number; height: number },
): number {
  let hits = 0;
  const inside = (a: number, b: number): boolean =>
    a >= box.x - 4 && a <= box.x + box.width + 4 && b >= box.y - 4 && b <= box.y + box.height + 4;
  for (const s of series) {
    const curves = [s.y, ...(s.band ? [s.band.lower, s.band.upper] : [])];
    for (const c of curves) {
      for (let i = 0; i + 1 < s.x.length; i++) {
        const [x0, y0, x1, y1] = [x(s.x[i]), y(c[i]), x(s.x[i + 1]), y(c[i + 1])];
        if (![x0, y0, x1, y1].every(Number.isFinite)) continue;
        for (let t = 0; t <= 8; t++) if (inside(x0 + ((x1 - x0) * t) / 8, y0 + ((y1 - y0) * t) / 8)) hits++;
      }
    }
  }
  return hits;
}

/** A line chart as an <svg> element string (viewBox-scaled, so it shrinks with its container). */
export function renderLineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 420;
  const area: PlotArea = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom,
  };

  const xs = finite(spec.series.flatMap((s) => s.x));
  const xMinData = xs.length ? Math.min(...xs) : 0;
  const xMaxData = xs.length ? Math.max(...xs) : 1;
  const xTicks0 = niceTicks(spec.xFromZero ? Math.min(0, xMinData) : xMinData, xMaxData, 8);
  const xDomain: [number, number] = [
    spec.xFromZero ? Math.min(0, xMinData) : snapDown(xMinData, xTicks0.step),
    snapUp(xMaxData, xTicks0.step),
  ];
  const xTicks = niceTicks(xDomain[0], xDomain[1], 8);
  const yDomain = yRange(spec);
  const yTicks = niceTicks(yDomain[0], yDomain[1], 6);
  const x = linearScale(xDomain, [area.left, area.left + area.width]);
  const y = linearScale(yDomain, [area.top + area.height, area.top]);
  const formatX = spec.formatX ?? ((v: number) => formatNumber(v, xTicks.decimals));
  const formatY = spec.formatY ?? ((v: number) => formatNumber(v, yTicks.decimals));

  const clipId = `${spec.id}-clip`;
  const parts: string[] = [
    `<svg class="al-chart al-line-chart" id="${escapeXml(spec.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif">`,
  ];
  if (spec.title) parts.push(`<title>${escapeXml(spec.title)}</title>`);
  parts.push(
    // The clip keeps bands inside the plot vertically, with a little room at the sides for line caps.
    `<defs><clipPath id="${escapeXml(clipId)}"><rect x="${area.left - 4}" y="${area.top}" width="${area.width + 8}" height="${area.height}"/></clipPath></defs>`,
  );
  parts.push(
    renderAxes({
      area,
      x,
      y,
      xTicks: xTicks.values,
      yTicks: yTicks.values,
      formatX,
      formatY,
      xLabel: spec.xLabel,
      yLabel: spec.yLabel,
      grid: "both",
    }),
  );

  parts.push(`<g clip-path="url(#${escapeXml(clipId)})">`);
  for (const s of spec.series) {
    if (!s.band) continue;
    const d = bandPath(
      s.x.map(x),
      s.band.lower.map(y),
      s.band.upper.map(y),
    );
    if (d) parts.push(`<path class="al-band" data-series="${escapeXml(s.name)}" d="${d}" fill="${escapeXml(s.color)}" fill-opacity="0.15" stroke="none"/>`);
  }
  for (const r of spec.rules ?? []) {
    if (!Number.isFinite(r.y)) continue;
    const ry = px(y(r.y));
    const dash = r.dash ? ` stroke-dasharray="${escapeXml(r.dash)}"` : "";
    parts.push(
      `<line class="al-rule" x1="${area.left}" x2="${area.left + area.width}" y1="${ry}" y2="${ry}" stroke="${escapeXml(r.color)}" stroke-width="1.5"${dash}/>`,
    );
  }
  for (const s of spec.series) {
    const d = linePath(s.x.map((v, i) => [x(v), y(s.y[i])] as const));
    if (!d) continue;
    const dash = s.dash ? ` stroke-dasharray="${escapeXml(s.dash)}"` : "";
    const opacity = s.opacity !== undefined ? ` stroke-opacity="${s.opacity}"` : "";
    const cls = s.className ? `al-line ${s.className}` : "al-line";
    parts.push(
      `<path class="${escapeXml(cls)}" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="${s.strokeWidth ?? 2.5}" stroke-linejoin="round" stroke-linecap="round"${dash}${opacity}/>`,
    );
  }
  parts.push("</g>");
  // Each rule's label goes at whichever end of the line, above or below it, crosses the fewest curves.
  const labelBoxes: { x: number; y: number; width: number; height: number }[] = [];
  for (const r of spec.rules ?? []) {
    if (!Number.isFinite(r.y) || r.y < yDomain[0] || r.y > yDomain[1]) continue;
    const ry = y(r.y);
    const w = textWidth(r.label, 12);
    const candidates = [
      { x: area.left + 8, baseline: ry - 6, anchor: "start" },
      { x: area.left + 8, baseline: ry + 15, anchor: "start" },
      { x: area.left + area.width - 8, baseline: ry - 6, anchor: "end" },
      { x: area.left + area.width - 8, baseline: ry + 15, anchor: "end" },
    ].filter((c) => c.baseline - 11 >= area.top && c.baseline + 3 <= area.top + area.height);
    let chosen = candidates[0] ?? { x: area.left + 8, baseline: ry - 6, anchor: "start" };
    let fewest = Infinity;
    for (const c of candidates) {
      const box = { x: c.anchor === "end" ? c.x - w : c.x, y: c.baseline - 11, width: w, height: 14 };
      const hits = occlusion(spec.series, x, y, box);
      if (hits < fewest) {
        fewest = hits;
        chosen = c;
      }
    }
    labelBoxes.push({ x: chosen.anchor === "end" ? chosen.x - w : chosen.x, y: chosen.baseline - 11, width: w, height: 14 });
    parts.push(
      `<text class="al-rule-label" x="${px(chosen.x)}" y="${px(chosen.baseline)}" text-anchor="${chosen.anchor}" font-size="12" fill="${escapeXml(r.color)}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(r.label)}</text>`,
    );
  }

  const legend: LegendEntry[] = [
    ...spec.series
      .filter((s) => s.legend !== false)
      .map((s): LegendEntry => ({ label: s.name, color: s.color, kind: "line", dash: s.dash, strokeWidth: s.strokeWidth, band: !!s.band })),
    ...(spec.extraLegend ?? []),
  ];
  if (legend.length > 0) {
    const size = legendSize(legend);
    const inset = 10;
    const corners = [
      { x: area.left + area.width - size.width - inset, y: area.top + area.height - size.height - inset },
      { x: area.left + area.width - size.width - inset, y: area.top + inset },
      { x: area.left + inset, y: area.top + area.height - size.height - inset },
      { x: area.left + inset, y: area.top + inset },
    ];
    let best = corners[0];
    let bestHits = Infinity;
    for (const c of corners) {
      const box = { ...c, ...size };
      // Covering a rule's label is worse than covering a stretch of line.
      const covered = labelBoxes.filter(
        (l) => l.x < box.x + box.width && box.x < l.x + l.width && l.y < box.y + box.height && box.y < l.y + l.height,
      ).length;
      const hits = occlusion(spec.series, x, y, box) + 1000 * covered;
      if (hits < bestHits) {
        best = c;
        bestHits = hits;
      }
    }
    parts.push(renderLegend(legend, best.x, best.y));
  }
  parts.push("</svg>");
  return parts.join("");
}

export interface Bar {
  readonly label: string;
  /** null draws no bar, only the value label (e.g. "did not match"). */
  readonly value: number | null;
  readonly color: string;
  /** Text at the bar's end, e.g. "160 (53%)". */
  readonly valueLabel: string;
  /** An interval drawn as a whisker across the bar's end (e.g. a 95% bootstrap interval). */
  readonly interval?: { readonly low: number; readonly high: number };
  /** Drawn pale (a value shown but not claimed). */
  readonly faded?: boolean;
}

export interface BarChartSpec {
  readonly id: string;
  readonly width?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly bars: readonly Bar[];
  /** Right end of the axis (default: the largest value, rounded up to a nice tick). */
  readonly xMax?: number;
  readonly formatX?: (v: number) => string;
}

/** A horizontal bar chart, one row per bar, as an <svg> string; its height follows the number of bars. */
export function renderBarChart(spec: BarChartSpec): string {
  const width = spec.width ?? 760;
  const rowHeight = 34;
  const barHeight = 22;
  const labelWidth = Math.ceil(Math.max(60, ...spec.bars.map((b) => textWidth(b.label, 13))) + 16);
  const valueRoom = Math.ceil(Math.max(40, ...spec.bars.map((b) => textWidth(b.valueLabel, 12))) + 12);
  const top = 10;
  const area: PlotArea = {
    left: labelWidth,
    top,
    width: Math.max(120, width - labelWidth - valueRoom - 10),
    height: Math.max(1, spec.bars.length) * rowHeight,
  };
  const height = top + area.height + (spec.xLabel ? 50 : 30);
  const values = finite(spec.bars.map((b) => b.value ?? NaN));
  const maxValue = spec.xMax ?? Math.max(1, ...values);
  const ticks = niceTicks(0, maxValue, 6);
  const xMax = spec.xMax ?? snapUp(maxValue, ticks.step);
  const x = linearScale([0, xMax], [area.left, area.left + area.width]);
  const formatX = spec.formatX ?? ((v: number) => formatNumber(v, ticks.decimals));

  const parts: string[] = [
    `<svg class="al-chart al-bar-chart" id="${escapeXml(spec.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif">`,
  ];
  if (spec.title) parts.push(`<title>${escapeXml(spec.title)}</title>`);
  parts.push(
    renderAxes({
      area,
      x,
      y: () => 0,
      xTicks: ticks.values.filter((v) => v <= xMax + 1e-9),
      yTicks: [],
      formatX,
      formatY: () => "",
      xLabel: spec.xLabel,
      grid: "x",
    }),
  );
  spec.bars.forEach((b, i) => {
    const cy = top + i * rowHeight + rowHeight / 2;
    parts.push(
      `<text class="al-bar-label" x="${labelWidth - 10}" y="${px(cy)}" text-anchor="end" dominant-baseline="middle" font-size="13" fill="#222">${escapeXml(b.label)}</text>`,
    );
    let end = area.left;
    if (b.value !== null && Number.isFinite(b.value)) {
      const w = Math.max(0, x(Math.min(Math.max(b.value, 0), xMax)) - area.left);
      end = area.left + w;
      parts.push(
        `<rect class="al-bar" data-series="${escapeXml(b.label)}" x="${area.left}" y="${px(cy - barHeight / 2)}" width="${px(w)}" height="${barHeight}" fill="${escapeXml(b.color)}" rx="2"${b.faded === true ? ' fill-opacity="0.4"' : ""}/>`,
      );
    }
    if (b.interval !== undefined && Number.isFinite(b.interval.low) && Number.isFinite(b.interval.high)) {
      const clamp = (v: number): number => x(Math.min(Math.max(v, 0), xMax));
      const lo = clamp(b.interval.low);
      const hi = clamp(b.interval.high);
      const cap = barHeight / 2 - 3;
      parts.push(
        `<path class="al-bar-interval" d="M${px(lo)} ${px(cy)}H${px(hi)}M${px(lo)} ${px(cy - cap)}V${px(cy + cap)}M${px(hi)} ${px(cy - cap)}V${px(cy + cap)}" stroke="#222" stroke-width="1.5" fill="none"/>`,
      );
      end = Math.max(end, hi);
    }
    const muted = b.value === null || !Number.isFinite(b.value);
    parts.push(
      `<text class="al-bar-value" x="${px(end + 6)}" y="${px(cy)}" dominant-baseline="middle" font-size="12" fill="${muted ? "#666" : "#222"}"${muted ? ' font-style="italic"' : ""}>${escapeXml(b.valueLabel)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
