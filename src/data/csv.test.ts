import { test } from "node:test";
import assert from "node:assert/strict";
import { CsvParser, parseCsvText, type CsvRecordInfo } from "./csv.js";
import { assertBad } from "./test-support.js";

const file = "t.csv";
const parse = (text: string, delimiter?: string) =>
  parseCsvText(text, delimiter === undefined ? { file } : { file, delimiter });

/** Feeds `chunks` to a parser and returns every record with its info. */
function collect(chunks: string[], delimiter?: string): { fields: string[]; info: CsvRecordInfo }[] {
  const out: { fields: string[]; info: CsvRecordInfo }[] = [];
  const p = new CsvParser(delimiter === undefined ? { file } : { file, delimiter }, (fields, info) =>
    out.push({ fields, info }),
  );
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}


void test("plain records, header separated, row and line numbers", () => {
  const t = parse("a,b,c\n1,2,3\n4,5,6\n");
  assert.deepEqual(t.header, ["a", "b", "c"]);
  assert.deepEqual(t.records, [["1", "2", "3"], ["4", "5", "6"]]);
  assert.deepEqual(t.rowNumbers, [1, 2]);
  assert.deepEqual(t.lines, [2, 3]);
});

void test("quoted fields, doubled quotes, delimiters and newlines inside quotes", () => {
  const t = parse('name,note\n"Smith, J","said ""hi"""\n"multi\nline","x\r\ny"\n"",plain\n');
  assert.deepEqual(t.records, [
    ["Smith, J", 'said "hi"'],
    ["multi\nline", "x\r\ny"],
    ["", "plain"],
  ]);
  assert.deepEqual(t.lines, [2, 3, 6]);
  assert.deepEqual(t.rowNumbers, [1, 2, 3]);
});

void test("quoted flags are reported", () => {
  const recs = collect(['a,"b"\n"1",2\n']);
  assert.deepEqual(recs[0].info.quoted, [false, true]);
  assert.deepEqual(recs[1].info.quoted, [true, false]);
  assert.equal(recs[1].info.row, 1);
  assert.equal(recs[0].info.row, 0);
});

void test("CRLF, LF and CR line ends give the same records", () => {
  const lf = parse("a,b\n1,2\n3,4\n");
  assert.deepEqual(parse("a,b\r\n1,2\r\n3,4\r\n"), lf);
  assert.deepEqual(parse("a,b\r1,2\r3,4\r"), lf);
  assert.deepEqual(parse("a,b\r\n1,2\n3,4\r"), lf);
});

void test("trailing newline gives no empty record; no trailing newline keeps the last one", () => {
  assert.equal(parse("a\n1\n").records.length, 1);
  assert.equal(parse("a\n1").records.length, 1);
  assert.equal(parse("a\n1\r\n").records.length, 1);
  assert.deepEqual(parse("a,b\n1,").records, [["1", ""]]);
  assert.deepEqual(parse('a,b\n1,"x"').records, [["1", "x"]]);
});

void test("blank lines are skipped but still counted as lines", () => {
  const t = parse("\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
  assert.deepEqual(t.header, ["a", "b"]);
  assert.deepEqual(t.records, [["1", "2"], ["3", "4"]]);
  assert.deepEqual(t.rowNumbers, [1, 2]);
  assert.deepEqual(t.lines, [5, 8]);
});

void test("empty fields and empty input", () => {
  assert.deepEqual(parse("a,b,c\n,,\n").records, [["", "", ""]]);
  const empty = parse("");
  assert.deepEqual(empty.header, []);
  assert.deepEqual(empty.records, []);
  assert.deepEqual(parse("\n\r\n").header, []);
});

void test("a UTF-8 BOM at the start is dropped, elsewhere kept", () => {
  const t = parse("\uFEFFid,x\n1,\uFEFF\n");
  assert.deepEqual(t.header, ["id", "x"]);
  assert.deepEqual(t.records, [["1", "\uFEFF"]]);
  assert.deepEqual(collect(["", "\uFEFF", "a\n1\n"]).map((r) => r.fields), [["a"], ["1"]]);
});

void test("delimiter sniffed from the header line, outside quotes", () => {
  assert.deepEqual(parse("a;b;c\n1,5;2;3\n").records, [["1,5", "2", "3"]]);
  assert.deepEqual(parse("a\tb\n1,2\t3\n").records, [["1,2", "3"]]);
  assert.deepEqual(parse('"x,y,z";b\n1;2\n').header, ["x,y,z", "b"]);
  assert.deepEqual(parse("a,b\n1;2,3\n").records, [["1;2", "3"]]);
  // A single column has no delimiter: the default comma.
  assert.deepEqual(parse("a\n1\n").records, [["1"]]);
  // Leading blank lines do not hide the header line.
  assert.deepEqual(parse("\n\na;b\n1;2").records, [["1", "2"]]);
  // Sniffing with the header line split across chunks.
  assert.deepEqual(collect(["a;", "b", ";c", "\n1;2;3"]).map((r) => r.fields), [["a", "b", "c"], ["1", "2", "3"]]);
});

void test("explicit delimiter wins over sniffing", () => {
  assert.deepEqual(parse("a;b,c\n1;2,3\n", ",").records, [["1;2", "3"]]);
  assert.deepEqual(parse("a;b,c\n1;2,3\n", ";").records, [["1", "2,3"]]);
  assert.deepEqual(parse("a\tb\n1\t2\n", "tab").records, [["1", "2"]]);
  assert.throws(() => parse("a|b\n", "|"), /delimiter/);
});

void test("unterminated quote names the file, row, column and starting line", () => {
  const e = assertBad(() => parse('a,b\n1,2\n3,"open\nmore\n'), "t.csv", "row 2", 'column "b"', "line 3", "unterminated");
  assert.equal(e.location.row, 2);
  assert.equal(e.location.column, "b");
  assertBad(() => parse('"a,b\n'), "t.csv", "row 0", "line 1", "unterminated");
});

void test("a stray quote inside an unquoted field is an error", () => {
  const e = assertBad(() => parse('a,b\n1,x"y"\n'), "t.csv", "row 1", 'column "b"', "line 2", "quote");
  assert.equal(e.location.file, "t.csv");
  assertBad(() => parse('a,b\n1,2\n 3,4\n"5" ,6\n'), "row 3", 'column "a"', "line 4", "after a closing quote");
});

void test("chunk-split invariance at every position, for one and two cuts", () => {
  const text =
    '\uFEFFid;"na;me";note\r\n1;"a ""q"" b";"x\r\ny"\r\n\r\n2;;""\n3;"";"\n"\r4;plain;"é😀"\n\n';
  const whole = collect([text]);
  assert.equal(whole.length, 5);
  assert.deepEqual(whole[0].fields, ["id", "na;me", "note"]);
  assert.deepEqual(whole[4].fields, ["4", "plain", "é😀"]);
  for (let i = 0; i <= text.length; i++) {
    assert.deepEqual(collect([text.slice(0, i), text.slice(i)]), whole, `split at ${i}`);
    for (let j = i; j <= text.length; j += 3) {
      assert.deepEqual(collect([text.slice(0, i), text.slice(i, j), text.slice(j)]), whole, `split at ${i},${j}`);
    }
  }
  assert.deepEqual(collect([...text]), whole, "one character per chunk");
});

void test("errors do not depend on chunking either", () => {
  const text = 'a,b\n1,2\n3,"open\n';
  for (let i = 0; i <= text.length; i++) {
    assert.throws(() => collect([text.slice(0, i), text.slice(i)]), /row 2, column "b": unterminated quoted field starting on line 3/);
  }
});

void test("position reports the record and line being read", () => {
  const p = new CsvParser({ file }, () => undefined);
  p.push("a,b\n1,2\n3,");
  assert.deepEqual(p.position, { row: 2, line: 3 });
  assert.equal(p.delimiter, ",");
});

void test("a long stream (200k rows in 64 KiB chunks) parses every row intact", () => {
  const parts = ["id,x,y,name"];
  for (let i = 0; i < 200_000; i++) parts.push(`${i},${i % 97},${(i * 0.25).toFixed(2)},"n${i % 13}"`);
  const text = parts.join("\n") + "\n";
  let rows = 0;
  let last: string[] = [];
  const p = new CsvParser({ file }, (f) => {
    rows++;
    last = f;
  });
  for (let i = 0; i < text.length; i += 1 << 16) p.push(text.slice(i, i + (1 << 16)));
  p.end();
  assert.equal(rows, 200_001);
  assert.deepEqual(last, ["199999", String(199999 % 97), "49999.75", "n" + String(199999 % 13)]);
});
