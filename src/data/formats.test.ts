import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { BadInputError } from "../errors.js";
import { toDataset } from "./dataset.js";
import { historyRowsFromJsonl, labelRowsFromJsonl } from "./export-rows.js";
import { inputFormatOf, readAnyTable, streamAnyTable } from "./formats.js";
import { writeParquetLabels } from "./parquet.js";
import { assertBad, tempFiles } from "./test-support.js";

const { dir, temp } = tempFiles("formats");

void test("format from the extension, or given", () => {
  assert.equal(inputFormatOf("a.parquet"), "parquet");
  assert.equal(inputFormatOf("a.json"), "labelstudio");
  assert.equal(inputFormatOf("a.jsonl"), "jsonl");
  assert.equal(inputFormatOf("a.jsonl", "prodigy"), "prodigy");
  assertBad(() => inputFormatOf("a.xlsx"), '".xlsx"', "parquet");
});

void test("every format streams the same records readAnyTable gives, with the label column named", async () => {
  const ls = temp("json", JSON.stringify([{ id: 5, data: { text: "a" }, annotations: [{ result: [{ type: "choices", from_name: "c", value: { choices: ["x"] } }] }] }]));
  const got: unknown[] = [];
  const s = await streamAnyTable(ls, {}, (cells, info) => got.push([info.row, cells]));
  assert.deepEqual([s.format, s.labelColumn, s.idColumn, s.header], ["labelstudio", "label", "id", ["id", "text", "label"]]);
  assert.deepEqual(got, [[1, ["5", "a", "x"]]]);
  const pd = temp("jsonl", '{"text":"b","label":"x","answer":"reject"}\n');
  const { table, summary } = await readAnyTable(pd, { format: "prodigy", labels: ["x", "y"] });
  assert.deepEqual([summary.labelColumn, table.cells], ["label", [["b", "y"]]]);
  const csv = temp("csv", "a,b\n1,2\n");
  assert.deepEqual((await readAnyTable(csv)).table.cells, [["1", "2"]]);
});

void test("the export's JSON Lines feed the Parquet writer; the result loads as a dataset", async () => {
  const jsonl = [
    JSON.stringify({ id: "1", data: { x: "1.5", t: "hello" }, label: "a", annotator: "ann", labeledAt: "2024-01-01T00:00:00.000Z" }),
    JSON.stringify({ id: "2", data: { x: "2", t: "bye" }, label: "b", annotator: "bo", labeledAt: "2024-01-01T00:00:01.000Z" }),
  ].join("\n") + "\n";
  const out = join(dir, "labels.parquet");
  // Chunks split mid-line, as a generator of pages may.
  await writeParquetLabels(out, labelRowsFromJsonl([jsonl.slice(0, 30), jsonl.slice(30)]), { fields: [{ name: "x", kind: "numeric" }, { name: "t", kind: "text" }] });
  const { table } = await readAnyTable(out);
  const ds = toDataset(table, { id: "id", label: "label", text: "t" });
  assert.deepEqual(ds.ids, ["1", "2"]);
  assert.deepEqual([...(ds.columns[0].values as Float64Array)], [1.5, 2]);
  assert.deepEqual(ds.labels, ["a", "b"]);
});

void test("export JSON Lines adapters check every field", () => {
  const e = assertBad(() => [...labelRowsFromJsonl(['{"id":"1","data":{},"label":"a","annotator":"x","labeledAt":"t"}\n{"id":2,"data":{}}\n'])], "row 2", 'field "id"');
  assert.equal(e.location.row, 2);
  assertBad(() => [...labelRowsFromJsonl(['{"id":"1","data":{"a":[1]},"label":"a","annotator":"x","labeledAt":"t"}'])], 'field "data.a"');
  const rows = [...historyRowsFromJsonl(['{"id":"1","annotator":"a","label":null,"kind":"skip","at":"2024-01-01T00:00:00.000Z","durationMs":null,"audit":false}\n'])];
  assert.deepEqual(rows.map((r) => r.kind), ["skip"]);
  assert.throws(() => [...historyRowsFromJsonl(['{"id":"1","annotator":"a","label":null,"kind":"skip","at":"x","durationMs":-1,"audit":false}'])], BadInputError);
});
