import assert from "node:assert/strict";
import test from "node:test";
import { controlChartClasses, controlCharts, type ControlChartClass, type ControlChartParams } from "./control-chart.js";
import { seriesFeatureNames, seriesFeatures } from "./series.js";

/** The deterministic part of the published formula at time t (1-based). */
function pattern(cls: ControlChartClass, p: ControlChartParams, t: number): number {
  if (cls === "cyclic") return (p.a ?? NaN) * Math.sin((2 * Math.PI * t) / (p.T ?? NaN));
  if (cls === "increasing_trend") return (p.g ?? NaN) * t;
  if (cls === "decreasing_trend") return -(p.g ?? NaN) * t;
  if (cls === "upward_shift") return t >= (p.t3 ?? NaN) ? (p.x ?? NaN) : 0;
  if (cls === "downward_shift") return t >= (p.t3 ?? NaN) ? -(p.x ?? NaN) : 0;
  return 0;
}

const d = controlCharts({ perClass: 100, length: 60, seed: 3 });

void test("six classes of perClass series each, grouped, the same for a seed and different for another", () => {
  assert.equal(d.series.length, 600);
  for (const [c, cls] of controlChartClasses.entries()) assert.ok(d.labels.slice(c * 100, (c + 1) * 100).every((l) => l === cls));
  assert.deepEqual(controlCharts({ perClass: 100, length: 60, seed: 3 }).series[250], d.series[250]);
  assert.notDeepEqual(controlCharts({ perClass: 100, length: 60, seed: 4 }).series[250], d.series[250]);
  assert.throws(() => controlCharts({ perClass: 0, length: 2, seed: 0 }), (e: { problems: string[] }) => e.problems.length === 2);
});

void test("parameters within the published ranges; minus the pattern, every series is m + s r with |r| <= 3", () => {
  let sum = 0;
  let count = 0;
  let lo = Infinity;
  let hi = -Infinity;
  d.series.forEach((y, i) => {
    const p = d.params[i];
    const cls = d.labels[i];
    if (cls === "cyclic") assert.ok(p.a! >= 10 && p.a! <= 15 && p.T! >= 10 && p.T! <= 15);
    if (cls.endsWith("trend")) assert.ok(p.g! >= 0.2 && p.g! <= 0.5);
    if (cls.endsWith("shift")) assert.ok(p.x! >= 7.5 && p.x! <= 20 && Number.isInteger(p.t3) && p.t3! >= 20 && p.t3! <= 40);
    y.forEach((v, k) => {
      const noise = v - pattern(cls, p, k + 1);
      lo = Math.min(lo, noise);
      hi = Math.max(hi, noise);
      sum += noise;
      count++;
    });
  });
  assert.ok(lo >= 24 && hi <= 36, `noise range ${lo}..${hi}`);
  // Uniform noise: the range is nearly filled and centred on m = 30 (sd of the mean 0.02).
  assert.ok(lo < 24.1 && hi > 35.9);
  assert.ok(Math.abs(sum / count - 30) < 0.1);
});

void test("trends have the slope of their sign and size; shifts move the mean by x at t3", () => {
  const names = seriesFeatureNames({ groups: ["trend", "change"] });
  d.series.forEach((y, i) => {
    const f = seriesFeatures(y, { groups: ["trend", "change"] });
    const slope = f[names.indexOf("slope")];
    const p = d.params[i];
    const cls = d.labels[i];
    // Slope sd with uniform noise of sd 2 sqrt(3) over 60 points: 0.026; 5 sd allowed.
    if (cls === "increasing_trend") assert.ok(Math.abs(slope - p.g!) < 0.13, `slope ${slope} g ${p.g}`);
    if (cls === "decreasing_trend") assert.ok(Math.abs(slope + p.g!) < 0.13);
    if (cls === "normal") assert.ok(Math.abs(slope) < 0.13);
    if (cls.endsWith("shift")) {
      const after = y.subarray(p.t3! - 1);
      const before = y.subarray(0, p.t3! - 1);
      const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
      const shift = mean(after) - mean(before);
      const sign = cls === "upward_shift" ? 1 : -1;
      // sd of the difference of means at most 3.5 sqrt(1/20 + 1/40) < 1; 4 allowed.
      assert.ok(Math.abs(shift - sign * p.x!) < 4, `shift ${shift} x ${p.x}`);
      assert.equal(Math.sign(f[names.indexOf("mean_shift")]), sign);
    }
  });
});
