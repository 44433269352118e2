import assert from "node:assert/strict";
import test from "node:test";
import { wilson } from "./metrics.js";

void test("wilson matches Newcombe (1998), Table I, method 3 (score interval without continuity correction)", () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  // methods. Statistics in Medicine 17 (1998) 857-872; the published bounds, to 4 decimals.
  const published: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [k, n, lo, hi] of published) {
    const w = wilson(k, n);
    assert.equal(Number(w.low.toFixed(4)), lo, `${k}/${n} low ${w.low}`);
    assert.equal(Number(w.high.toFixed(4)), hi, `${k}/${n} high ${w.high}`);
  }
});

void test("wilson: symmetric in successes and failures, exactly 0 and 1 at the ends, narrower at z = 1", () => {
  const a = wilson(3, 10);
  const b = wilson(7, 10);
  assert.ok(Math.abs(a.low - (1 - b.high)) < 1e-12 && Math.abs(a.high - (1 - b.low)) < 1e-12);
  const all = wilson(10, 10);
  assert.equal(all.high, 1);
  assert.ok(all.low > 0.69 && all.low < 0.73, String(all.low));
  assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
  const z1 = wilson(30, 60, 1);
  const z2 = wilson(30, 60);
  assert.ok(z1.high - z1.low < z2.high - z2.low);
});
