import { test } from "node:test";
import assert from "node:assert/strict";
import { bandPath, escapeXml, formatInteger, formatNumber, linearScale, linePath, niceStep, niceTicks } from "./svg.js";

void test("niceStep rounds up to 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceStep(0.07), 0.1);
  assert.equal(niceStep(0.1), 0.1);
  assert.equal(niceStep(0.12), 0.2);
  assert.equal(niceStep(0.3), 0.5);
  assert.equal(niceStep(1), 1);
  assert.equal(niceStep(37), 50);
  assert.equal(niceStep(60), 100);
  assert.equal(niceStep(0), 1);
  assert.equal(niceStep(Number.NaN), 1);
});

void test("niceTicks gives exact multiples of a nice step inside the range", () => {
  assert.deepEqual(niceTicks(0.43, 0.97, 6), { step: 0.1, decimals: 1, values: [0.5, 0.6, 0.7, 0.8, 0.9] });
  assert.deepEqual(niceTicks(0, 300, 8), { step: 50, decimals: 0, values: [0, 50, 100, 150, 200, 250, 300] });
  const t = niceTicks(0.7, 0.83, 6);
  assert.equal(t.step, 0.05);
  assert.equal(t.decimals, 2);
  assert.deepEqual(t.values, [0.7, 0.75, 0.8]);
  // No float noise such as 0.30000000000000004.
  for (const v of niceTicks(0, 1, 10).values) assert.equal(v, Number(v.toFixed(1)));
  assert.deepEqual(niceTicks(0, 1, 10).values.length, 11);
});

void test("niceTicks handles reversed, degenerate and non-finite ranges", () => {
  assert.deepEqual(niceTicks(1, 0, 5).values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.5, 0.5).values, [0.5]);
  assert.deepEqual(niceTicks(Number.NaN, 1).values, []);
});

void test("escapeXml escapes the five markup characters", () => {
  assert.equal(escapeXml(`<script>alert("x" & 'y')</script>`), "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  assert.equal(escapeXml(42), "42");
});

void test("number formatting", () => {
  assert.equal(formatNumber(0.93111, 3), "0.931");
  assert.equal(formatNumber(-0.0001, 3), "0.000");
  assert.equal(formatNumber(Number.NaN, 3), "—");
  assert.equal(formatInteger(1797), "1,797");
  assert.equal(formatInteger(1234567), "1,234,567");
  assert.equal(formatInteger(-1500), "-1,500");
  assert.equal(formatInteger(12), "12");
});

void test("linearScale maps domain to range, flipping for y", () => {
  const y = linearScale([0.4, 1], [400, 100]);
  assert.equal(y(0.4), 400);
  assert.equal(y(1), 100);
  assert.ok(Math.abs(y(0.7) - 250) < 1e-9);
  assert.equal(linearScale([1, 1], [0, 10])(5), 5);
});

void test("linePath breaks at non-finite points; bandPath is closed", () => {
  assert.equal(linePath([[0, 0], [1, 1.25], [2, Number.NaN], [3, 3]]), "M0,0L1,1.3M3,3");
  const band = bandPath([0, 10], [5, 6], [1, 2]);
  assert.equal(band, "M0,1L10,2L10,6L0,5Z");
  assert.equal(bandPath([0], [Number.NaN], [1]), "");
});
