import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { join } from "node:path";
import { toDataset } from "./dataset.js";
import type { LabelExportRow } from "./export-rows.js";
import { readLabelStudio, writeLabelStudio } from "./labelstudio.js";
import { assertBad, tempFiles } from "./test-support.js";

const { dir, temp } = tempFiles("ls");

const choice = (label: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  result: [{ type: "choices", from_name: "sentiment", to_name: "text", value: { choices: [label] } }],
  ...extra,
});

void test("tasks: data fields become columns, the latest choices annotation the label", () => {
  const tasks = [
    { id: 1, data: { text: "win money", n: 3 }, annotations: [choice("spam", { created_at: "2024-01-01T00:00:00Z" }), choice("ham", { created_at: "2024-01-02T00:00:00Z" })], predictions: [{ result: [] }] },
    { id: 2, data: { text: "hi mum", flag: true }, annotations: [choice("spam", { was_cancelled: true }), { result: [{ type: "labels", value: { labels: ["X"] } }] }] },
    { id: 3, data: { text: "meeting", n: null } },
  ];
  const t = readLabelStudio(temp("json", JSON.stringify(tasks)));
  assert.deepEqual(t.header, ["id", "text", "n", "flag", "label"]);
  assert.deepEqual(t.cells, [
    ["1", "win money", 3, null, "ham"],
    ["2", "hi mum", null, true, null],
    ["3", "meeting", null, null, null],
  ]);
  assert.deepEqual([t.labelColumn, t.idColumn, t.rowNumbers], ["label", "id", [1, 2, 3]]);
  assert.equal(t.notes.length, 4);
  assert.ok(t.notes.some((n) => n.includes("1 task has annotations that disagree")));
  assert.ok(t.notes.some((n) => n.includes('1 result of type "labels" ignored')));
  assert.ok(t.notes.some((n) => n.includes("1 prediction ignored")));
  assert.ok(t.notes.some((n) => n.includes("1 cancelled")));
  const ds = toDataset(t, { id: "id", label: "label", text: "text" });
  assert.deepEqual(ds.labels, ["ham", null, null]);
});

void test("equal or missing times: the later annotation in the array wins; JSON lines; plain objects are data", () => {
  const lines = [JSON.stringify({ data: { text: "a", label: "x" }, annotations: [choice("b"), choice("a")] }), "", JSON.stringify({ text: "plain" })].join("\n");
  const t = readLabelStudio(temp("jsonl", lines));
  // A data field named "label" pushes the label column to "_label"; no ids, so no id column.
  assert.deepEqual(t.header, ["text", "label", "_label"]);
  assert.deepEqual(t.cells, [["a", "x", "a"], ["plain", null, null]]);
  assert.deepEqual([t.idColumn, t.rowNumbers], [null, [1, 3]]);
});

void test("several choices controls need fromName", () => {
  const tasks = [{ id: 1, data: { text: "a" }, annotations: [{ result: [{ type: "choices", from_name: "topic", value: { choices: ["sport"] } }, { type: "choices", from_name: "sentiment", value: { choices: ["pos"] } }] }] }];
  const file = temp("json", JSON.stringify(tasks));
  assertBad(() => readLabelStudio(file), "2 controls", '"topic"', '"sentiment"', "fromName");
  assert.deepEqual(readLabelStudio(file, { fromName: "sentiment" }).cells, [["1", "a", "pos"]]);
});

void test("hostile input: located errors naming task and field", () => {
  assertBad(() => readLabelStudio(temp("json", "{not json")), "not valid JSON");
  assertBad(() => readLabelStudio(temp("json", "42")), "JSON array of tasks");
  assertBad(() => readLabelStudio(temp("json", "[]")), "has no tasks");
  assertBad(() => readLabelStudio(temp("json", JSON.stringify([{ data: { a: 1 } }, 5]))), "row 2", "task 2 must be a JSON object");
  const e = assertBad(() => readLabelStudio(temp("json", JSON.stringify([{ data: { a: 1 } }, { data: { a: { deep: 1 } } }]))), "row 2", 'field "data.a"', "an object");
  assert.equal(e.location.field, "data.a");
  assertBad(() => readLabelStudio(temp("json", JSON.stringify([{ data: { a: 1 }, annotations: [{ result: [{ type: "choices", value: { choices: ["x", "y"] } }] }] }]))), "row 1", "annotations[0].result[0].value.choices", "multi-choice");
  assertBad(() => readLabelStudio(temp("json", JSON.stringify([{ data: { a: 1 }, annotations: [{ result: [{ type: "choices", value: { choices: [3] } }] }] }]))), "array of strings");
  assertBad(() => readLabelStudio(temp("json", JSON.stringify([{ id: 1, data: { a: 1 } }, { data: { a: 2 } }]))), "row 2", 'field "id"', "has no id");
  assertBad(() => readLabelStudio(temp("json", JSON.stringify([{ data: { a: 1 }, annotations: {} }]))), 'field "annotations"', "must be an array");
  assertBad(() => readLabelStudio(temp("json", new Uint8Array([0x5b, 0xff, 0x5d]))), "invalid UTF-8");
});

void test("export: Label Studio tasks with choices, completed_by, created_at, lead_time; round trip", async () => {
  const rows: LabelExportRow[] = [
    { id: "17", data: { text: "win money", n: 2 }, label: "spam", annotator: "ann", labeledAt: "2024-05-01T10:00:00.000Z", durationMs: 2500 },
    { id: "row-b", data: { text: "hi", n: null }, label: "ham", annotator: "bo", labeledAt: "2024-05-01T11:00:00.000Z" },
    { id: "x3", data: { text: "?", n: 1 }, label: null, annotator: "ann;bo", labeledAt: "2024-05-01T12:00:00.000Z", disputed: true },
  ];
  const out = join(dir, "export.json");
  await writeLabelStudio(out, rows, { fromName: "sentiment" });
  const tasks = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, unknown>[];
  assert.equal(tasks.length, 3);
  assert.deepEqual(tasks[0], {
    id: 17,
    data: { text: "win money", n: 2 },
    meta: { activelearn_id: "17" },
    annotations: [{ id: 1, completed_by: "ann", created_at: "2024-05-01T10:00:00.000Z", updated_at: "2024-05-01T10:00:00.000Z", lead_time: 2.5, was_cancelled: false, ground_truth: false, result: [{ id: "al1", type: "choices", from_name: "sentiment", to_name: "text", origin: "manual", value: { choices: ["spam"] } }] }],
  });
  assert.equal("id" in tasks[1], false);
  assert.equal("lead_time" in (tasks[1].annotations as Record<string, unknown>[])[0], false);
  assert.deepEqual(tasks[2].annotations, []);
  const back = readLabelStudio(out);
  assert.deepEqual(back.header, ["id", "text", "n", "label"]);
  assert.deepEqual(back.cells, [["17", "win money", 2, "spam"], ["row-b", "hi", null, "ham"], ["x3", "?", 1, null]]);
  await writeLabelStudio(join(dir, "empty.json"), []);
  assert.deepEqual(JSON.parse(fs.readFileSync(join(dir, "empty.json"), "utf8")), []);
});
