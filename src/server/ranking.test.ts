import assert from "node:assert/strict";
import test from "node:test";
import { completeOrder } from "./ranking.js";

void test("the strategy's picks come first, then every other unlabeled item, least confident first", () => {
  const conf = Float32Array.from([0.9, 0.6, 0.99, 0.7, 0.55, 0.8]);
  const { order, scores } = completeOrder(Int32Array.from([5, 2]), Float64Array.from([0.4, 0.3]), Int32Array.from([0, 1, 2, 4, 5]), conf);
  assert.deepEqual(Array.from(order), [5, 2, 4, 1, 0]);
  assert.deepEqual(Array.from(scores.subarray(0, 2)), [0.4, 0.3]);
  assert.ok(Array.from(scores.subarray(2)).every(Number.isNaN));
});

void test("the top M equal a full sort's first M; the rest follow in pool order, each unlabeled item once", () => {
  let s = 7;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const n = 5000;
  // Coarse confidences: many ties, broken by pool index.
  const conf = Float32Array.from({ length: n }, () => Math.round(rnd() * 50) / 50);
  const unlabeled = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 !== 0);
  // Picks among the unlabeled items (many of them, so fewer than m are left for some m).
  const picked = Int32Array.from([13, 20, 4999]);
  for (const m of [0, 1, 100, 4000, 4284, 10_000]) {
    const { order } = completeOrder(picked, Float64Array.from([1, 2, 3]), unlabeled, conf, m);
    const full = Array.from(unlabeled).filter((i) => !picked.includes(i)).sort((a, b) => conf[a] - conf[b] || a - b);
    const k = Math.min(m, full.length);
    assert.deepEqual(Array.from(order.subarray(0, 3)), [13, 20, 4999]);
    assert.deepEqual(Array.from(order.subarray(3, 3 + k)), full.slice(0, k), `m = ${m}`);
    const tail = Array.from(order.subarray(3 + k));
    assert.deepEqual(tail, [...tail].sort((a, b) => a - b), "the unranked rest in pool order");
    assert.deepEqual([...order].sort((a, b) => a - b), [...unlabeled].sort((a, b) => a - b));
  }
});
