import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadDataset, toDataset, type LoadOptions } from "./load.js";
import { closestName } from "../errors.js";
import type { Column, NumericColumn, StringColumn } from "./types.js";
import { assertBad, tempFiles } from "./test-support.js";

const repoData = (name: string): string => fileURLToPath(new URL(`../../../data/${name}`, import.meta.url));
const { temp } = tempFiles("load");


const col = (cols: readonly Column[], name: string): Column => {
  const c = cols.find((x) => x.name === name);
  assert.ok(c, `no column ${name}`);
  return c;
};
const num = (cols: readonly Column[], name: string): NumericColumn => {
  const c = col(cols, name);
  assert.equal(c.kind, "numeric", `${name} should be numeric`);
  return c;
};
const str = (cols: readonly Column[], name: string, kind = "categorical"): StringColumn => {
  const c = col(cols, name);
  assert.equal(c.kind, kind, `${name} should be ${kind}`);
  return c as StringColumn;
};
const load = (ext: string, text: string, options: LoadOptions = {}) => loadDataset(temp(ext, text), options);

void test("digits.csv: 1797 rows, 64 numeric columns, 10 labels", () => {
  const ds = loadDataset(repoData("digits.csv"), { label: "digit" });
  assert.equal(ds.rows, 1797);
  assert.equal(ds.columns.length, 64);
  assert.ok(ds.columns.every((c) => c.kind === "numeric" && c.missing === 0));
  assert.equal(ds.labelColumn, "digit");
  assert.deepEqual([...new Set(ds.labels)].sort(), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.equal(ds.ids[0], "1");
  assert.equal(ds.rowNumbers[1796], 1797);
});

void test("vehicle.csv: quoted header and labels, 18 numeric features, 4 classes", () => {
  const ds = loadDataset(repoData("vehicle.csv"), { label: "Class" });
  assert.equal(ds.rows, 846);
  assert.equal(ds.columns.length, 18);
  assert.ok(ds.columns.every((c) => c.kind === "numeric"));
  assert.deepEqual([...new Set(ds.labels)].sort(), ["bus", "opel", "saab", "van"]);
  assert.equal(num(ds.columns, "Comp").values[0], 95);
});

void test("semicolon, tab (.tsv and sniffed), BOM and CRLF files give the same dataset", () => {
  const base = load("csv", "id,x,y\n1,2.5,a\n2,3,b\n", { id: "id" });
  for (const [ext, text] of [
    ["csv", "id;x;y\n1;2.5;a\n2;3;b\n"],
    ["tsv", "id\tx\ty\n1\t2.5\ta\n2\t3\tb\n"],
    ["txt", "id\tx\ty\r\n1\t2.5\ta\r\n2\t3\tb\r\n"],
    ["csv", "\uFEFFid,x,y\r\n1,2.5,a\r\n2,3,b"],
  ]) {
    const ds = load(ext, text, { id: "id" });
    assert.deepEqual({ ...ds, source: "" }, { ...base, source: "" }, `${ext}: ${JSON.stringify(text)}`);
  }
  assert.deepEqual(base.ids, ["1", "2"]);
  assert.deepEqual(base.columns.map((c) => c.name), ["x", "y"]);
  // An explicit delimiter overrides the sniffed one.
  const semi = load("csv", "a;b,c\n1;2,3\n", { delimiter: "," });
  assert.deepEqual(semi.columns.map((c) => c.name), ["a;b", "c"]);
});

void test("number inference: quoted numbers, spaces, signs, exponents; not hex or decimal commas", () => {
  const ds = load(
    "csv",
    'q,s,e,hex,comma,inf,mixed\n"1"," 2 ",1e3,0x10,"1,5",Infinity,1\n"-3.5",+4,-2.5E-2,0x1,"2,0",1,x\n".5",6.,1E+2,7,3,2,3\n',
  );
  assert.deepEqual([...num(ds.columns, "q").values], [1, -3.5, 0.5]);
  assert.deepEqual([...num(ds.columns, "s").values], [2, 4, 6]);
  assert.deepEqual([...num(ds.columns, "e").values], [1000, -0.025, 100]);
  assert.deepEqual(str(ds.columns, "hex").values, ["0x10", "0x1", "7"]);
  assert.deepEqual(str(ds.columns, "comma").values, ["1,5", "2,0", "3"]);
  str(ds.columns, "inf");
  assert.deepEqual(str(ds.columns, "mixed").values, ["1", "x", "3"]);
});

void test("missing values: empty, NA, N/A, NaN, null, NULL, nan; other spellings are values", () => {
  const ds = load("csv", "n,c\n1,a\n,\nNA,NA\nN/A,N/A\nNaN,NaN\nnull,null\nNULL,NULL\nnan,nan\n2, b \n3,na\n");
  const n = num(ds.columns, "n");
  assert.equal(n.missing, 7);
  assert.deepEqual([...n.values].map((v) => (Number.isNaN(v) ? null : v)), [1, null, null, null, null, null, null, null, 2, 3]);
  const c = str(ds.columns, "c");
  assert.equal(c.missing, 7);
  assert.deepEqual(c.values, ["a", null, null, null, null, null, null, null, "b", "na"]);
});

void test("label, text, id and ignore columns", () => {
  const ds = load("csv", 'id,txt,y,x,junk\nA," Hello, world ", 3 ,1,z\nB,NA,,2,z\nC,bye,cat,3,z\n', {
    id: "id",
    label: "y",
    text: "txt",
    ignore: ["junk"],
  });
  assert.deepEqual(ds.ids, ["A", "B", "C"]);
  assert.deepEqual(ds.labels, ["3", null, "cat"]);
  assert.equal(ds.labelColumn, "y");
  assert.equal(ds.textColumn, "txt");
  assert.deepEqual(ds.columns.map((c) => c.name), ["txt", "x"]);
  const t = str(ds.columns, "txt", "text");
  assert.deepEqual(t.values, [" Hello, world ", null, "bye"]);
  assert.equal(t.missing, 1);
  assert.equal(ds.labels?.filter((l) => l === null).length, 1);
  const noLabel = load("csv", "a\n1\n");
  assert.equal(noLabel.labels, null);
  assert.equal(noLabel.labelColumn, null);
});

void test("JSONL: kinds, booleans as categories, missing keys and nulls, numeric labels as strings", () => {
  const ds = load(
    "jsonl",
    '{"id":7,"x":1.5,"flag":true,"y":3,"s":"a"}\n\n{"x":"2","flag":false,"y":null,"id":8}\n{"id":9,"x":null,"y":"cat","flag":true,"s":"b"}\n',
    { id: "id", label: "y" },
  );
  assert.deepEqual(ds.ids, ["7", "8", "9"]);
  assert.deepEqual(ds.labels, ["3", null, "cat"]);
  assert.deepEqual([...ds.rowNumbers], [1, 3, 4]);
  const x = num(ds.columns, "x");
  assert.deepEqual([...x.values].slice(0, 2), [1.5, 2]);
  assert.equal(x.missing, 1);
  assert.deepEqual(str(ds.columns, "flag").values, ["true", "false", "true"]);
  assert.deepEqual(str(ds.columns, "s").values, ["a", null, "b"]);
  assert.deepEqual(ds.columns.map((c) => c.name), ["x", "flag", "s"]);
  const nd = loadDataset(temp("ndjson", '{"a":1}\n'));
  assert.equal(nd.rows, 1);
});

void test("JSONL errors name file, line and field", () => {
  assertBad(() => load("jsonl", '{"a":1}\n{"a":\n'), ".jsonl", "row 2", "not valid JSON");
  assertBad(() => load("jsonl", '{"a":1}\n[1]\n'), "row 2", "must be a JSON object");
  assertBad(() => load("jsonl", '{"a":{"b":1}}\n'), "row 1", 'field "a"', "an object");
});

void test("shape errors: empty file, no rows, bad header names, ragged rows", () => {
  const empty = temp("csv", "");
  assertBad(() => loadDataset(empty), empty, "empty file");
  assertBad(() => load("csv", "\r\n\n"), "empty file");
  assertBad(() => load("jsonl", ""), "empty file");
  const noRows = temp("csv", "a,b\n");
  assertBad(() => loadDataset(noRows), noRows, "header but no data rows");
  assertBad(() => load("csv", "a,b,a\n1,2,3\n"), "row 0", 'column "a"', "duplicate column name", "columns 1 and 3");
  assertBad(() => load("csv", "a,,c\n1,2,3\n"), "row 0", "column 2", "empty name");
  const ragged = temp("csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n");
  const e = assertBad(() => loadDataset(ragged), ragged, "row 2", 'column "c"', "2 fields", "header has 3");
  assert.equal(e.location.row, 2);
  assertBad(() => load("csv", "a,b\n1,2\n\n3,4,5\n"), "row 2", "3 fields", "header has 2");
});

void test("option errors name the option and list the columns", () => {
  const path = temp("csv", "a,b,c\n1,2,3\n");
  assertBad(() => loadDataset(path, { label: "y" }), path, "option --label", 'no column named "y"', '"a", "b", "c"');
  assertBad(() => loadDataset(path, { text: "t" }), "option --text", 'no column named "t"', '"a", "b", "c"');
  assertBad(() => loadDataset(path, { id: "key" }), "option --id", 'no column named "key"');
  assertBad(() => loadDataset(path, { ignore: ["a", "zz"] }), "option --ignore", 'no column named "zz"');
  assertBad(() => loadDataset(path, { label: "a", text: "a" }), 'column "a"', "--text and --label");
  assertBad(() => loadDataset(path, { id: "b", ignore: ["b"] }), "both ignored and the --id column");
  // No guess between one-letter columns.
  assert.doesNotMatch(assertBad(() => loadDataset(path, { label: "y" }), "no column").message, /did you mean/);
});

void test("a misspelt, re-cased or quoted column name gets a suggestion; ties and far names get none", () => {
  const header = ["customer_id", "Class", "monthly charges", "Total-Charges", "churn", "chum"];
  assert.equal(closestName("class", header), "Class");
  assert.equal(closestName('"Class"', header), "Class");
  assert.equal(closestName("Customer ID", header), "customer_id");
  assert.equal(closestName("MonthlyCharges", header), "monthly charges");
  assert.equal(closestName("total_charges", header), "Total-Charges");
  assert.equal(closestName("Clas", header), "Class");
  assert.equal(closestName("monthly chargs", header), "monthly charges");
  assert.equal(closestName("chun", header), undefined); // churn and chum are both one edit away
  assert.equal(closestName("chrn", header), "churn");
  assert.equal(closestName("label", header), undefined);
  const path = temp("csv", "customer_id,Class,churn\n1,a,yes\n");
  assertBad(() => loadDataset(path, { label: "class" }), path, "option --label", 'no column named "class" (did you mean "Class"?)', '"customer_id", "Class"');
});

void test("label and id value errors", () => {
  const path = temp("csv", "id,y,x\n1,NA,5\n2,,6\n");
  const e = assertBad(() => loadDataset(path, { label: "y" }), path, 'column "y"', "option --label", "every value");
  assert.equal(e.location.column, "y");
  const dup = temp("csv", "id,x\nk1,1\nk2,2\nk1,3\n");
  const d = assertBad(() => loadDataset(dup, { id: "id" }), dup, "row 3", 'column "id"', 'duplicate id "k1"', "rows 1 and 3");
  assert.equal(d.location.row, 3);
  assertBad(() => load("csv", "id,x\nk1,1\nNA,2\n", { id: "id" }), "row 2", 'column "id"', "missing id");
  assertBad(() => load("jsonl", '{"id":1}\n{"id":"1"}\n', { id: "id" }), "row 2", 'duplicate id "1"');
});

void test("toDataset works on a hand-made table", () => {
  const ds = toDataset(
    { file: "mem", format: "jsonl", header: ["a", "b"], cells: [[1, "x"], [null, true]], rowNumbers: [1, 2] },
    { label: "b" },
  );
  assert.deepEqual(ds.labels, ["x", "true"]);
  assert.equal(num(ds.columns, "a").missing, 1);
});
