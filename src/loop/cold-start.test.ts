import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { coldStart, randomOrder } from "./cold-start.js";

/** Four tight, well-separated blobs of unequal size. */
function blobs(): { X: ReturnType<typeof denseFromRows>; blob: number[] } {
  const rng = new Rng(2);
  const centres = [[0, 0], [10, 0], [0, 10], [10, 10]];
  const sizes = [200, 20, 20, 20];
  const rows: number[][] = [];
  const blob: number[] = [];
  centres.forEach((c, b) => {
    for (let i = 0; i < sizes[b]; i++) {
      rows.push([c[0] + rng.next() - 0.5, c[1] + rng.next() - 0.5]);
      blob.push(b);
    }
  });
  return { X: denseFromRows(rows), blob };
}

void test("cluster cold start picks one item in every blob; the same seed gives the same items", () => {
  const { X, blob } = blobs();
  const a = coldStart(X, 4, "cluster", new Rng(0));
  assert.equal(new Set(Array.from(a, (i) => blob[i])).size, 4);
  assert.deepEqual(a, coldStart(X, 4, "cluster", new Rng(0)));
});

void test("random cold start gives distinct pool indices; bad sizes are errors", () => {
  const { X } = blobs();
  const a = coldStart(X, 30, "random", new Rng(1));
  assert.equal(new Set(a).size, 30);
  for (const i of a) assert.ok(i >= 0 && i < X.rows);
  assert.throws(() => coldStart(X, 0, "cluster", new Rng(0)), /whole number/);
  assert.throws(() => coldStart(X, 1000, "random", new Rng(0)), /pool of 260/);
});

void test("the random cold start is the head of the random order the served project starts with", () => {
  const { X } = blobs();
  const order = randomOrder(Int32Array.from({ length: X.rows }, (_, i) => i), new Rng(3));
  assert.equal(new Set(order).size, X.rows, "a permutation of the candidates");
  assert.deepEqual(coldStart(X, 25, "random", new Rng(3)), order.slice(0, 25));
  assert.deepEqual(Array.from(randomOrder([7, 3, 9], new Rng(3))).sort(), [3, 7, 9]);
});
