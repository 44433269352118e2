/**
 * The conformance suite every registered strategy passes (as scikit-learn's check_estimator):
 * on small dense and CSR pools, `select` returns min(k, unlabeled) distinct unlabeled pool
 * indices with finite scores, and the same selection again under the same seed.
 */
import assert from "node:assert/strict";
import test from "node:test";
import type { CsrMatrix, DenseMatrix, Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import { getStrategy, strategyNames } from "./registry.js";
import type { QueryContext } from "./types.js";

/** n rows around nClasses Gaussian-ish centers; the class of row i is i % nClasses. */
function densePool(n: number, d: number, nClasses: number, seed: number): { X: DenseMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const centers = Array.from({ length: nClasses }, () => Array.from({ length: d }, () => 3 * (rng.next() - 0.5)));
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % nClasses;
    for (let j = 0; j < d; j++) data[i * d + j] = centers[y[i]][j] + 2 * (rng.next() - 0.5);
  }
  return { X: { kind: "dense", rows: n, cols: d, data }, y };
}

/** Text-like CSR rows: 4-8 terms each, half of them from a class-specific vocabulary half. */
function csrPool(n: number, vocab: number, seed: number): { X: CsrMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const terms = new Set<number>();
    const len = 4 + rng.int(5);
    while (terms.size < len) terms.add(rng.next() < 0.5 ? y[i] * (vocab / 2) + rng.int(vocab / 2) : rng.int(vocab));
    for (const t of [...terms].sort((a, b) => a - b)) {
      indices.push(t);
      values.push(1 / Math.sqrt(len));
    }
    indptr[i + 1] = indices.length;
  }
  return { X: { kind: "csr", rows: n, cols: vocab, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) }, y };
}

function context(X: Matrix, y: Int32Array, nClasses: number, labeled: number[], seed: number): QueryContext {
  const isLab = new Set(labeled);
  const lab = Int32Array.from(labeled);
  const labels = Int32Array.from(labeled, (i) => y[i]);
  const model = modelFactory("logreg")(nClasses).fit(X, labels, { rows: lab });
  const unlabeled = Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => !isLab.has(i));
  return { model, X, unlabeled, labeled: lab, labels, nClasses, rng: new Rng(seed), newModel: modelFactory("logreg") };
}

const pools = [
  { name: "dense, 3 classes", ...densePool(80, 5, 3, 1), nClasses: 3 },
  { name: "CSR, 2 classes", ...csrPool(80, 40, 2), nClasses: 2 },
];

for (const name of strategyNames()) {
  void test(`conformance: ${name}`, () => {
    for (const pool of pools) {
      // 15 labeled rows (every class present), and a nearly exhausted pool of 3 unlabeled rows.
      for (const labeled of [Array.from({ length: 15 }, (_, i) => 5 * i + 1), Array.from({ length: 77 }, (_, i) => i + 2)]) {
        for (const k of [1, 5, 200]) {
          const ctx = context(pool.X, pool.y, pool.nClasses, labeled, 7);
          const unl = new Set(ctx.unlabeled);
          const sel = getStrategy(name).select(ctx, k);
          const where = `${name} on ${pool.name}, ${labeled.length} labeled, k=${k}`;
          assert.equal(sel.indices.length, Math.min(k, ctx.unlabeled.length), `${where}: size`);
          assert.equal(sel.scores.length, sel.indices.length, `${where}: one score per index`);
          assert.equal(new Set(sel.indices).size, sel.indices.length, `${where}: distinct`);
          for (const i of sel.indices) assert.ok(unl.has(i), `${where}: ${i} is not unlabeled`);
          for (const s of sel.scores) assert.ok(Number.isFinite(s), `${where}: score ${s} not finite`);
          const again = getStrategy(name).select(context(pool.X, pool.y, pool.nClasses, labeled, 7), k);
          assert.deepEqual(again.indices, sel.indices, `${where}: not deterministic under the seed`);
          assert.deepEqual(again.scores, sel.scores, `${where}: scores not deterministic`);
        }
      }
    }
  });
}

void test("conformance: every strategy handles an empty request and the registry lists them all", () => {
  const pool = pools[0];
  for (const name of strategyNames()) {
    const sel = getStrategy(name).select(context(pool.X, pool.y, pool.nClasses, [0, 1, 2, 3, 4, 5], 1), 0);
    assert.equal(sel.indices.length, 0, name);
  }
  assert.ok(strategyNames().length >= 17);
});
