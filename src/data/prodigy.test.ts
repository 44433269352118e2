import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { join } from "node:path";
import type { LabelExportRow } from "./export-rows.js";
import { readProdigy, writeProdigy } from "./prodigy.js";
import { assertBad, tempFiles } from "./test-support.js";

const { dir, temp } = tempFiles("prodigy");
const jsonl = (objs: unknown[]): string => objs.map((o) => JSON.stringify(o)).join("\n") + "\n";

void test("binary answers: accept gives the label, reject the other of two labels, ignore and no answer none", () => {
  const file = temp("jsonl", jsonl([
    { text: "win money", label: "spam", answer: "accept", meta: { source: "mail" }, _input_hash: 1, _task_hash: 2 },
    { text: "hi mum", label: "spam", answer: "reject" },
    { text: "lunch?", label: "spam", answer: "ignore" },
    { text: "unseen", label: "spam" },
  ]));
  const two = readProdigy(file, { labels: ["spam", "ham"] });
  assert.deepEqual(two.header, ["text", "meta.source", "label"]);
  assert.deepEqual(two.cells.map((r) => r[2]), ["spam", "ham", null, null]);
  assert.deepEqual(two.cells[0], ["win money", "mail", "spam"]);
  assert.equal(two.idColumn, null);
  assert.deepEqual(two.rowNumbers, [1, 2, 3, 4]);
  assert.ok(two.notes.some((n) => n.includes("1 rejected binary label taken as the other")));
  // Three labels: a reject says only "not spam", which is not a label.
  const three = readProdigy(file, { labels: ["spam", "ham", "promo"] });
  assert.deepEqual(three.cells.map((r) => r[2]), ["spam", null, null, null]);
  assert.ok(three.notes.some((n) => n.includes("1 rejected answer imported unlabeled")));
});

void test("choice interface: the single accepted option id is the label", () => {
  const options = [{ id: "SPORT", text: "Sport" }, { id: 2, text: "Politics" }];
  const t = readProdigy(temp("jsonl", jsonl([
    { text: "goal!", options, accept: ["SPORT"], answer: "accept", spans: [{ start: 0 }] },
    { text: "vote", options, accept: [2], answer: "accept" },
    { text: "?", options, accept: [], answer: "accept" },
    { text: "no", options, accept: ["SPORT"], answer: "reject" },
  ])));
  assert.deepEqual(t.cells, [["goal!", "SPORT"], ["vote", "2"], ["?", null], ["no", null]]);
  assert.ok(t.notes.some((n) => n.includes('"spans" ignored')));
});

void test("hostile lines: errors name the line and field", () => {
  assertBad(() => readProdigy(temp("jsonl", '{"text":"a"}\n{"text":\n')), "row 2", "not valid JSON");
  assertBad(() => readProdigy(temp("jsonl", "[1]\n")), "line 1 must be a JSON object");
  const e = assertBad(() => readProdigy(temp("jsonl", jsonl([{ text: "a", answer: "yes" }]))), "row 1", 'field "answer"', '"accept", "reject" or "ignore"');
  assert.equal(e.location.field, "answer");
  assertBad(() => readProdigy(temp("jsonl", jsonl([{ text: "a", meta: { deep: [1] } }]))), 'field "meta.deep"', "an array");
  assertBad(() => readProdigy(temp("jsonl", jsonl([{ text: "a", extra: { x: 1 } }]))), 'field "extra"', "an object");
  assertBad(() => readProdigy(temp("jsonl", jsonl([{ text: "a", options: [{ id: "A" }, { id: "B" }], accept: ["A", "B"], answer: "accept" }]))), 'field "accept"', "multiple choice");
  assertBad(() => readProdigy(temp("jsonl", jsonl([{ text: "a", options: [{ id: "A" }], accept: ["Z"], answer: "accept" }]))), '"Z"', "not one of the options");
  assertBad(() => readProdigy(temp("jsonl", jsonl([{ text: "a", label: 3, answer: "accept" }]))), 'field "label"');
  assertBad(() => readProdigy(temp("jsonl", "\n\n")), "has no tasks");
});

void test("export: one accepted line per labeled item, binary or choice; reads back", async () => {
  const rows: LabelExportRow[] = [
    { id: "7", data: { body: "win money", label: "orig", n: 2 }, label: "spam", annotator: "ann", labeledAt: "2024-05-01T10:00:00.500Z" },
    { id: "8", data: { body: "?", label: null, n: 1 }, label: null, annotator: "ann;bo", labeledAt: "2024-05-01T10:00:00.000Z", disputed: true },
  ];
  const out = join(dir, "out.jsonl");
  await writeProdigy(out, rows, { textField: "body" });
  const lines = fs.readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines, [{ text: "win money", body: "win money", n: 2, meta: { id: "7", label: "orig" }, label: "spam", answer: "accept", _view_id: "classification", _annotator_id: "ann", _timestamp: 1714557600 }]);
  const back = readProdigy(out);
  assert.deepEqual(back.header, ["text", "body", "n", "meta.id", "meta.label", "label"]);
  assert.deepEqual(back.cells, [["win money", "win money", 2, "7", "orig", "spam"]]);

  await writeProdigy(out, rows, { textField: "body", choice: { labels: ["spam", "ham"] } });
  const c = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, unknown>;
  assert.deepEqual([c.options, c.accept, c.answer, "label" in c], [[{ id: "spam", text: "spam" }, { id: "ham", text: "ham" }], ["spam"], "accept", false]);
  assert.deepEqual(readProdigy(out).cells.map((r) => r[r.length - 1]), ["spam"]);
});
