import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonlParser, type Cell } from "./jsonl.js";
import { assertBad } from "./test-support.js";

const file = "t.jsonl";

interface Out {
  cells: (Cell | undefined)[];
  line: number;
  row: number;
  columns: string[];
}

function collect(chunks: string[]): { out: Out[]; header: readonly string[] } {
  const out: Out[] = [];
  const p = new JsonlParser({ file }, (cells, info, columns) =>
    out.push({ cells, line: info.line, row: info.row, columns: [...columns] }),
  );
  for (const c of chunks) p.push(c);
  p.end();
  return { out, header: p.header };
}


void test("objects become cells aligned with the union of keys", () => {
  const { out, header } = collect(['{"a":1,"b":"x"}\n{"c":true,"a":null}\n{"b":"y"}\n']);
  assert.deepEqual(header, ["a", "b", "c"]);
  assert.deepEqual(out[0].cells, [1, "x"]);
  assert.deepEqual(out[1].cells, [null, undefined, true]);
  assert.deepEqual(out[2].cells, [undefined, "y"]);
  assert.deepEqual(out[1].columns, ["a", "b", "c"]);
  assert.deepEqual(
    out.map((o) => [o.row, o.line]),
    [
      [1, 1],
      [2, 2],
      [3, 3],
    ],
  );
});

void test("blank lines skipped but counted; CRLF; BOM; no final newline", () => {
  const { out } = collect(['\uFEFF{"a":1}\r\n\r\n   \n{"a":2}']);
  assert.deepEqual(
    out.map((o) => [o.cells[0], o.row, o.line]),
    [
      [1, 1, 1],
      [2, 2, 4],
    ],
  );
});

void test("chunk-split invariance at every position", () => {
  const text = '{"a":"x\\ny","é":"😀"}\n\n{"b":false}\n{"a":-1.5e3}\r\n';
  const whole = collect([text]);
  assert.equal(whole.out.length, 3);
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j += 5) {
      assert.deepEqual(collect([text.slice(0, i), text.slice(i, j), text.slice(j)]), whole, `split ${i},${j}`);
    }
  }
  assert.deepEqual(collect([...text]), whole);
});

void test("invalid JSON names the file and line", () => {
  const e = assertBad(() => collect(['{"a":1}\n\n{"a":2,}\n']), "t.jsonl", "row 3", "line 3", "not valid JSON");
  assert.equal(e.location.row, 3);
  assertBad(() => collect(['{"a":1}\n{"a":']), "line 2", "not valid JSON");
});

void test("a line that is not an object is an error", () => {
  assertBad(() => collect(["[1,2]\n"]), "t.jsonl", "line 1", "must be a JSON object", "array");
  assertBad(() => collect(['{"a":1}\n42\n']), "line 2", "a number");
  assertBad(() => collect(['{"a":1}\n"s"\n']), "line 2", "a string");
  assertBad(() => collect(["null\n"]), "line 1", "null");
});

void test("nested values are errors naming the field", () => {
  const e = assertBad(() => collect(['{"a":1}\n{"a":2,"tags":["x"]}\n']), "t.jsonl", "row 2", 'field "tags"', "an array");
  assert.equal(e.location.field, "tags");
  assertBad(() => collect(['{"meta":{"k":1}}\n']), "line 1", 'field "meta"', "an object");
});
