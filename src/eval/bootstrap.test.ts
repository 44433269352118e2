import assert from "node:assert/strict";
import test from "node:test";
import { labelsSavedInterval } from "./bootstrap.js";

const labels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
/** A rising curve that reaches 0.9 after `reach` points, shifted by `shift`. */
const curve = (reach: number, shift = 0): { accuracy: number[] } => ({ accuracy: labels.map((_, t) => Math.min(0.9, 0.5 + (0.4 * t) / reach) + shift) });

void test("labelsSavedInterval: the point estimate, a percentile interval around it, and the same draws for the same seed", () => {
  // Random ends at 0.85 on average; the mean of the fast curves first passes it at 50 labels (0.857).
  const random = [curve(9, -0.05), curve(9, -0.04), curve(9, -0.06), curve(9, -0.045), curve(9, -0.055)];
  const fast = [curve(4), curve(5), curve(3), curve(6), curve(4)];
  const r = labelsSavedInterval(fast, random, labels, 100);
  assert.equal(r.value, 50);
  assert.equal(r.resamples, 2000);
  assert.equal(r.seeds, 5);
  assert.ok(r.low !== null && r.high !== null);
  assert.ok(r.low <= 50 && 50 <= r.high, `[${r.low}, ${r.high}]`);
  assert.ok(r.high - r.low >= 10, "the seeds differ, so the interval has width");
  // All-curve(6) resamples save 30, all-curve(3) ones 60: the interval lies within.
  assert.ok(r.low >= 30 && r.high <= 60);
  assert.deepEqual(labelsSavedInterval(fast, random, labels, 100), r);
  // Identical seeds: every resample is the same, so the interval is the point.
  const same = labelsSavedInterval([curve(4), curve(4), curve(4)], [curve(9), curve(9), curve(9)], labels, 100);
  assert.deepEqual([same.value, same.low, same.high], [50, 50, 50]);
});

void test("labelsSavedInterval: never reaching counts as 0 saved; fewer than 3 seeds gives no interval (null, not 0)", () => {
  const random = [curve(9), curve(9), curve(9)];
  const slow = [curve(9, -0.2), curve(9, -0.2), curve(9, -0.2)];
  const r = labelsSavedInterval(slow, random, labels, 100);
  assert.deepEqual(r, { value: null, low: 0, high: 0, resamples: 2000, never_matched: 2000, seeds: 3 });
  const two = labelsSavedInterval([curve(4), curve(5)], [curve(9), curve(9)], labels, 100);
  assert.equal(two.value, 40);
  assert.equal(two.low, null);
  assert.equal(two.high, null);
  assert.equal(two.resamples, 0);
  assert.throws(() => labelsSavedInterval([curve(4)], [curve(9), curve(9)], labels, 100), /1 and 2 seeds/);
});
