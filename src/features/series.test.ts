import assert from "node:assert/strict";
import test from "node:test";
import { largestMeanShift, powerSpectrum, quantileSorted, seriesFeatureNames, seriesFeatures, seriesMatrix, slidingWindows } from "./series.js";

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

/** The named features of one series. */
function named(x: number[], opts = {}): Record<string, number> {
  const v = seriesFeatures(x, opts);
  return Object.fromEntries(seriesFeatureNames(opts).map((n, i) => [n, v[i]]));
}

void test("level: mean, population sd, min, max, quantiles by linear interpolation (by hand)", () => {
  const f = named([4, 1, 3, 2], { groups: ["level"], quantiles: [0, 0.25, 0.5, 1] });
  assert.deepEqual(Object.keys(f), ["mean", "sd", "min", "max", "q0", "q25", "q50", "q100"]);
  close(f.mean, 2.5);
  close(f.sd, Math.sqrt(1.25));
  assert.deepEqual([f.min, f.max, f.q0, f.q25, f.q50, f.q100], [1, 4, 1, 1.75, 2.5, 4]);
  close(quantileSorted([10, 20, 30], 0.9), 28);
});

void test("trend: least-squares slope and last minus first (by hand)", () => {
  // t = 0..3, mean t 1.5, mean x 4: slope = 7 / 5.
  const f = named([2, 4, 3, 7], { groups: ["trend"] });
  close(f.slope, 1.4);
  assert.equal(f.last_minus_first, 5);
});

void test("shape: skewness, excess kurtosis, crossings and peaks (by hand)", () => {
  // [0, 0, 0, 3]: m2 = 27/16, m3 = 81/32, m4 = 425.25/64 -> skew 2/sqrt(3), kurtosis 7/3 - 3.
  const a = named([0, 0, 0, 3], { groups: ["shape"] });
  close(a.skewness, 2 / Math.sqrt(3));
  close(a.kurtosis, 7 / 3 - 3);
  // Zero crossings skip zeros: 1 -> -1 and -2 -> 3, over 4 steps.
  close(named([1, -1, 0, -2, 3], { groups: ["shape"] }).zero_crossing_rate, 0.5);
  // Mean 2.5: one crossing in 3 steps.
  close(named([1, 2, 3, 4], { groups: ["shape"] }).mean_crossing_rate, 1 / 3);
  // Strict peaks at positions 1 and 3 (the plateau 2, 2 is none), over 8 points.
  close(named([0, 2, 1, 3, 1, 1, 2, 2], { groups: ["shape"] }).peak_rate, 2 / 8);
  close(named([1, 2, 3, 4], { groups: ["shape"] }).kurtosis, 2.5625 / 1.5625 - 3);
});

void test("dependence: autocorrelation at lags, 0 at or beyond the length (by hand)", () => {
  // Deviations -1.5, -0.5, 0.5, 1.5; sum of squares 5.
  const f = named([1, 2, 3, 4], { groups: ["dependence"], lags: [1, 2, 3, 5] });
  close(f.acf1, 1.25 / 5);
  close(f.acf2, -1.5 / 5);
  close(f.acf3, -2.25 / 5);
  assert.equal(f.acf5, 0);
});

void test("spectrum: a pure cosine puts all its energy in its band; DFT power (n/2)^2", () => {
  const n = 16;
  const wave = (k: number): number[] => Array.from({ length: n }, (_, t) => 5 + Math.cos((2 * Math.PI * k * t) / n));
  const p = powerSpectrum(wave(2).map((v) => v - 5));
  close(p[1], 64, 1e-9);
  for (let k = 0; k < p.length; k++) if (k !== 1) close(p[k], 0, 1e-9);
  const low = named(wave(2), { groups: ["spectrum"], bands: 4 });
  close(low.band0, 1);
  close(low.band1 + low.band2 + low.band3, 0, 1e-12);
  close(low.peak_frequency, 2 / 16);
  // k = 6 of 8 frequencies: band floor(5 * 4 / 8) = 2.
  const high = named(wave(6), { groups: ["spectrum"], bands: 4 });
  close(high.band2, 1);
  close(high.peak_frequency, 6 / 16);
});

void test("change: the largest shift in mean, signed, and where it is", () => {
  assert.deepEqual(largestMeanShift([0, 0, 0, 0, 5, 5, 5, 5], 2), [5, 0.5]);
  const f = named([0, 0, 0, 0, 0, 0, -3, -3, -3, -3], { groups: ["change"] });
  assert.deepEqual([f.mean_shift, f.shift_at], [-3, 0.6]);
  // Too short for two segments of the minimum length.
  assert.deepEqual(largestMeanShift([1, 2, 3], 2), [0, 0]);
});

void test("a constant series gives zeros, never NaN", () => {
  const v = seriesFeatures(new Array<number>(20).fill(7));
  const names = seriesFeatureNames();
  v.forEach((x, i) => assert.ok(Number.isFinite(x), names[i]));
  assert.equal(v[names.indexOf("mean")], 7);
  assert.equal(v[names.indexOf("sd")], 0);
  assert.equal(v[names.indexOf("acf1")], 0);
  assert.equal(v[names.indexOf("band0")], 0);
});

void test("several sensors: features per sensor with prefixed names; bad items are located", () => {
  const m = seriesMatrix([[[1, 2, 3], [3, 2, 1]], [[0, 0, 1], [1, 1, 1]]], { groups: ["trend"], sensors: ["temp", "load"] });
  assert.deepEqual(m.names, ["temp:slope", "temp:last_minus_first", "load:slope", "load:last_minus_first"]);
  assert.deepEqual(Array.from(m.X.data), [1, 2, -1, -2, 0.5, 1, 0, 0]);
  assert.deepEqual(seriesMatrix([[1, 2]], { groups: ["trend"] }).names, ["slope", "last_minus_first"]);
  assert.throws(() => seriesMatrix([[1, 2], [1, NaN, 3]], { source: "s.jsonl" }), /s\.jsonl, row 2: series has a non-finite value \(NaN\) at position 2/);
  assert.throws(() => seriesMatrix([[[1], [2]], [[1]]], { rowNumbers: [4, 9] }), /row 9: 1 sensors, but the first item has 2/);
  assert.throws(() => seriesMatrix([[1], []]), /row 2: series is empty/);
  assert.throws(() => seriesFeatures([1], { lags: [0], bands: 0 }), (e: { problems: string[] }) => e.problems.length === 2);
});

void test("sliding windows are views of the given length and step", () => {
  const w = slidingWindows(Float64Array.from([0, 1, 2, 3, 4, 5, 6]), 3, 2);
  assert.deepEqual(w.map((x) => Array.from(x)), [[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
});
