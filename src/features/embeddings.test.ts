/**
 * Embeddings given three ways — as numeric columns, as a .npy file, as vector cells — and
 * through an ONNX encoder must reach the model as the same numbers.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "node:test";
import { loadDataset } from "../data/load.js";
import { checkRowAlignment, readNpy, writeNpy } from "../data/npy.js";
import { readTable } from "../data/read.js";
import type { NumericColumn } from "../data/types.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { OnnxEncoder } from "../models/encoder.js";
import { DOUBLE, linearModel } from "../models/onnx-test-support.js";
import { datasetFromMatrix } from "./matrix-dataset.js";
import { hstack, parseVectorCells } from "./vectors.js";

void test("numeric columns, .npy, vector cells and an identity ONNX encoder give equal matrices", async () => {
  const rng = new Rng(2024);
  const [n, d] = [40, 6];
  const E = dense(n, d, Float64Array.from({ length: n * d }, () => (rng.next() - 0.5) * 100));
  const labels = Array.from({ length: n }, (_, i) => (E.data[i * d] > 0 ? "pos" : "neg"));
  const names = Array.from({ length: d }, (_, j) => `emb[${j}]`);
  const dir = mkdtempSync(join(tmpdir(), "emb-"));
  const row = (i: number): number[] => Array.from(E.data.subarray(i * d, (i + 1) * d));

  // 1. As columns of a CSV table (String(x) round-trips a double exactly).
  const colsCsv = join(dir, "cols.csv");
  writeFileSync(colsCsv, [["label", ...names.map((_, j) => `e${j}`)].join(","), ...labels.map((l, i) => [l, ...row(i).map(String)].join(","))].join("\n") + "\n");
  const ds = loadDataset(colsCsv, { label: "label" });
  const fromColumns = dense(n, d);
  ds.columns.forEach((c, j) => (c as NumericColumn).values.forEach((v, i) => (fromColumns.data[i * d + j] = v)));
  assert.deepEqual(fromColumns, E);

  // 2. As a .npy file beside the table (float64, and Fortran order too).
  for (const fortranOrder of [false, true]) {
    const npy = join(dir, "emb.npy");
    writeFileSync(npy, writeNpy(E, { fortranOrder }));
    const got = readNpy(npy);
    checkRowAlignment(got.X.rows, ds.rows, { file: npy, table: colsCsv });
    assert.deepEqual(got, { X: E, names });
  }

  // 3. As vector cells: a CSV column of "a;b;c" text, and JSON arrays (a JSONL field's values).
  const vecCsv = join(dir, "vec.csv");
  writeFileSync(vecCsv, ["label,emb", ...labels.map((l, i) => `${l},${row(i).join(";")}`)].join("\n") + "\n");
  const t = readTable(vecCsv);
  const j = t.header.indexOf("emb");
  const fromCells = parseVectorCells(t.cells.map((r) => r[j]), { column: "emb", file: vecCsv, rowNumbers: t.rowNumbers });
  assert.deepEqual(fromCells, { X: E, names });
  const fromJson = parseVectorCells(Array.from({ length: n }, (_, i) => row(i)), { column: "emb", file: "v.jsonl" });
  assert.deepEqual(fromJson.X, E);

  // 4. Through an ONNX encoder computing x·I (float64): the same numbers again.
  const I = dense(d, d, Float64Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) === k % d ? 1 : 0)));
  const model = join(dir, "id.onnx");
  writeFileSync(model, linearModel({ W: I, elemType: DOUBLE }));
  const enc = await OnnxEncoder.load(model, { batchSize: 7, prefix: "emb" });
  const encoded = await enc.encodeRows(fromColumns);
  await enc.close();
  assert.deepEqual(encoded, { X: E, names });

  // As datasets, the .npy/cell/encoder matrices hold the same columns as the table's.
  const asDs = datasetFromMatrix(fromCells.X, fromCells.names, { labels, source: vecCsv });
  assert.deepEqual(asDs.columns.map((c) => Array.from(c.values as Float64Array)), ds.columns.map((c) => Array.from(c.values as Float64Array)));
  assert.deepEqual(asDs.labels, ds.labels);
});

void test("vectors join the table's own features side by side, row for row", () => {
  const own: DenseMatrix = dense(3, 1, Float64Array.from([7, 8, 9]));
  const { X } = parseVectorCells(["1 2", "3 4", "5 6"], { column: "v", file: "t.csv" });
  assert.deepEqual(Array.from(hstack([own, X]).data), [7, 1, 2, 8, 3, 4, 9, 5, 6]);
  assert.throws(() => checkRowAlignment(X.rows, 4, { file: "v.npy", table: "t.csv" }), /v\.npy: has 3 rows but the table t\.csv has 4/);
});
