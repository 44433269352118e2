/**
 * Feature rows as stored in the project database, and the pool matrix rebuilt from them (CSR,
 * or dense when the featurizer has no text column). `init` writes blocks of consecutive rows
 * (store/feature-blocks.ts: a dense block is the batch's Float64Array as it is, a CSR block its
 * three arrays), and the pool is loaded by copying each block's bytes straight into one typed
 * array (rows × cols Float64Array, or CSR arrays), with no JS object or copy per row. Databases
 * not yet migrated to blocks (opened read-only) keep one BLOB per item, `nnz` float64 values
 * followed by `nnz` int32 column indices (little-endian), read row by row.
 */
import { dense, type CsrMatrix, type DenseMatrix, type Matrix } from "../linalg/matrix.js";
import { alignedInt32 } from "../store/feature-blocks.js";
import type { FeatureBlock, Store } from "../store/types.js";

/** The rows of a transformed batch as one block starting at pool index `start` (no copy for dense). */
export function blockOf(m: Matrix, start: number): FeatureBlock {
  if (m.kind === "dense") return { start, rows: m.rows, cols: m.cols, values: new Uint8Array(m.data.buffer, m.data.byteOffset, m.rows * m.cols * 8), indptr: null, indices: null };
  const base = m.indptr[0];
  const nnz = m.indptr[m.rows] - base;
  const indptr = Int32Array.from(m.indptr, (q) => q - base);
  return {
    start,
    rows: m.rows,
    cols: m.cols,
    values: new Uint8Array(m.values.buffer, m.values.byteOffset + base * 8, nnz * 8),
    indptr: new Uint8Array(indptr.buffer),
    indices: new Uint8Array(m.indices.buffer, m.indices.byteOffset + base * 4, nnz * 4),
  };
}

/** Encodes row `r` of `m` (zeros skipped). */
export function encodeRow(m: Matrix, r: number): Uint8Array {
  let idx: Int32Array;
  let val: Float64Array;
  if (m.kind === "csr") {
    idx = m.indices.subarray(m.indptr[r], m.indptr[r + 1]);
    val = m.values.subarray(m.indptr[r], m.indptr[r + 1]);
  } else {
    let nnz = 0;
    const base = r * m.cols;
    for (let j = 0; j < m.cols; j++) if (m.data[base + j] !== 0) nnz++;
    idx = new Int32Array(nnz);
    val = new Float64Array(nnz);
    let q = 0;
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[base + j];
      if (v !== 0) {
        idx[q] = j;
        val[q++] = v;
      }
    }
  }
  const nnz = idx.length;
  const buf = new ArrayBuffer(nnz * 12);
  new Float64Array(buf, 0, nnz).set(val);
  new Int32Array(buf, nnz * 8, nnz).set(idx);
  return new Uint8Array(buf);
}

/** Decodes a stored row into (indices, values). */
export function decodeRow(blob: Uint8Array): { indices: Int32Array; values: Float64Array } {
  const nnz = blob.length / 12;
  const copy = new Uint8Array(blob.length);
  copy.set(blob); // aligned copy: the driver's buffer may start at any byte offset
  return { values: new Float64Array(copy.buffer, 0, nnz), indices: new Int32Array(copy.buffer, nnz * 8, nnz) };
}

/**
 * Reads every stored feature row into the pool matrix (rows = pool indices).
 * @param kind "dense" densifies (small tabular data); "csr" keeps it sparse
 */
export function loadPoolMatrix(store: Store, rows: number, cols: number, kind: "dense" | "csr"): Matrix {
  const blocks = store.featureBlocks();
  try {
    const first = blocks.next();
    if (first.done !== true) return loadBlocks(first.value, blocks, rows, cols, kind);
  } finally {
    // Ends the query when loading stopped early (an error): the connection stays usable.
    blocks.return?.();
  }
  const indptr = new Int32Array(rows + 1);
  let indices = new Int32Array(Math.max(16, rows * 8));
  let values = new Float64Array(indices.length);
  let nnz = 0;
  let expected = 0;
  for (const { idx, row } of store.featureRows()) {
    if (idx !== expected) throw new Error(`feature rows are not contiguous: expected row ${expected}, found ${idx}`);
    const d = decodeRow(row);
    const need = nnz + d.indices.length;
    if (need > indices.length) {
      const cap = Math.max(need, indices.length * 2);
      const ni = new Int32Array(cap);
      ni.set(indices.subarray(0, nnz));
      const nv = new Float64Array(cap);
      nv.set(values.subarray(0, nnz));
      indices = ni;
      values = nv;
    }
    indices.set(d.indices, nnz);
    values.set(d.values, nnz);
    nnz = need;
    expected++;
    indptr[expected] = nnz;
  }
  if (expected !== rows) throw new Error(`expected ${rows} feature rows, found ${expected}`);
  const csr: CsrMatrix = { kind: "csr", rows, cols, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
  if (kind === "csr") return csr;
  const X = dense(rows, cols);
  for (let r = 0; r < rows; r++) for (let q = indptr[r]; q < indptr[r + 1]; q++) X.data[r * cols + csr.indices[q]] = csr.values[q];
  return X;
}

/** Growable CSR arrays. */
class CsrBuilder {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  nnz = 0;
  constructor(rows: number, guess: number) {
    this.indptr = new Int32Array(rows + 1);
    this.indices = new Int32Array(Math.max(16, guess));
    this.values = new Float64Array(this.indices.length);
  }
  reserve(more: number): void {
    const need = this.nnz + more;
    if (need <= this.indices.length) return;
    const cap = Math.max(need, Math.ceil(this.indices.length * 1.5));
    const ni = new Int32Array(cap);
    ni.set(this.indices.subarray(0, this.nnz));
    const nv = new Float64Array(cap);
    nv.set(this.values.subarray(0, this.nnz));
    this.indices = ni;
    this.values = nv;
  }
}

/** The pool from blocks: each block's bytes copied into place (see the module comment). */
function loadBlocks(first: FeatureBlock, rest: Iterator<FeatureBlock>, rows: number, cols: number, kind: "dense" | "csr"): Matrix {
  let X: DenseMatrix | null = null;
  let X8: Uint8Array | null = null;
  let csr: CsrBuilder | null = null;
  if (kind === "dense") {
    X = dense(rows, cols);
    X8 = new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength);
  } else csr = new CsrBuilder(rows, first.values.length / 8 / Math.max(1, first.rows) * rows * 1.05);
  let expected = 0;
  for (let b: FeatureBlock | undefined = first; b !== undefined; ) {
    if (b.start !== expected) throw new Error(`feature rows are not contiguous: expected row ${expected}, found ${b.start}`);
    if (b.start + b.rows > rows) throw new Error(`expected ${rows} feature rows, found more`);
    if (b.indptr === null || b.indices === null) {
      if (b.cols !== cols) throw new Error(`feature block at row ${b.start} has ${b.cols} columns, expected ${cols}`);
      if (X8 !== null) X8.set(b.values, b.start * cols * 8);
      else if (csr !== null) {
        // A dense block into a sparse pool: its non-zeros.
        const v = new Float64Array(b.rows * cols);
        new Uint8Array(v.buffer).set(b.values);
        csr.reserve(v.length);
        for (let r = 0; r < b.rows; r++) {
          for (let j = 0; j < cols; j++) {
            const x = v[r * cols + j];
            if (x !== 0) {
              csr.indices[csr.nnz] = j;
              csr.values[csr.nnz++] = x;
            }
          }
          csr.indptr[b.start + r + 1] = csr.nnz;
        }
      }
    } else {
      const ptr = alignedInt32(b.indptr);
      const nnz = ptr[b.rows];
      if (csr !== null) {
        csr.reserve(nnz);
        new Uint8Array(csr.values.buffer, csr.nnz * 8, nnz * 8).set(b.values);
        new Uint8Array(csr.indices.buffer, csr.nnz * 4, nnz * 4).set(b.indices);
        for (let r = 1; r <= b.rows; r++) csr.indptr[b.start + r] = csr.nnz + ptr[r];
        csr.nnz += nnz;
      } else if (X !== null) {
        // A sparse block (a migrated per-item project) into a dense pool.
        const v = new Float64Array(nnz);
        new Uint8Array(v.buffer).set(b.values);
        const ind = alignedInt32(b.indices);
        for (let r = 0; r < b.rows; r++) for (let q = ptr[r]; q < ptr[r + 1]; q++) X.data[(b.start + r) * cols + ind[q]] = v[q];
      }
    }
    expected += b.rows;
    const next = rest.next();
    b = next.done === true ? undefined : next.value;
  }
  if (expected !== rows) throw new Error(`expected ${rows} feature rows, found ${expected}`);
  if (X !== null) return X;
  const c = csr as CsrBuilder;
  const out: CsrMatrix = { kind: "csr", rows, cols, indptr: c.indptr, indices: c.indices.length === c.nnz ? c.indices : c.indices.slice(0, c.nnz), values: c.values.length === c.nnz ? c.values : c.values.slice(0, c.nnz) };
  return out;
}
