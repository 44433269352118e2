/**
 * Feature blocks: the pool's feature rows stored a block of consecutive rows to one table row
 * (schema step 8, table `feature_blocks`), instead of one BLOB per item (`features`, still read
 * for databases not yet migrated). A block is either dense (`vals` = rows × cols float64,
 * row-major, `indptr`/`indices` NULL) or CSR (`indptr` = rows + 1 int32 offsets from 0, `indices`
 * int32 column numbers, `vals` float64), all little-endian. Loading is then one byte copy per
 * block into the pool matrix, with no JS object per row.
 *
 * Measured on this machine (10^6 rows × 50 float64, better-sqlite3, WAL): writing one BLOB per row
 * in batched transactions took 1.6 s and loading it 2.2 s; blocks of 4096 rows took 1.8 s to write
 * and 0.35 s to load, and a 12% smaller file. Loading dominates (every server start), so blocks.
 */

/** One stored block of consecutive feature rows (byte views as the database returns them). */
export interface FeatureBlock {
  /** Pool index of the block's first row. */
  readonly start: number;
  readonly rows: number;
  readonly cols: number;
  /** float64 values: rows × cols for a dense block, the non-zeros for a CSR one. */
  readonly values: Uint8Array;
  /** int32 row offsets (rows + 1), null for a dense block. */
  readonly indptr: Uint8Array | null;
  /** int32 column numbers of the non-zeros, null for a dense block. */
  readonly indices: Uint8Array | null;
}

/** A typed copy of bytes that may start at any offset (the driver's buffers need not be aligned). */
export function alignedInt32(bytes: Uint8Array): Int32Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Int32Array(copy.buffer, 0, bytes.length / 4);
}

export function alignedFloat64(bytes: Uint8Array): Float64Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer, 0, bytes.length / 8);
}

/** One row in the per-item encoding: nnz float64 values, then nnz int32 column numbers. */
export function rowBlob(values: ArrayLike<number>, indices: ArrayLike<number>): Uint8Array {
  const nnz = indices.length;
  const buf = new ArrayBuffer(nnz * 12);
  new Float64Array(buf, 0, nnz).set(values);
  new Int32Array(buf, nnz * 8, nnz).set(indices);
  return new Uint8Array(buf);
}

/** The block's rows in the per-item encoding (zeros of a dense block skipped). */
export function* blockRows(b: FeatureBlock): Generator<{ idx: number; row: Uint8Array }> {
  const vals = alignedFloat64(b.values);
  if (b.indptr === null || b.indices === null) {
    for (let r = 0; r < b.rows; r++) {
      const idx: number[] = [];
      const val: number[] = [];
      for (let j = 0; j < b.cols; j++) {
        const v = vals[r * b.cols + j];
        if (v !== 0) {
          idx.push(j);
          val.push(v);
        }
      }
      yield { idx: b.start + r, row: rowBlob(val, idx) };
    }
    return;
  }
  const ptr = alignedInt32(b.indptr);
  const ind = alignedInt32(b.indices);
  for (let r = 0; r < b.rows; r++) yield { idx: b.start + r, row: rowBlob(vals.subarray(ptr[r], ptr[r + 1]), ind.subarray(ptr[r], ptr[r + 1])) };
}

/** A CSR block of per-item rows (consecutive pool indices from `start`). */
export function csrBlockOf(start: number, cols: number, rows: readonly Uint8Array[]): FeatureBlock {
  let nnz = 0;
  for (const r of rows) nnz += r.length / 12;
  const indptr = new Int32Array(rows.length + 1);
  const values = new Uint8Array(nnz * 8);
  const indices = new Uint8Array(nnz * 4);
  let q = 0;
  rows.forEach((r, i) => {
    const k = r.length / 12;
    values.set(r.subarray(0, k * 8), q * 8);
    indices.set(r.subarray(k * 8), q * 4);
    q += k;
    indptr[i + 1] = q;
  });
  return { start, rows: rows.length, cols, values, indptr: new Uint8Array(indptr.buffer), indices };
}
