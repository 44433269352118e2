import assert from "node:assert/strict";
import test from "node:test";
import { dense, type CsrMatrix, type DenseMatrix, type Matrix } from "./matrix.js";
import { jsScores, linearScores, probabilityBlocks, scoreBlocks } from "./pool-scores.js";
import { Rng } from "./rng.js";
import { acquireScorer, releaseScorer, wasmKernels } from "./wasm.js";

const wasmOn = process.env.ACTIVELEARN_WASM !== "0";

function randomDense(n: number, d: number, seed: number): DenseMatrix {
  const rng = new Rng(seed);
  return dense(n, d, Float64Array.from({ length: n * d }, () => rng.next() * 4 - 2));
}

/** Random CSR rows of 0..maxNnz non-zeros (some empty), ascending distinct columns. */
function randomCsr(n: number, d: number, maxNnz: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const len = rng.int(maxNnz + 1);
    while (cols.size < Math.min(len, d)) cols.add(rng.int(d));
    for (const j of [...cols].sort((a, b) => a - b)) {
      idx.push(j);
      val.push(rng.next() * 2 - 0.5);
    }
    indptr[i + 1] = idx.length;
  }
  return { kind: "csr", rows: n, cols: d, indptr, indices: Int32Array.from(idx), values: Float64Array.from(val) };
}

/** All scores of a pass, gathered from the visitor into n x m. */
function streamed(X: Matrix, rows: Int32Array | null, n: number, w: Float64Array, b: Float64Array, m: number, blockBytes: number): { out: Float64Array; blocks: number } {
  const out = new Float64Array(n * m);
  let blocks = 0;
  let next = 0;
  scoreBlocks(X, rows, n, w, b, m, (start, count, s, at, stride) => {
    assert.equal(start, next, "blocks arrive in row order, without gaps");
    next = start + count;
    blocks++;
    for (let r = 0; r < count; r++) for (let c = 0; c < m; c++) out[(start + r) * m + c] = s[at + r * stride + c];
  }, blockBytes);
  assert.equal(next, n);
  return { out, blocks };
}

function close(a: Float64Array, b: Float64Array, rel: number, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= rel * Math.max(1, Math.abs(b[i])), `${what}: [${i}] ${a[i]} vs ${b[i]}`);
}

void test("dense scores streamed in blocks equal the JS loop: odd and even widths, subsets, remainders, many blocks", () => {
  for (const [n, d, m] of [[103, 7, 4], [64, 64, 10], [37, 1, 1], [250, 33, 3]] as const) {
    const X = randomDense(n, d, n * d + m);
    const rng = new Rng(m);
    const w = Float64Array.from({ length: m * d }, () => rng.next() - 0.5);
    const b = Float64Array.from({ length: m }, () => rng.next() - 0.5);
    const subset = Int32Array.from({ length: Math.floor(n * 0.6) }, () => rng.int(n));
    for (const rows of [null, subset]) {
      const nRows = rows === null ? n : rows.length;
      const want = new Float64Array(nRows * m);
      jsScores(X, rows, 0, nRows, w, b, m, want);
      // Blocks of ~3 rows, ~10 rows, and the whole selection in one.
      const results = [3, 10, 1 << 20].map((rowsPer) => streamed(X, rows, nRows, w, b, m, rowsPer * (d + (d & 1)) * 8));
      for (const r of results) close(r.out, want, 1e-12, `n=${n} d=${d} m=${m} ${rows === null ? "all" : "subset"}`);
      assert.ok(results[0].blocks >= Math.floor(nRows / 3), "small blocks stream the pool in many passes");
      // Each row's scores depend on that row only: the same bits whatever the block size.
      assert.deepEqual(results[0].out, results[2].out);
      assert.deepEqual(results[1].out, results[2].out);
      const viaLinear = new Float64Array(nRows * m);
      linearScores(X, rows, nRows, w, b, m, viaLinear);
      assert.deepEqual(viaLinear, results[2].out);
    }
  }
});

void test("CSR scores streamed in blocks equal the JS loop exactly: empty rows, a row larger than a block, subsets", () => {
  for (const [n, d, maxNnz, m] of [[400, 50, 12, 1], [300, 40, 9, 2], [200, 30, 25, 3], [150, 20, 15, 4], [120, 35, 30, 7]] as const) {
    const X = randomCsr(n, d, maxNnz, n + m);
    const rng = new Rng(d + m);
    const w = Float64Array.from({ length: m * d }, () => rng.next() - 0.5);
    const b = Float64Array.from({ length: m }, () => rng.next() - 0.5);
    const subset = Int32Array.from({ length: n - 40 }, () => rng.int(n));
    for (const rows of [null, subset]) {
      const nRows = rows === null ? n : rows.length;
      const want = new Float64Array(nRows * m);
      jsScores(X, rows, 0, nRows, w, b, m, want);
      // 64 bytes: every block one row (most rows exceed it); 2 KiB: several rows a block.
      for (const blockBytes of [64, 2048, 1 << 20]) {
        const r = streamed(X, rows, nRows, w, b, m, blockBytes);
        assert.deepEqual(r.out, want, `n=${n} m=${m} block ${blockBytes} ${rows === null ? "all" : "subset"}`);
        // (Rows of a few non-zeros share a 64-byte block; longer ones get one each.)
        if (blockBytes === 64) assert.ok(r.blocks > nRows / 2, `${r.blocks} blocks for ${nRows} rows`);
      }
      const viaLinear = new Float64Array(nRows * m);
      linearScores(X, rows, nRows, w, b, m, viaLinear);
      assert.deepEqual(viaLinear, want);
    }
  }
});

void test("a pool pass holds one block, not the pool: the scoring instance's memory stays far below the pool's size", { skip: wasmOn ? false : "ACTIVELEARN_WASM=0" }, () => {
  assert.notEqual(wasmKernels(), null);
  const X = randomDense(16000, 100, 3); // 12.8 MB
  const w = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i));
  const b = new Float64Array(3);
  const blockBytes = 64 * 1024;
  let blocks = 0;
  scoreBlocks(X, null, X.rows, w, b, 3, () => blocks++, blockBytes);
  assert.equal(blocks, Math.ceil(16000 / Math.floor(blockBytes / 800)));
  // The pass handed its instance back; the next pass takes the same one.
  const e = acquireScorer();
  assert.ok(e !== null);
  try {
    // (Earlier tests in this file grew it to about one default block, 1 MiB.)
    assert.ok(e.memory.buffer.byteLength < X.data.byteLength / 4, `instance memory ${e.memory.buffer.byteLength} bytes for a ${X.data.byteLength}-byte pool`);
  } finally {
    releaseScorer(e);
  }
});

void test("probabilities and measures from the kernels have the bits of the JS formulas (exp over its whole range, subnormal and zero results included)", () => {
  // One non-zero a row (x in [-800, 60]): score = x * w_c + b_c, exactly, in both paths.
  const n = 20000;
  const rng = new Rng(9);
  const indptr = Int32Array.from({ length: n + 1 }, (_, i) => i);
  const indices = new Int32Array(n);
  const values = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -800 * rng.next() : i % 3 === 1 ? 60 * (rng.next() - 0.5) : 1e-9 * (rng.next() - 0.5)));
  const X: CsrMatrix = { kind: "csr", rows: n, cols: 1, indptr, indices, values };
  for (const [m, binomial] of [[1, true], [3, false], [6, false]] as const) {
    const w = Float64Array.from({ length: m }, (_, c) => (c === 0 ? 1 : rng.next() * 2 - 1));
    const b = Float64Array.from({ length: m }, () => rng.next() - 0.5);
    const cols = binomial ? 2 : m;
    for (const measure of [0, 1, 2] as const) {
      const P = new Float64Array(n * cols);
      const U = new Float64Array(n);
      probabilityBlocks(X, null, n, w, b, m, { binomial, measure }, (start, count, p, at, stride, u, uAt) => {
        for (let r = 0; r < count; r++) {
          for (let t = 0; t < cols; t++) P[(start + r) * cols + t] = p[at + r * stride + t];
          if (measure !== 0) U[start + r] = u[uAt + r];
        }
      }, 4096);
      const s = new Float64Array(n * m);
      jsScores(X, null, 0, n, w, b, m, s);
      for (let r = 0; r < n; r++) {
        const want = new Float64Array(cols);
        if (binomial) {
          const z = s[r];
          const p1 = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
          want[0] = 1 - p1;
          want[1] = p1;
        } else {
          let mx = -Infinity;
          for (let t = 0; t < m; t++) mx = Math.max(mx, s[r * m + t]);
          let z = 0;
          for (let t = 0; t < m; t++) z += want[t] = Math.exp(s[r * m + t] - mx);
          for (let t = 0; t < m; t++) want[t] *= 1 / z;
        }
        for (let t = 0; t < cols; t++) assert.ok(Object.is(P[r * cols + t], want[t]), `m=${m} row ${r} (score ${s[r * m]}) column ${t}: ${P[r * cols + t]} vs ${want[t]}`);
        const sorted = Array.from(want).sort((x, y) => y - x);
        if (measure === 1) assert.equal(U[r], 1 - (sorted[0] - (sorted[1] ?? 0)));
        if (measure === 2) assert.equal(U[r], 1 - sorted[0]);
      }
    }
  }
});
