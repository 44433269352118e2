import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { topK } from "./topk.js";

void test("topK equals the head of a full sort (ties to the lower position)", () => {
  const rng = new Rng(5);
  for (const n of [0, 1, 7, 100, 1000]) {
    const scores = Float64Array.from({ length: n }, () => Math.floor(rng.next() * 20));
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    for (const k of [1, 3, 10, n + 5]) assert.deepEqual(Array.from(topK(scores, k)), order.slice(0, k));
  }
});

void test("topK skips NaN scores", () => {
  assert.deepEqual(Array.from(topK([NaN, 2, NaN, 1], 3)), [1, 3]);
});
