import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { tempFiles } from "../data/test-support.js";
import { projectDbPath } from "../project/init.js";
import { writeSyntheticCsv } from "../server/testing.js";
import { openStore } from "../store/open.js";
import type { AgreementReport } from "../quality/agreement-report.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const { dir, temp } = tempFiles("quality");

// Three annotators on 12 items; "c" disagrees on two, item i11 has one label only.
const rows: string[] = ["item,who,label"];
for (let i = 0; i < 11; i++) {
  const truth = i % 3 === 0 ? "cat" : "dog";
  rows.push(`i${i},a,${truth}`, `i${i},b,${truth}`, `i${i},c,${i === 2 || i === 5 ? "cat" : truth}`);
}
rows.push("i11,a,dog");
const ANNOTATIONS = temp("csv", rows.join("\n") + "\n");
const COLS = ["--item", "item", "--annotator", "who", "--label", "label"];

void test("agreement --json prints one object of the issue's shape; the table names every figure", () => {
  let r = run("agreement", "--data", ANNOTATIONS, ...COLS, "--json", "--seed", "2");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as AgreementReport;
  assert.deepEqual(Object.keys(j), ["items", "annotators", "percent_agreement", "fleiss_kappa", "krippendorff_alpha", "cohen_kappa", "per_label"]);
  assert.equal(j.items, 12);
  assert.equal(j.annotators, 3);
  for (const f of [j.percent_agreement, j.fleiss_kappa, j.krippendorff_alpha]) assert.deepEqual(Object.keys(f), ["value", "ci_low", "ci_high"]);
  // a and b agree on all 11 shared items; a-c and b-c differ on 2.
  assert.deepEqual(j.cohen_kappa.map((p) => [p.a, p.b, p.n, p.value]), [
    ["a", "b", 11, 1],
    ["a", "c", 11, j.cohen_kappa[1].value],
    ["b", "c", 11, j.cohen_kappa[2].value],
  ]);
  assert.ok((j.cohen_kappa[1].value ?? 1) < 1);
  assert.deepEqual(Object.keys(j.per_label), ["cat", "dog"]);
  // Percent agreement: 9 items with all three agreeing (1), 2 items with one of three pairs agreeing (1/3).
  assert.ok(Math.abs((j.percent_agreement.value ?? 0) - (9 + 2 / 3) / 11) < 1e-12);
  assert.equal(run("agreement", "--data", ANNOTATIONS, ...COLS, "--json", "--seed", "2").out, r.out);
  r = run("agreement", "--data", ANNOTATIONS, ...COLS);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /34 labels of 12 items by 3 annotators; 11 items have two or more labels/);
  assert.match(r.out, /Krippendorff's alpha \(nominal\)\s+0\.\d{3}\s+[-\d.]+ to [\d.]+/);
  assert.match(r.out, /Cohen's kappa per annotator pair with at least 10 shared items \(3 of 3 pairs\)/);
  assert.match(r.out, /cat\s+14\s/);
});

void test("agreement and consensus name the option and the file for a missing column", () => {
  let r = run("agreement", "--data", ANNOTATIONS, "--item", "item", "--annotator", "annotator", "--label", "label");
  assert.equal(r.code, 2);
  assert.match(r.err, /quality\d+\.csv/);
  assert.match(r.err, /option --annotator: no column named "annotator"/);
  assert.match(r.err, /available columns: "item", "who", "label"/);
  r = run("consensus", "--data", ANNOTATIONS, "--item", "id", "--annotator", "who", "--label", "label", "--out", path.join(dir, "x.csv"));
  assert.equal(r.code, 2);
  assert.match(r.err, /option --item: no column named "id"/);
  assert.equal(fs.existsSync(path.join(dir, "x.csv")), false);
  r = run("agreement", "--data", ANNOTATIONS);
  assert.equal(r.code, 2);
  assert.match(r.err, /option --item is required without a project folder/);
});

void test("an empty label is an error naming the file, row and column; nothing is written", () => {
  const bad = temp("csv", "item,who,label\ni1,a,cat\ni1,b,\n");
  const out = path.join(dir, "empty.csv");
  const r = run("consensus", "--data", bad, ...COLS, "--out", out);
  assert.equal(r.code, 2);
  assert.match(r.err, /row 2, column "label": empty label/);
  assert.equal(fs.existsSync(out), false);
  assert.match(run("agreement", "--data", bad, ...COLS).err, /row 2, column "label": empty label/);
});

void test("consensus writes one row per item (CSV or JSONL) and the annotators' estimates (JSON or CSV)", () => {
  for (const method of ["majority", "dawid-skene"]) {
    const out = path.join(dir, `${method}.csv`);
    const ann = path.join(dir, `${method}-annotators.json`);
    const r = run("consensus", "--data", ANNOTATIONS, ...COLS, "--method", method, "--out", out, "--annotators-out", ann);
    assert.equal(r.code, 0, r.err);
    const lines = fs.readFileSync(out, "utf8").trim().split("\r\n");
    assert.equal(lines[0], "item,label,confidence,n_labels");
    assert.equal(lines.length, 13);
    assert.match(lines[1], /^i0,cat,[\d.]+,3$/);
    assert.match(lines[3], /^i2,dog,[\d.]+,3$/);
    // The item with one label keeps it, with n_labels 1.
    assert.match(lines[12], /^i11,dog,[\d.]+,1$/);
    const est = JSON.parse(fs.readFileSync(ann, "utf8")) as { method: string; labels: string[]; annotators: { annotator: string; labels: number; estimated_accuracy: number; confusion: number[][] }[] };
    assert.equal(est.method, method);
    assert.deepEqual(est.labels, ["cat", "dog"]);
    assert.deepEqual(est.annotators.map((e) => [e.annotator, e.labels]), [["a", 12], ["b", 11], ["c", 11]]);
    assert.ok(est.annotators[0].estimated_accuracy > est.annotators[2].estimated_accuracy);
    for (const e of est.annotators) for (const row of e.confusion) assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-5);
  }
  const out = path.join(dir, "c.jsonl");
  const ann = path.join(dir, "c.csv");
  const r = run("consensus", "--data", ANNOTATIONS, ...COLS, "--out", out, "--annotators-out", ann);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^dawid-skene: 12 items, 34 labels by 3 annotators/);
  const first = JSON.parse(fs.readFileSync(out, "utf8").split("\n")[0]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(first), ["item", "label", "confidence", "n_labels"]);
  assert.equal(fs.readFileSync(ann, "utf8").split("\r\n")[0], "annotator,labels,estimated_accuracy,cat->cat,cat->dog,dog->cat,dog->dog");
});

void test("consensus --method model reads features by item id and reports the model as an annotator", () => {
  const feats = ["item,x,y"];
  for (let i = 0; i < 12; i++) feats.push(`i${i},${i % 3 === 0 ? 1 : -1},${(i * 7) % 5}`);
  const features = temp("csv", feats.join("\n") + "\n");
  const out = path.join(dir, "m.csv");
  const ann = path.join(dir, "m.json");
  let r = run("consensus", "--data", ANNOTATIONS, ...COLS, "--features", features, "--id", "item", "--out", out, "--annotators-out", ann);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^model: /);
  assert.match(r.out, /; model 0\.\d{3}/);
  assert.equal(fs.readFileSync(out, "utf8").trim().split("\r\n").length, 13);
  assert.ok((JSON.parse(fs.readFileSync(ann, "utf8")) as { model?: unknown }).model !== undefined);
  const partial = temp("csv", feats.slice(0, 6).join("\n") + "\n");
  r = run("consensus", "--data", ANNOTATIONS, ...COLS, "--features", partial, "--id", "item", "--out", out);
  assert.equal(r.code, 2);
  assert.match(r.err, /column "item": 7 annotated items have no row here \("i5", "i6"/);
});

void test("consensus rejects conflicting or bad options, all at once", () => {
  const r = run("consensus", "--data", ANNOTATIONS, ...COLS, "--method", "model", "--out", path.join(dir, "o.txt"), "--annotators-out", path.join(dir, "a.xml"));
  assert.equal(r.code, 2);
  assert.match(r.err, /--method model needs --features/);
  assert.match(r.err, /--out ".*o\.txt": name a \.csv or \.jsonl file/);
  assert.match(r.err, /--annotators-out ".*a\.xml": name a \.json or \.csv file/);
  assert.match(run("consensus", "--data", ANNOTATIONS, ...COLS, "--method", "vote", "--out", path.join(dir, "o.csv")).err, /--method must be one of majority, dawid-skene, model/);
});

void test("agreement DIR reads each annotator's current labels from a project (undone and imported labels left out)", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-agree-"));
  try {
    const data = writeSyntheticCsv(base, 60, 10);
    const proj = path.join(base, "proj");
    let r = run("init", proj, "--data", data, "--labels", "spam,ham", "--text", "text", "--label", "seed_label", "--id", "id");
    assert.equal(r.code, 0, r.err);
    let r0 = run("agreement", proj, "--json");
    assert.equal(r0.code, 2);
    assert.match(r0.err, /no annotator has labeled an item yet/);
    const store = openStore(projectDbPath(proj));
    try {
      const add = (itemIdx: number, annotator: string, label: string): number => store.addAnnotation({ itemIdx, annotator, label, createdAt: 1000 + itemIdx, durationMs: null, predicted: null, audit: false });
      for (let i = 0; i < 20; i++) {
        add(i, "ana", i % 2 === 0 ? "spam" : "ham");
        add(i, "bo", i % 2 === 0 ? "spam" : "ham");
      }
      // bo relabels item 0 to ham and then undoes it: back to agreement.
      const id = add(0, "bo", "ham");
      store.undoAnnotation(id, "bo", 5000);
      // cy labels item 1 differently, then relabels it to agree.
      add(1, "cy", "spam");
      add(1, "cy", "ham");
    } finally {
      store.close();
    }
    r0 = run("agreement", proj, "--json");
    assert.equal(r0.code, 0, r0.err);
    const j = JSON.parse(r0.out) as AgreementReport;
    assert.equal(j.items, 20);
    assert.equal(j.annotators, 3);
    assert.equal(j.percent_agreement.value, 1);
    assert.equal(j.krippendorff_alpha.value, 1);
    assert.deepEqual(j.cohen_kappa.map((p) => [p.a, p.b, p.n, p.value]), [["ana", "bo", 20, 1]]);
    r = run("agreement", proj, "--data", ANNOTATIONS);
    assert.equal(r.code, 2);
    assert.match(r.err, /either a project folder or --data/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("consensus reads JSON Lines with numeric labels and writes them in number order", () => {
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) for (const who of ["a", "b"]) lines.push(JSON.stringify({ item: `q${i}`, who, label: i % 3 === 0 ? 10 : 2 }));
  const data = temp("jsonl", lines.join("\n") + "\n");
  const out = path.join(dir, "num.csv");
  const ann = path.join(dir, "num.json");
  const r = run("consensus", "--data", data, ...COLS, "--method", "majority", "--out", out, "--annotators-out", ann);
  assert.equal(r.code, 0, r.err);
  assert.match(fs.readFileSync(out, "utf8"), /^item,label,confidence,n_labels\r\nq0,10,1,2\r\nq1,2,1,2\r\n/);
  assert.deepEqual((JSON.parse(fs.readFileSync(ann, "utf8")) as { labels: string[] }).labels, ["2", "10"]);
});
