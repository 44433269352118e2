/**
 * Two small SVG charts built with DOM APIs (createElementNS, textContent): a learning curve and
 * horizontal bars. Same visual language as the HTML report: Okabe-Ito colours, grey gridlines,
 * 12px axis text in the system sans-serif.
 *
 * @example
 * box.replaceChildren(learningCurve([{ labels: 20, accuracy: 0.71 }, { labels: 40, accuracy: 0.8 }]));
 */
import type { CurvePoint } from "./api.js";
import { svg } from "./dom.js";
import { formatInt, formatPercent } from "./format.js";

/** Colour-blind-safe categorical colours (Okabe & Ito, without the yellow). */
export const PALETTE: readonly string[] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Ticks at a step of 1, 2 or 5 x 10^k, about `target` intervals over [min, max]. */
export function ticks(min: number, max: number, target = 5): { step: number; values: number[] } {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return { step: 1, values: [min] };
  const rough = span / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const f = rough / power;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  const values: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) values.push(Number((i * step).toPrecision(12)));
  return { step, values };
}

function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) * (r1 - r0)) / (d1 - d0);
}

const r1 = (v: number): string => String(Math.round(v * 10) / 10);

function root(width: number, height: number, title: string, cls: string): SVGSVGElement {
  const node = svg("svg", { class: `chart ${cls}`, viewBox: `0 0 ${width} ${height}`, role: "img", "font-family": FONT, "aria-label": title });
  node.appendChild(svg("title", {}, title));
  return node;
}

/**
 * A learning curve: estimated accuracy against the number of labels, with the 95% interval of
 * each point (`low`/`high`, when given) drawn as a shaded band around the line.
 */
export function learningCurve(points: readonly CurvePoint[], options: { width?: number; height?: number; target?: number | null } = {}): SVGSVGElement {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const m = { top: 14, right: 22, bottom: 48, left: 62 };
  const pts = points.filter((p) => Number.isFinite(p.labels) && Number.isFinite(p.accuracy)).slice().sort((a, b) => a.labels - b.labels);
  const node = root(width, height, `Learning curve: estimated accuracy over ${pts.length} points`, "curve");

  const xMaxData = Math.max(1, ...pts.map((p) => p.labels));
  const xt = ticks(0, xMaxData, 6);
  const xMax = Math.ceil(xMaxData / xt.step - 1e-9) * xt.step;
  const hasBand = pts.length > 0 && pts.every((p) => p.low !== undefined && p.high !== undefined && Number.isFinite(p.low) && Number.isFinite(p.high));
  const target = options.target ?? null;
  const ys = pts.flatMap((p) => (hasBand ? [p.accuracy, p.low ?? p.accuracy, p.high ?? p.accuracy] : [p.accuracy]));
  if (target !== null && Number.isFinite(target)) ys.push(target);
  let lo = ys.length ? Math.min(...ys) : 0;
  let hi = ys.length ? Math.max(...ys) : 1;
  const pad = hi > lo ? (hi - lo) * 0.08 : 0.05;
  lo = Math.max(0, lo - pad);
  hi = Math.min(1, hi + pad);
  const yt = ticks(lo, hi, 5);
  lo = Math.max(0, Math.floor(lo / yt.step + 1e-9) * yt.step);
  hi = Math.min(1, Math.ceil(hi / yt.step - 1e-9) * yt.step);
  const yTicks = ticks(lo, hi, 5).values;
  const decimals = yt.step * 100 >= 1 - 1e-9 ? 0 : 1;

  const left = m.left;
  const right = width - m.right;
  const top = m.top;
  const bottom = height - m.bottom;
  const x = scale(0, xMax, left, right);
  const y = scale(lo, hi, bottom, top);

  const axes = svg("g", { class: "axes", "font-size": 12, fill: "#444" });
  for (const v of yTicks) {
    const py = r1(y(v));
    axes.append(
      svg("line", { class: "grid", x1: left, x2: right, y1: py, y2: py, stroke: "#e3e3e3" }),
      svg("text", { x: left - 8, y: py, "text-anchor": "end", "dominant-baseline": "middle" }, `${(v * 100).toFixed(decimals)}%`),
    );
  }
  for (const v of xt.values.filter((t) => t <= xMax)) {
    const pxv = r1(x(v));
    axes.append(
      svg("line", { x1: pxv, x2: pxv, y1: bottom, y2: bottom + 5, stroke: "#888" }),
      svg("text", { x: pxv, y: bottom + 19, "text-anchor": "middle" }, formatInt(v)),
    );
  }
  axes.append(
    svg("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#888" }),
    svg("line", { x1: left, x2: left, y1: top, y2: bottom, stroke: "#888" }),
    svg("text", { x: r1((left + right) / 2), y: bottom + 40, "text-anchor": "middle", "font-size": 13, fill: "#222" }, "Labels"),
    svg(
      "text",
      { x: 16, y: r1((top + bottom) / 2), transform: `rotate(-90 16 ${r1((top + bottom) / 2)})`, "text-anchor": "middle", "font-size": 13, fill: "#222" },
      "Estimated accuracy",
    ),
  );
  node.appendChild(axes);
  if (target !== null && Number.isFinite(target)) {
    const ty = r1(y(target));
    node.append(
      svg("line", { class: "target", x1: left, x2: right, y1: ty, y2: ty, stroke: PALETTE[1], "stroke-width": 1.5, "stroke-dasharray": "6 4" }),
      svg("text", { class: "target-label", x: left + 6, y: r1(y(target) - 6), "font-size": 12, fill: PALETTE[1] }, `target ${formatPercent(target)}`),
    );
  }

  if (pts.length > 0) {
    const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${r1(x(p.labels))},${r1(y(p.accuracy))}`).join("");
    if (hasBand) {
      const upper = pts.map((p, i) => `${i === 0 ? "M" : "L"}${r1(x(p.labels))},${r1(y(p.high ?? p.accuracy))}`).join("");
      const lower = [...pts].reverse().map((p) => `L${r1(x(p.labels))},${r1(y(p.low ?? p.accuracy))}`).join("");
      node.appendChild(svg("path", { class: "band", d: `${upper}${lower}Z`, fill: PALETTE[0], "fill-opacity": 0.16, stroke: "none" }, svg("title", {}, "95% interval")));
    } else {
      const area = `${d}L${r1(x(pts[pts.length - 1].labels))},${bottom}L${r1(x(pts[0].labels))},${bottom}Z`;
      node.appendChild(svg("path", { class: "area", d: area, fill: PALETTE[0], "fill-opacity": 0.07 }));
    }
    node.appendChild(svg("path", { class: "line", d, fill: "none", stroke: PALETTE[0], "stroke-width": 2.5, "stroke-linejoin": "round", "stroke-linecap": "round" }));
    const dots = svg("g", { class: "points", fill: "#fff", stroke: PALETTE[0], "stroke-width": 2 });
    for (const p of pts) {
      dots.appendChild(
        svg("circle", { class: "point", cx: r1(x(p.labels)), cy: r1(y(p.accuracy)), r: pts.length > 40 ? 2 : 3.5 }, svg("title", {}, `${formatInt(p.labels)} labels: ${formatPercent(p.accuracy)}${p.low !== undefined && p.high !== undefined ? ` (95% interval ${formatPercent(p.low)}–${formatPercent(p.high)}${p.n !== undefined ? `, n = ${formatInt(p.n)}` : ""})` : ""}`)),
      );
    }
    node.appendChild(dots);
    const last = pts[pts.length - 1];
    const lx = x(last.labels);
    const ly = y(last.accuracy);
    node.appendChild(
      svg(
        "text",
        { class: "last", x: r1(Math.min(lx, right - 4)), y: r1(ly - 10), "text-anchor": "end", "font-size": 13, "font-weight": 600, fill: "#1d2433" },
        formatPercent(last.accuracy),
      ),
    );
  }
  return node;
}

export interface BarDatum {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

/** Horizontal bars, one row per datum, with "count (share)" at the end of each bar. */
export function barChart(data: readonly BarDatum[], options: { width?: number; title?: string } = {}): SVGSVGElement {
  const width = options.width ?? 420;
  const row = 32;
  const barH = 20;
  const labelW = Math.min(150, Math.max(60, ...data.map((d) => d.label.length * 7.4 + 14)));
  const valueRoom = 92;
  const top = 4;
  const height = top + Math.max(1, data.length) * row + 4;
  const node = root(width, height, options.title ?? "Label distribution", "bars");
  const total = data.reduce((s, d) => s + d.value, 0);
  const max = Math.max(1, ...data.map((d) => d.value));
  const x = scale(0, max, labelW, width - valueRoom);
  data.forEach((d, i) => {
    const cy = top + i * row + row / 2;
    const w = Math.max(d.value > 0 ? 2 : 0, x(d.value) - labelW);
    const name = d.label.length > 20 ? `${d.label.slice(0, 19)}…` : d.label;
    node.append(
      svg("text", { class: "bar-label", x: labelW - 10, y: r1(cy), "text-anchor": "end", "dominant-baseline": "middle", "font-size": 13, fill: "#222" }, name),
      svg("rect", { class: "bar", "data-label": d.label, x: labelW, y: r1(cy - barH / 2), width: r1(w), height: barH, rx: 3, fill: d.color }, svg("title", {}, `${d.label}: ${formatInt(d.value)}`)),
      svg(
        "text",
        { class: "bar-value", x: r1(labelW + w + 6), y: r1(cy), "dominant-baseline": "middle", "font-size": 12, fill: "#222" },
        `${formatInt(d.value)}${total > 0 ? ` (${formatPercent(d.value / total)})` : ""}`,
      ),
    );
  });
  return node;
}
