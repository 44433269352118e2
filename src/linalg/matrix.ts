/**
 * Matrices of the numeric core: dense row-major Float64Array, or CSR for sparse features
 * (text). Pool indices are plain row numbers of the pool matrix: 0 .. rows-1.
 */
import { ShapeMismatchError } from "../errors.js";

/** Dense row-major matrix: element (i, j) at data[i * cols + j]. */
export interface DenseMatrix {
  readonly kind: "dense";
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Compressed sparse rows: row i holds indices[indptr[i] .. indptr[i+1]) with their values. */
export interface CsrMatrix {
  readonly kind: "csr";
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export type Matrix = DenseMatrix | CsrMatrix;

/** A dense matrix of zeros, or one around `data` (length rows * cols). */
export function dense(rows: number, cols: number, data?: Float64Array): DenseMatrix {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new ShapeMismatchError(`dense(${rows}, ${cols}) needs ${rows * cols} values, got ${d.length}`);
  }
  return { kind: "dense", rows, cols, data: d };
}

/** Builds a dense matrix from row arrays (tests and small inputs). */
export function denseFromRows(rows: readonly (readonly number[])[]): DenseMatrix {
  const n = rows.length;
  const d = n === 0 ? 0 : rows[0].length;
  const m = dense(n, d);
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== d) throw new ShapeMismatchError(`row ${i} has ${rows[i].length} values, expected ${d}`);
    m.data.set(rows[i], i * d);
  }
  return m;
}

/** Number of stored values (non-zeros for CSR, rows * cols for dense). */
export function storedValues(m: Matrix): number {
  return m.kind === "dense" ? m.data.length : m.indptr[m.rows];
}

/** Selects rows (in the given order) into a new matrix of the same kind. */
export function takeRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const n = rows.length;
  if (m.kind === "dense") {
    const out = dense(n, m.cols);
    for (let r = 0; r < n; r++) {
      const i = rows[r];
      out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
    }
    return out;
  }
  let nnz = 0;
  for (let r = 0; r < n; r++) nnz += m.indptr[rows[r] + 1] - m.indptr[rows[r]];
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let r = 0; r < n; r++) {
    const i = rows[r];
    for (let q = m.indptr[i]; q < m.indptr[i + 1]; q++) {
      indices[p] = m.indices[q];
      values[p] = m.values[q];
      p++;
    }
    indptr[r + 1] = p;
  }
  return { kind: "csr", rows: n, cols: m.cols, indptr, indices, values };
}

/** Row i as a dense array (for display and tests; never in hot loops). */
export function rowToArray(m: Matrix, i: number): number[] {
  if (m.kind === "dense") return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  const out = new Array<number>(m.cols).fill(0);
  for (let q = m.indptr[i]; q < m.indptr[i + 1]; q++) out[m.indices[q]] = m.values[q];
  return out;
}
