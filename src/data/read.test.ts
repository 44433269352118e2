import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadDataset, readTable, streamTable } from "./load.js";
import { assertBad, tempFiles } from "./test-support.js";

const { dir, temp } = tempFiles("read");


void test("readTable returns header, string cells and data row numbers", () => {
  const t = readTable(temp("csv", 'a,b\n1,"x"\n\n2,\n'));
  assert.equal(t.format, "csv");
  assert.deepEqual(t.header, ["a", "b"]);
  assert.deepEqual(t.cells, [["1", "x"], ["2", ""]]);
  assert.deepEqual(t.rowNumbers, [1, 2]);
  const j = readTable(temp("jsonl", '{"a":1}\n\n{"b":true}\n'));
  assert.deepEqual(j.header, ["a", "b"]);
  assert.deepEqual(j.cells, [[1, null], [null, true]]);
  assert.deepEqual(j.rowNumbers, [1, 3]);
});

void test("CSV syntax errors surface with file, row, column and line", () => {
  const path = temp("csv", 'a,b\n1,2\n3,"never closed\n4,5\n');
  assertBad(() => loadDataset(path), path, "row 2", 'column "b"', "unterminated", "line 3");
  assertBad(() => loadDataset(temp("csv", 'a,b\n1,x"y\n')), "row 1", 'column "b"', "unexpected quote");
});

void test("non-UTF-8 bytes are reported with row, line and byte offset", () => {
  const head = Buffer.from("name,city\nAnn,Paris\nBob,", "utf8");
  const bytes = Buffer.concat([head, Buffer.from([0x4d, 0xfc, 0x6e]), Buffer.from("ich\n", "utf8")]);
  const path = temp("csv", bytes);
  const off = head.length + 1;
  assertBad(() => readTable(path), path, "row 2", "invalid UTF-8 byte 0xFC", `byte offset ${off}`, "line 3");
  // In the header; and after a multi-line quoted field (row counts records, not lines).
  assertBad(() => readTable(temp("csv", Buffer.from([0x61, 0xff, 0x0a, 0x31]))), "row 0", "0xFF", "byte offset 1");
  const quoted = Buffer.concat([Buffer.from('a\n"x\ny"\n', "utf8"), Buffer.from([0xc0, 0xaf])]);
  assertBad(() => readTable(temp("csv", quoted)), "row 2", "line 4", "0xC0", "byte offset 8");
  // Truncated at the end of the file; and JSONL (row = line).
  assertBad(() => readTable(temp("csv", Buffer.from([0x61, 0x0a, 0xe2, 0x82]))), "row 1", "0xE2", "byte offset 2");
  const jl = Buffer.concat([Buffer.from('{"a":"x"}\n\n{"a":"', "utf8"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}\n')]);
  assertBad(() => readTable(temp("jsonl", jl)), "row 3", "line 3", "0xED", "byte offset 17");
});

void test("format from the extension or the option; unreadable files", () => {
  assertBad(() => readTable(temp("xlsx", "a\n1\n")), ".xlsx", "cannot tell the format");
  assert.equal(readTable(temp("data", '{"a":1}\n'), { format: "jsonl" }).format, "jsonl");
  assert.deepEqual(readTable(temp("data", "a;b\n1;2\n"), { format: "csv" }).cells, [["1", "2"]]);
  assertBad(() => readTable(join(dir, "missing.csv")), "missing.csv", "file not found");
});

void test("UTF-16 and UTF-32 files are named as such, with or without a byte-order mark, by every reader", async () => {
  const text = "id,name\n1,Ann\n2,Bob\n";
  const le16 = Buffer.from(text, "utf16le");
  const be16 = Buffer.from(le16).swap16();
  const le32 = Buffer.alloc(text.length * 4);
  for (let i = 0; i < text.length; i++) le32.writeUInt32LE(text.charCodeAt(i), i * 4);
  const be32 = Buffer.from(le32).swap32();
  const bom = (b: number[], body: Buffer): Buffer => Buffer.concat([Buffer.from(b), body]);
  const cases: [string, Buffer, RegExp][] = [
    ["UTF-16 LE + BOM", bom([0xff, 0xfe], le16), /UTF-16 \(little-endian, with a byte-order mark\)/],
    ["UTF-16 BE + BOM", bom([0xfe, 0xff], be16), /UTF-16 \(big-endian, with a byte-order mark\)/],
    ["UTF-32 LE + BOM", bom([0xff, 0xfe, 0, 0], le32), /UTF-32 \(little-endian, with a byte-order mark\)/],
    ["UTF-32 BE + BOM", bom([0, 0, 0xfe, 0xff], be32), /UTF-32 \(big-endian, with a byte-order mark\)/],
    ["UTF-16 LE", le16, /UTF-16 \(little-endian\)/],
    ["UTF-16 BE", be16, /UTF-16 \(big-endian\)/],
    ["UTF-32 LE", le32, /UTF-32 \(little-endian\)/],
    ["UTF-32 BE", be32, /UTF-32 \(big-endian\)/],
  ];
  for (const [what, bytes, re] of cases) {
    for (const ext of ["csv", "jsonl"]) {
      const path = temp(ext, bytes);
      assertBad(() => readTable(path), path, re, "save it as UTF-8");
      await assert.rejects(streamTable(path, {}, () => undefined), (e: unknown) => e instanceof Error && e.message.startsWith(path) && re.test(e.message), what);
    }
  }
  // Non-Latin UTF-16 without a BOM still shows the NULs of its delimiters and digits.
  assertBad(() => readTable(temp("csv", Buffer.from("id,имя\n1,Анна\n2,Борис\n", "utf16le"))), /UTF-16 \(little-endian\)/);
  // UTF-8 with a BOM and plain UTF-8 read as before.
  assert.deepEqual(readTable(temp("csv", "\uFEFFid,имя\n1,Анна\n")).cells, [["1", "Анна"]]);
});
