/**
 * Feature rows as stored in the project database: one BLOB per item holding its non-zero
 * entries, `nnz` float64 values followed by `nnz` int32 column indices (little-endian), and the
 * pool matrix rebuilt from them (CSR, or dense when the featurizer has no text column).
 */
import { dense, type CsrMatrix, type Matrix } from "../linalg/matrix.js";
import type { Store } from "../store/types.js";

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
