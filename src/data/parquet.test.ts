import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { toDataset } from "./dataset.js";
import type { HistoryExportRow, LabelExportRow } from "./export-rows.js";
import { readParquetTable, streamParquet, writeParquet, writeParquetHistory, writeParquetLabels } from "./parquet.js";
import { rejectsBad, tempFiles } from "./test-support.js";

const { dir, temp } = tempFiles("parquet");

void test("final labels: write then read gives the same rows, typed columns, several row groups", async () => {
  const rows: LabelExportRow[] = [
    { id: "a1", data: { amount: "12.5", city: "Oslo", note: "=SUM(A1)" }, label: "spam", annotator: "ann", labeledAt: "2024-05-01T10:00:00.000Z", disputed: false },
    { id: "a2", data: { amount: "NA", city: null, note: "x" }, label: null, annotator: "ann;bo", labeledAt: "2024-05-01T10:01:00.000Z", disputed: true },
    { id: "a3", data: { amount: -3, city: "Rome", note: "" }, label: "ham", annotator: "bo", labeledAt: "2024-05-02T00:00:00.000Z", disputed: false },
  ];
  const out = join(dir, "labels.parquet");
  const n = await writeParquetLabels(out, rows, {
    fields: [{ name: "amount", kind: "numeric" }, { name: "city", kind: "categorical" }, { name: "label", kind: "text" }, { name: "note", kind: "text" }],
    consensus: true,
    rowGroupSize: 2,
  });
  assert.equal(n, 3);
  const got = await streamParquet(out, () => undefined);
  assert.equal(got.rowGroups, 2);
  const t = await readParquetTable(out);
  // A field named "label" pushes the label column to "_label", as the CSV export does.
  assert.deepEqual(t.header, ["id", "amount", "city", "label", "note", "_label", "annotator", "labeled_at", "disputed"]);
  assert.deepEqual(t.cells, [
    ["a1", 12.5, "Oslo", null, "=SUM(A1)", "spam", "ann", "2024-05-01T10:00:00.000Z", false],
    ["a2", null, null, null, "x", null, "ann;bo", "2024-05-01T10:01:00.000Z", true],
    ["a3", -3, "Rome", null, "", "ham", "bo", "2024-05-02T00:00:00.000Z", false],
  ]);
  assert.deepEqual(t.rowNumbers, [1, 2, 3]);
  // The table types like any other: amount is numeric.
  const ds = toDataset(t, { id: "id", label: "_label" });
  assert.equal(ds.columns.find((c) => c.name === "amount")?.kind, "numeric");
  assert.deepEqual(ds.labels, ["spam", null, "ham"]);
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")).length, 0);
});

void test("history: long format round trip with INT32 durations and nulls", async () => {
  const rows: HistoryExportRow[] = [
    { id: "7", annotator: "ann", label: "spam", kind: "label", at: "2024-01-01T00:00:00.000Z", durationMs: 1530, audit: false },
    { id: "7", annotator: "ann", label: "spam", kind: "undo", at: "2024-01-01T00:00:05.000Z", durationMs: null, audit: false },
    { id: "9", annotator: "bo", label: null, kind: "skip", at: "2024-01-01T00:01:00.000Z", durationMs: null, audit: true },
  ];
  const out = join(dir, "history.parquet");
  assert.equal(await writeParquetHistory(out, rows, { idName: "at" }), 3);
  const t = await readParquetTable(out);
  assert.deepEqual(t.header, ["at", "annotator", "label", "kind", "_at", "duration_ms", "audit"]);
  assert.deepEqual(t.cells, rows.map((r) => [r.id, r.annotator, r.label, r.kind, r.at, r.durationMs, r.audit]));
});

void test("a file with nulls and mixed types reads into scalar cells", async () => {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "s", data: ["x", null, "é😀"], type: "STRING" },
      { name: "d", data: [1.5, Number.NaN, null], type: "DOUBLE" },
      { name: "i", data: [1, null, -7], type: "INT32" },
      { name: "big", data: [1n, 9007199254740993n, null], type: "INT64" },
      { name: "b", data: [true, false, null], type: "BOOLEAN" },
      { name: "t", data: [new Date(0), null, new Date(86_400_000)], type: "TIMESTAMP" },
    ],
  });
  const file = temp("parquet", new Uint8Array(buf));
  const t = await readParquetTable(file);
  assert.deepEqual(t.header, ["s", "d", "i", "big", "b", "t"]);
  assert.deepEqual(t.cells, [
    ["x", 1.5, 1, 1, true, "1970-01-01T00:00:00.000Z"],
    [null, null, null, "9007199254740993", false, null],
    ["é😀", null, -7, null, null, "1970-01-02T00:00:00.000Z"],
  ]);
  const ds = toDataset(t);
  assert.deepEqual(ds.columns.map((c) => [c.name, c.kind, c.missing]), [
    ["s", "categorical", 1],
    ["d", "numeric", 2],
    ["i", "numeric", 1],
    ["big", "numeric", 1],
    ["b", "categorical", 1],
    ["t", "categorical", 1],
  ]);
});

void test("nested and list columns are refused by name before any data is read", async () => {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "id", data: ["a"], type: "STRING" },
      { name: "emb", data: [[1, 2, 3]] },
    ],
  });
  const file = temp("parquet", new Uint8Array(buf));
  const e = await rejectsBad(readParquetTable(file), file, 'column "emb"', "list");
  assert.equal(e.location.column, "emb");
  const js = parquetWriteBuffer({ columnData: [{ name: "j", data: [{ a: 1 }], type: "JSON" }] });
  const jf = temp("parquet", new Uint8Array(js));
  const e2 = await rejectsBad(readParquetTable(jf), jf, "row 1", 'column "j"', "object");
  assert.equal(e2.location.row, 1);
});

void test("a corrupt or non-Parquet file is a located error", async () => {
  await rejectsBad(readParquetTable(temp("parquet", "id,label\n1,a\n")), "not a Parquet file");
  await rejectsBad(readParquetTable(temp("parquet", "")), "not a Parquet file", "0 bytes");
  await rejectsBad(readParquetTable(join(dir, "missing.parquet")), "missing.parquet", "file not found");
  const good = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "s", data: ["a", "b", "c"], type: "STRING" }] }));
  // A broken footer: keep the magic bytes, overwrite the metadata.
  const footer = good.slice();
  const len = new DataView(footer.buffer).getUint32(footer.length - 8, true);
  footer.fill(0xff, footer.length - 8 - len, footer.length - 8);
  await rejectsBad(readParquetTable(temp("parquet", footer)), "corrupt Parquet footer");
  // Broken data pages: the row group is named.
  const pages = good.slice();
  pages.fill(0xee, 4, 24);
  const f = temp("parquet", pages);
  const e = await rejectsBad(readParquetTable(f), f, "row group 1 of 1", "rows 1-3", "cannot be decoded");
  assert.equal(e.location.row, 1);
});

void test("the writer refuses values that do not fit and leaves no file behind", async () => {
  const out = join(dir, "bad.parquet");
  fs.writeFileSync(out, "old");
  const e = await rejectsBad(
    writeParquet(out, [{ name: "x", type: "DOUBLE" }, { name: "when", type: "TIMESTAMP" }], [[1, "2024-01-01T00:00:00Z"], ["abc", "2024-01-01T00:00:00Z"]]),
    out, "row 2", 'column "x"', "not a number",
  );
  assert.equal(e.location.column, "x");
  await rejectsBad(writeParquet(out, [{ name: "when", type: "TIMESTAMP" }], [["yesterday"]]), "row 1", 'column "when"', "not a valid time");
  await rejectsBad(writeParquet(out, [{ name: "n", type: "INT32" }], [[1.5]]), "32-bit whole number");
  await rejectsBad(writeParquet(join(dir, "nope", "x.parquet"), [{ name: "n", type: "INT32" }], []), "does not exist");
  assert.equal(fs.readFileSync(out, "utf8"), "old");
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});

void test("zero rows write a valid empty file", async () => {
  const out = join(dir, "empty.parquet");
  assert.equal(await writeParquet(out, [{ name: "a", type: "STRING" }], []), 0);
  const s = await streamParquet(out, () => assert.fail("no rows expected"));
  assert.deepEqual([s.header, s.rows], [["a"], 0]);
});
