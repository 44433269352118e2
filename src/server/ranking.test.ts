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
