import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows, type CsrMatrix } from "./matrix.js";
import { kmeans } from "./kmeans.js";
import { Rng } from "./rng.js";

function blobs(): number[][] {
  const rng = new Rng(2);
  const centers = [[0, 0], [10, 0], [0, 10]];
  return Array.from({ length: 90 }, (_, i) => centers[i % 3].map((c) => c + rng.next() - 0.5));
}

void test("k-means finds three well-separated blobs, deterministically under a seed", () => {
  const X = denseFromRows(blobs());
  const a = kmeans(X, 3, new Rng(1));
  for (let i = 3; i < 90; i++) assert.equal(a.assignment[i], a.assignment[i % 3]);
  assert.equal(new Set(a.assignment).size, 3);
  assert.deepEqual(kmeans(X, 3, new Rng(1)).assignment, a.assignment);
  for (const dist of a.distances) assert.ok(dist < 0.5);
});

void test("CSR input gives the same clustering as dense; k larger than n is capped", () => {
  const rows = blobs();
  const X = denseFromRows(rows);
  const indptr = Int32Array.from({ length: 91 }, (_, i) => 2 * i);
  const S: CsrMatrix = { kind: "csr", rows: 90, cols: 2, indptr, indices: Int32Array.from({ length: 180 }, (_, q) => q % 2), values: Float64Array.from(rows.flat()) };
  assert.deepEqual(kmeans(S, 3, new Rng(4)).assignment, kmeans(X, 3, new Rng(4)).assignment);
  const small = kmeans(X, 10, new Rng(0), { rows: Int32Array.from([0, 1, 2]) });
  assert.equal(small.k, 3);
  assert.throws(() => kmeans(X, 0, new Rng(0)), { code: "BAD_OPTION" });
});
