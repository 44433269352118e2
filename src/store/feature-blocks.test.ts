/**
 * Feature blocks: written by init, loaded by the pool loader with one copy per block, decoded
 * row by row by featureRows; and schema step 8 moving an older database's per-item rows there.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import Database from "better-sqlite3";
import { blockOf, decodeRow, loadPoolMatrix } from "../project/features.js";
import { dense, type CsrMatrix, type Matrix } from "../linalg/matrix.js";
import { MIGRATIONS, MIGRATED_BLOCK_ROWS, migrate } from "./migrations.js";
import { rowBlob } from "./feature-blocks.js";
import { openStore } from "./open.js";

const made: string[] = [];
const tmpDb = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-blocks-"));
  made.push(d);
  return path.join(d, "project.db");
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A dense matrix with zeros here and there (value of row r, column j: a function of both). */
function denseOf(rows: number, cols: number): Matrix {
  const X = dense(rows, cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) X.data[r * cols + j] = (r + j) % 3 === 0 ? 0 : r * 0.5 - j / 7;
  return X;
}

function toCsr(X: Matrix): CsrMatrix {
  if (X.kind === "csr") return X;
  const indptr = new Int32Array(X.rows + 1);
  const ind: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < X.rows; r++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[r * X.cols + j];
      if (v !== 0) {
        ind.push(j);
        val.push(v);
      }
    }
    indptr[r + 1] = val.length;
  }
  return { kind: "csr", rows: X.rows, cols: X.cols, indptr, indices: Int32Array.from(ind), values: Float64Array.from(val) };
}

/** Rows r0..r1 of a matrix as a matrix of its own (what one init batch transforms). */
function rowsOf(X: Matrix, r0: number, r1: number): Matrix {
  if (X.kind === "dense") return dense(r1 - r0, X.cols, X.data.slice(r0 * X.cols, r1 * X.cols));
  return { kind: "csr", rows: r1 - r0, cols: X.cols, indptr: X.indptr.subarray(r0, r1 + 1), indices: X.indices, values: X.values };
}

void test("dense and CSR blocks load back into the same pool matrix, and decode row by row", () => {
  const D = denseOf(23, 5);
  for (const X of [D, toCsr(D)]) {
    const db = tmpDb();
    const store = openStore(db, { create: true });
    try {
      // Uneven blocks, the CSR ones sliced out of one set of arrays (indptr not from 0).
      for (const [a, b] of [[0, 10], [10, 11], [11, 23]]) store.putFeatureBlock(blockOf(rowsOf(X, a, b), a));
      for (const kind of ["dense", "csr"] as const) {
        const Y = loadPoolMatrix(store, 23, 5, kind);
        assert.equal(Y.kind, kind);
        if (kind === "dense") assert.deepEqual(Array.from((Y as { data: Float64Array }).data), Array.from((D as { data: Float64Array }).data));
        else {
          const C = toCsr(D);
          const Z = Y as CsrMatrix;
          assert.deepEqual([Array.from(Z.indptr), Array.from(Z.indices), Array.from(Z.values)], [Array.from(C.indptr), Array.from(C.indices), Array.from(C.values)]);
        }
      }
      const rows = [...store.featureRows()];
      assert.deepEqual(rows.map((r) => r.idx), Array.from({ length: 23 }, (_, i) => i));
      const C = toCsr(D);
      rows.forEach((r, i) => {
        const d = decodeRow(r.row);
        assert.deepEqual(Array.from(d.indices), Array.from(C.indices.subarray(C.indptr[i], C.indptr[i + 1])));
        assert.deepEqual(Array.from(d.values), Array.from(C.values.subarray(C.indptr[i], C.indptr[i + 1])));
      });
      assert.throws(() => loadPoolMatrix(store, 24, 5, "dense"), /expected 24 feature rows, found 23/);
    } finally {
      store.close();
    }
  }
});

void test("a gap between blocks is an error, not a shifted pool", () => {
  const store = openStore(tmpDb(), { create: true });
  try {
    const X = denseOf(6, 2);
    store.putFeatureBlock(blockOf(rowsOf(X, 0, 3), 0));
    store.putFeatureBlock(blockOf(rowsOf(X, 3, 6), 4));
    assert.throws(() => loadPoolMatrix(store, 7, 2, "dense"), /not contiguous: expected row 3, found 4/);
  } finally {
    store.close();
  }
});

void test("schema step 8 moves an older database's per-item feature rows into blocks; the pool is the same", () => {
  const file = tmpDb();
  const n = MIGRATED_BLOCK_ROWS + 37; // two blocks
  const X = denseOf(n, 4);
  const C = toCsr(X);
  const raw = new Database(file);
  migrate(raw, file, MIGRATIONS.filter((m) => m.version < 8));
  assert.equal(raw.pragma("user_version", { simple: true }), 7);
  raw.prepare("INSERT INTO meta (key, value) VALUES ('project', ?)").run(JSON.stringify({ featureWidth: 4 }));
  const put = raw.prepare("INSERT INTO features (idx, row) VALUES (?, ?)");
  for (let r = 0; r < n; r++) put.run(r, rowBlob(C.values.subarray(C.indptr[r], C.indptr[r + 1]), C.indices.subarray(C.indptr[r], C.indptr[r + 1])));
  raw.close();
  // Read-only, before the migration: the per-item rows.
  let store = openStore(file, { readonly: true });
  const before = loadPoolMatrix(store, n, 4, "dense");
  assert.equal([...store.featureBlocks()].length, 0);
  store.close();
  store = openStore(file);
  try {
    assert.equal(store.schemaVersion, 8);
    const blocks = [...store.featureBlocks()];
    assert.deepEqual(blocks.map((b) => [b.start, b.rows, b.cols]), [[0, MIGRATED_BLOCK_ROWS, 4], [MIGRATED_BLOCK_ROWS, 37, 4]]);
    const after = loadPoolMatrix(store, n, 4, "dense");
    assert.deepEqual(Array.from((after as { data: Float64Array }).data), Array.from((X as { data: Float64Array }).data));
    assert.deepEqual(Array.from((before as { data: Float64Array }).data), Array.from((X as { data: Float64Array }).data));
    assert.equal([...store.featureRows()].length, n, "featureRows decodes the blocks");
  } finally {
    store.close();
  }
});
