import { test } from "node:test";
import assert from "node:assert/strict";
import { renderBarChart, renderLineChart, yRange } from "./charts.js";

const xs = Array.from({ length: 30 }, (_, i) => 10 + 10 * i);
const rising = xs.map((x) => 0.95 - 0.5 * Math.exp(-x / 40));

void test("yRange pads the data (bands included) and clamps", () => {
  const [lo, hi] = yRange({
    series: [{ name: "a", x: [0, 1], y: [0.5, 0.9], color: "#000", band: { lower: [0.45, 0.85], upper: [0.55, 0.99] } }],
    yClamp: [0, 1],
  });
  assert.ok(lo < 0.45 && lo > 0.4, `lo ${lo}`);
  assert.equal(hi, 1);
  const [l2, h2] = yRange({ series: [{ name: "flat", x: [0, 1], y: [0.5, 0.5], color: "#000" }] });
  assert.ok(l2 < 0.5 && h2 > 0.5);
});

void test("line chart draws one path and one band per series, rules and a legend away from the data", () => {
  const svg = renderLineChart({
    id: "t",
    xLabel: "Labels",
    yLabel: "Accuracy",
    series: [
      { name: "a", x: xs, y: rising, color: "#0072B2", band: { lower: rising.map((v) => v - 0.02), upper: rising.map((v) => v + 0.02) } },
      { name: "b", x: xs, y: rising.map((v) => v - 0.03), color: "#D55E00", band: { lower: rising, upper: rising } },
    ],
    rules: [{ y: 0.97, label: "all labels: 0.970", color: "#333", dash: "8 4" }],
    yClamp: [0, 1],
  });
  assert.equal(svg.match(/class="al-line"/g)?.length, 2);
  assert.equal(svg.match(/class="al-band"/g)?.length, 2);
  assert.match(svg, /class="al-rule"/);
  assert.match(svg, /all labels: 0\.970/);
  assert.match(svg, /<text[^>]*>Accuracy<\/text>/);
  // Curves rising to the top right leave the bottom-right corner free: the legend goes there.
  const m = /<g class="al-legend"[^>]*><rect x="([\d.]+)" y="([\d.]+)"/.exec(svg);
  assert.ok(m, "legend drawn");
  assert.ok(Number(m[1]) > 380 && Number(m[2]) > 200, `legend at ${m[1]},${m[2]}`);
});

void test("bar chart draws a bar per value and only a label for null", () => {
  const svg = renderBarChart({
    id: "b",
    bars: [
      { label: "margin", value: 160, color: "#0072B2", valueLabel: "160 labels saved (53%)" },
      { label: "entropy", value: null, color: "#D55E00", valueLabel: "did not reach" },
    ],
    xMax: 300,
  });
  assert.equal(svg.match(/class="al-bar"/g)?.length, 1);
  assert.match(svg, /did not reach/);
  assert.match(svg, />300</);
});
