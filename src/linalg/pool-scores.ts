/**
 * Linear scores of a pool, s = X[rows] . W^T + b, streamed through the WebAssembly SIMD kernels
 * in fixed row blocks: each block of rows is copied into the module's memory, scored there, and
 * handed to a visitor (probabilities, an uncertainty measure, a running top-k: models/scoring.ts)
 * before the next block overwrites it. Dense and CSR pools; the JS loops where the kernels are off.
 *
 * Why blocks: WebAssembly can only read its own memory, so the pool has to be copied in. Holding
 * a whole copy (as this module's predecessor did for pools up to 64 MiB) doubles the pool's
 * memory, and above the cap pools fell back to the 4x slower JS loops. A block copy costs one read
 * of the pool, which the kernel would pay anyway, and the block stays in cache while the kernel
 * reads it, so streaming runs near the speed of a held copy at a constant memory cost.
 *
 * Block size (DEFAULT_BLOCK_BYTES, 1 MiB): small enough that the block, the weights (k x d
 * doubles: 63 KiB for 10 x 784) and the block's scores stay in a core's L2 cache (2 MiB here)
 * while the kernel reads them, large enough that the per-block overhead (one call, one visitor
 * call, a few typed-array views) is noise: 1 MiB is 167 rows of 784 doubles. `npm run
 * bench:scale1` times 256 KiB to 4 MiB. The size is a parameter so tests can stream small pools
 * through many blocks.
 *
 * Identity: each row's scores depend only on that row and the weights (the dense kernel's lanes
 * and register blocks do not mix rows), so any block size gives the same bits, and the same bits
 * as scoring the whole matrix at once. The dense kernel sums two lanes and adds b last, so it
 * differs from the JS loop by rounding (~1e-15 relative); the CSR kernel runs the JS loop's sums
 * in the JS loop's order and equals it exactly.
 */
import type { CsrMatrix, DenseMatrix, Matrix } from "./matrix.js";
import { acquireScorer, align16, putRows, releaseScorer, reserve, type Exports } from "./wasm.js";
import { leastConfidenceOf, marginOf } from "./measures.js";

/** Bytes of pool rows per block (see the module comment). */
export const DEFAULT_BLOCK_BYTES = 1 << 20;

/**
 * Receives one block of scores: row `start + r` of the selection (r < count) has its score for
 * class c at s[at + r * stride + c]. `s` is only valid during the call (the next block reuses it).
 */
export type BlockVisitor = (start: number, count: number, s: Float64Array, at: number, stride: number) => void;

/**
 * What a probability pass computes of each block's scores: binomial (one score a row:
 * p = (1 - sigmoid, sigmoid)) or softmax over the m scores, and measure 0 (none), 1 (margin:
 * 1 - (p(1) - p(2))) or 2 (least confidence: 1 - p(1)) of the row's probabilities.
 */
export interface Link {
  readonly binomial: boolean;
  readonly measure: 0 | 1 | 2;
}

/**
 * Receives one block of probabilities: row `start + r` has p[at + r * stride + t] for its t-th
 * score column (binomial: t = 0, 1 for the two classes), and its measure at u[uAt + r] (when a
 * measure was asked for). Both arrays are only valid during the call.
 */
export type ProbabilityVisitor = (start: number, count: number, p: Float64Array, at: number, stride: number, u: Float64Array, uAt: number) => void;

/**
 * Streams the probabilities (and measure) of the selected rows through `visit`, block by block
 * in row order: scores and link in the kernels (one pass over each block while it is in cache),
 * or the same formulas in JS where they are off, with the same bits either way.
 */
export function probabilityBlocks(
  X: Matrix,
  rows: Int32Array | null,
  nRows: number,
  w: Float64Array,
  b: Float64Array,
  m: number,
  link: Link,
  visit: ProbabilityVisitor,
  blockBytes = DEFAULT_BLOCK_BYTES,
): void {
  if (nRows <= 0) return;
  if (wasmScoreBlocks(X, rows, nRows, w, b, m, visit, blockBytes, link)) return;
  const cols = link.binomial ? 2 : m;
  let P = new Float64Array(0);
  let U = new Float64Array(0);
  scoreBlocks(X, rows, nRows, w, b, m, (start, count, s, at, stride) => {
    if (P.length < count * cols) {
      P = new Float64Array(count * cols);
      U = new Float64Array(count);
    }
    jsLinkMeasure(count, m, s, at, stride, link, P, U);
    visit(start, count, P, 0, cols, U, 0);
  }, blockBytes);
}

/** linkMeasure of wasm/logistic.ts in JS (Math.exp is the same fdlibm exp): p count x cols, u count. */
function jsLinkMeasure(count: number, m: number, s: Float64Array, at: number, stride: number, link: Link, p: Float64Array, u: Float64Array): void {
  const cols = link.binomial ? 2 : m;
  for (let r = 0; r < count; r++) {
    const q = at + r * stride;
    const o = r * cols;
    if (link.binomial) {
      const z = s[q];
      const p1 = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      p[o] = 1 - p1;
      p[o + 1] = p1;
    } else {
      let mx = -Infinity;
      for (let t = 0; t < m; t++) if (s[q + t] > mx) mx = s[q + t];
      let z = 0;
      for (let t = 0; t < m; t++) {
        const e = Math.exp(s[q + t] - mx);
        p[o + t] = e;
        z += e;
      }
      const inv = 1 / z;
      for (let t = 0; t < m; t++) p[o + t] *= inv;
    }
    if (link.measure === 1) u[r] = marginOf(p, o, cols);
    else if (link.measure === 2) u[r] = leastConfidenceOf(p, o, cols);
  }
}

/**
 * Streams the scores of the selected rows (rows[0 .. nRows), or rows 0 .. nRows-1 when rows is
 * null) through `visit`, block by block in row order. Weights class-major (m x d), b length m.
 */
export function scoreBlocks(
  X: Matrix,
  rows: Int32Array | null,
  nRows: number,
  w: Float64Array,
  b: Float64Array,
  m: number,
  visit: BlockVisitor,
  blockBytes = DEFAULT_BLOCK_BYTES,
): void {
  if (nRows <= 0) return;
  if (wasmScoreBlocks(X, rows, nRows, w, b, m, visit, blockBytes)) return;
  // The JS loops, in the blocks the kernels would use.
  if (X.kind === "dense") {
    const per = denseBlockRows(X.cols, nRows, blockBytes);
    const scratch = new Float64Array(per * m);
    for (let start = 0; start < nRows; start += per) {
      const count = Math.min(per, nRows - start);
      jsScores(X, rows, start, count, w, b, m, scratch);
      visit(start, count, scratch, 0, m);
    }
    return;
  }
  let scratch = new Float64Array(0);
  for (let start = 0; start < nRows; ) {
    const { count } = csrBlock(X, rows, start, nRows, m, blockBytes);
    if (scratch.length < count * m) scratch = new Float64Array(count * m);
    jsScores(X, rows, start, count, w, b, m, scratch);
    visit(start, count, scratch, 0, m);
    start += count;
  }
}

/** Rows of a dense block: as many as fit in blockBytes (at least one), rows padded to even width. */
function denseBlockRows(d: number, nRows: number, blockBytes: number): number {
  return Math.min(nRows, Math.max(1, Math.floor(blockBytes / ((d + (d & 1)) * 8))));
}

/**
 * The CSR block from selection row `start`: as many rows as fit in blockBytes (12 bytes a
 * non-zero, 4 a row pointer, 8 a score per class pair's lane), at least one.
 */
function csrBlock(X: CsrMatrix, rows: Int32Array | null, start: number, nRows: number, m: number, blockBytes: number): { count: number; nnz: number } {
  const rowCost = (m + (m & 1)) * 8 + 4;
  const indptr = X.indptr;
  let count = 0;
  let nnz = 0;
  while (start + count < nRows) {
    const i = rows === null ? start + count : rows[start + count];
    const len = indptr[i + 1] - indptr[i];
    if (count > 0 && (nnz + len) * 12 + (count + 1) * rowCost > blockBytes) break;
    nnz += len;
    count++;
  }
  return { count, nnz };
}

/**
 * out[r * k + c] = sum_j X[rows[r], j] * w[c * d + j] + b[c], for r < nRows.
 * @param out length >= nRows * k, overwritten.
 */
export function linearScores(
  X: Matrix,
  rows: Int32Array | null,
  nRows: number,
  w: Float64Array,
  b: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const copy: BlockVisitor = (start, count, s, at, stride) => {
    if (stride === k) out.set(s.subarray(at, at + count * k), start * k);
    else for (let r = 0; r < count; r++) for (let c = 0; c < k; c++) out[(start + r) * k + c] = s[at + r * stride + c];
  };
  if (!wasmScoreBlocks(X, rows, nRows, w, b, k, copy, DEFAULT_BLOCK_BYTES)) jsScores(X, rows, 0, nRows, w, b, k, out);
}

/** Total non-zeros of the selected rows of a CSR matrix. */
function selectedNnz(X: CsrMatrix, rows: Int32Array | null, nRows: number): number {
  if (rows === null) return X.indptr[nRows] - X.indptr[0];
  let nnz = 0;
  for (let r = 0; r < nRows; r++) nnz += X.indptr[rows[r] + 1] - X.indptr[rows[r]];
  return nnz;
}

/** The kernels' pass; false (nothing visited) when they are off or the work too small for them. */
function wasmScoreBlocks(X: Matrix, rows: Int32Array | null, nRows: number, w: Float64Array, b: Float64Array, m: number, visit: ProbabilityVisitor, blockBytes: number, link: Link | null = null): boolean {
  if (nRows <= 0) return false;
  // A CSR pass first lays W out feature-major (d x m): not worth it for fewer non-zeros than
  // features (an objective on a few hundred labeled texts), which the JS loop scores as fast.
  if (X.kind === "csr" && selectedNnz(X, rows, nRows) < X.cols) return false;
  const e = acquireScorer();
  if (e === null) return false;
  try {
    if (X.kind === "dense") denseBlocks(e, X, rows, nRows, w, b, m, visit, blockBytes, link);
    else csrBlocks(e, X, rows, nRows, w, b, m, visit, blockBytes, link);
  } finally {
    releaseScorer(e);
  }
  return true;
}

/**
 * After the scores of a block: the link and measure in the kernels (when asked), then the
 * visitor, on the probabilities (or the scores) in the module's memory.
 */
function finishBlock(e: Exports, f64: Float64Array, start: number, count: number, m: number, sOff: number, stride: number, pOff: number, link: Link | null, visit: ProbabilityVisitor): void {
  if (link === null) {
    visit(start, count, f64, sOff >> 3, stride, f64, 0);
    return;
  }
  const cols = link.binomial ? 2 : m;
  const uOff = align16(pOff + count * cols * 8);
  e.linkMeasure(count, m, sOff, stride, link.binomial ? 1 : 0, link.measure, pOff, uOff);
  visit(start, count, f64, pOff >> 3, cols, f64, uOff >> 3);
}

/** Bytes a block's probabilities and measures take beyond its scores (none for a plain score pass). */
function postBytes(count: number, m: number, link: Link | null): number {
  return link === null ? 0 : align16(count * (link.binomial ? 2 : m) * 8) + align16(count * 8) + 32;
}

function denseBlocks(e: Exports, X: DenseMatrix, rows: Int32Array | null, nRows: number, w: Float64Array, b: Float64Array, m: number, visit: ProbabilityVisitor, blockBytes: number, link: Link | null): void {
  const d = X.cols;
  const dp = d + (d & 1);
  const per = denseBlockRows(d, nRows, blockBytes);
  const wOff = align16(e.heapBase());
  const bOff = align16(wOff + m * dp * 8);
  const xOff = align16(bOff + m * 8);
  const sOff = align16(xOff + per * dp * 8);
  const pOff = align16(sOff + per * m * 8);
  reserve(e, pOff + postBytes(per, m, link));
  const f64 = new Float64Array(e.memory.buffer);
  putRows(f64, wOff >> 3, w, null, m, d, dp);
  f64.set(b.subarray(0, m), bOff >> 3);
  const data = X.data;
  for (let start = 0; start < nRows; start += per) {
    const count = Math.min(per, nRows - start);
    if (rows === null && dp === d) f64.set(data.subarray(start * d, (start + count) * d), xOff >> 3);
    else if (rows !== null && dp === d) gatherRuns(f64, xOff >> 3, data, rows, start, count, d);
    else putRows(f64, xOff >> 3, data, rows, count, d, dp, start);
    e.scores(count, dp, m, xOff, wOff, bOff, sOff);
    finishBlock(e, f64, start, count, m, sOff, m, pOff, link, visit);
  }
}

function csrBlocks(e: Exports, X: CsrMatrix, rows: Int32Array | null, nRows: number, w: Float64Array, b: Float64Array, m: number, visit: ProbabilityVisitor, blockBytes: number, link: Link | null): void {
  const d = X.cols;
  const mp = m + (m & 1);
  const { indptr, indices, values } = X;
  // W feature-major, mp doubles a feature (zero padding), then b padded likewise.
  const wtOff = align16(e.heapBase());
  const bOff = align16(wtOff + d * mp * 8);
  const blockOff = align16(bOff + mp * 8);
  reserve(e, blockOff + blockBytes);
  let buf = e.memory.buffer;
  let f64 = new Float64Array(buf);
  let i32 = new Int32Array(buf);
  const wt = wtOff >> 3;
  for (let c = 0; c < m; c++) for (let j = 0; j < d; j++) f64[wt + j * mp + c] = w[c * d + j];
  if (mp !== m) for (let j = 0; j < d; j++) f64[wt + j * mp + m] = 0;
  for (let c = 0; c < mp; c++) f64[(bOff >> 3) + c] = c < m ? b[c] : 0;
  for (let start = 0; start < nRows; ) {
    const { count, nnz } = csrBlock(X, rows, start, nRows, m, blockBytes);
    const valOff = blockOff;
    const idxOff = align16(valOff + nnz * 8);
    const ipOff = align16(idxOff + nnz * 4);
    const sOff = align16(ipOff + (count + 1) * 4);
    const pOff = align16(sOff + count * mp * 8);
    const end = pOff + postBytes(count, m, link);
    if (end > buf.byteLength) {
      reserve(e, end);
      buf = e.memory.buffer;
      f64 = new Float64Array(buf);
      i32 = new Int32Array(buf);
    }
    const ip = ipOff >> 2;
    if (rows === null) {
      const q0 = indptr[start];
      const q1 = indptr[start + count];
      f64.set(values.subarray(q0, q1), valOff >> 3);
      i32.set(indices.subarray(q0, q1), idxOff >> 2);
      for (let r = 0; r <= count; r++) i32[ip + r] = indptr[start + r] - q0;
    } else {
      let p = 0;
      for (let r = 0; r < count; r++) {
        const i = rows[start + r];
        const q0 = indptr[i];
        const q1 = indptr[i + 1];
        i32[ip + r] = p;
        f64.set(values.subarray(q0, q1), (valOff >> 3) + p);
        i32.set(indices.subarray(q0, q1), (idxOff >> 2) + p);
        p += q1 - q0;
      }
      i32[ip + count] = p;
    }
    e.csrScores(count, mp, ipOff, idxOff, valOff, wtOff, bOff, sOff);
    finishBlock(e, f64, start, count, m, sOff, mp, pOff, link, visit);
    start += count;
  }
}

/**
 * Rows rows[first .. first + count) of width d into dst from `at`, each run of consecutive rows
 * (an ascending unlabeled set is mostly runs) in one copy.
 */
function gatherRuns(dst: Float64Array, at: number, src: Float64Array, rows: Int32Array, first: number, count: number, d: number): void {
  let r = 0;
  while (r < count) {
    const i = rows[first + r];
    let len = 1;
    while (r + len < count && rows[first + r + len] === i + len) len++;
    if (len * d < 64) for (let j = 0; j < len * d; j++) dst[at + r * d + j] = src[i * d + j];
    else dst.set(src.subarray(i * d, (i + len) * d), at + r * d);
    r += len;
  }
}

/**
 * The JS loops: out[r * k + c] for the selection's rows first .. first + count - 1 (row
 * rows[first + r], or first + r when rows is null).
 */
export function jsScores(X: Matrix, rows: Int32Array | null, first: number, count: number, w: Float64Array, b: Float64Array, k: number, out: Float64Array): void {
  const d = X.cols;
  if (X.kind === "dense") {
    denseScores(X.data, d, rows, first, count, w, b, k, out);
    return;
  }
  const { indptr, indices, values } = X;
  for (let r = 0; r < count; r++) {
    const i = rows === null ? first + r : rows[first + r];
    const o = r * k;
    for (let c = 0; c < k; c++) out[o + c] = b[c];
    for (let q = indptr[i]; q < indptr[i + 1]; q++) {
      const x = values[q];
      const j = indices[q];
      for (let c = 0; c < k; c++) out[o + c] += x * w[c * d + j];
    }
  }
}

/**
 * Dense part of jsScores, on raw arrays so V8 keeps it monomorphic. Blocks of four rows by
 * two classes keep eight sums in registers and load each weight once per four rows (measured
 * 20-40% faster than two-by-two blocks in V8).
 */
function denseScores(
  data: Float64Array,
  d: number,
  rows: Int32Array | null,
  first: number,
  nRows: number,
  w: Float64Array,
  b: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const row = (r: number): number => (rows === null ? first + r : rows[first + r]) * d;
  let r = 0;
  for (; r + 3 < nRows; r += 4) {
    const xa = row(r);
    const xb = row(r + 1);
    const xc = row(r + 2);
    const xd = row(r + 3);
    const oa = r * k;
    let c = 0;
    for (; c + 1 < k; c += 2) {
      const w0 = c * d;
      const w1 = w0 + d;
      let a0 = b[c];
      let a1 = b[c + 1];
      let b0 = a0;
      let b1 = a1;
      let c0 = a0;
      let c1 = a1;
      let d0 = a0;
      let d1 = a1;
      for (let j = 0; j < d; j++) {
        const p = w[w0 + j];
        const q = w[w1 + j];
        let x = data[xa + j];
        a0 += x * p;
        a1 += x * q;
        x = data[xb + j];
        b0 += x * p;
        b1 += x * q;
        x = data[xc + j];
        c0 += x * p;
        c1 += x * q;
        x = data[xd + j];
        d0 += x * p;
        d1 += x * q;
      }
      out[oa + c] = a0;
      out[oa + c + 1] = a1;
      out[oa + k + c] = b0;
      out[oa + k + c + 1] = b1;
      out[oa + 2 * k + c] = c0;
      out[oa + 2 * k + c + 1] = c1;
      out[oa + 3 * k + c] = d0;
      out[oa + 3 * k + c + 1] = d1;
    }
    if (c < k) {
      const w0 = c * d;
      let a0 = b[c];
      let b0 = a0;
      let c0 = a0;
      let d0 = a0;
      for (let j = 0; j < d; j++) {
        const p = w[w0 + j];
        a0 += data[xa + j] * p;
        b0 += data[xb + j] * p;
        c0 += data[xc + j] * p;
        d0 += data[xd + j] * p;
      }
      out[oa + c] = a0;
      out[oa + k + c] = b0;
      out[oa + 2 * k + c] = c0;
      out[oa + 3 * k + c] = d0;
    }
  }
  for (; r < nRows; r++) {
    const xa = row(r);
    const oa = r * k;
    for (let c = 0; c < k; c++) {
      const w0 = c * d;
      let s = b[c];
      for (let j = 0; j < d; j++) s += data[xa + j] * w[w0 + j];
      out[oa + c] = s;
    }
  }
}
