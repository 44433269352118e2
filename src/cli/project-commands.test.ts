import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { writeSyntheticCsv } from "../server/testing.js";
import { projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import type { SimulationResults } from "../eval/types.js";
import { readAnyTable } from "../data/formats.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

void test("init, status, export, train and predict from the command line", async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-cli-"));
  try {
    const data = writeSyntheticCsv(base, 200, 40);
    const dir = path.join(base, "proj");
    let r = run("init", dir, "--data", data, "--labels", "spam,ham", "--text", "text", "--label", "seed_label", "--id", "id");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /200 items, 40 seed labels/);

    r = run("status", dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /40 of 200 items labeled/);
    assert.match(r.out, /spam\s+20/);
    r = run("status", dir, "--json");
    assert.deepEqual((JSON.parse(r.out) as { byLabel: unknown }).byLabel, { spam: 20, ham: 20 });

    const csv = path.join(base, "labels.csv");
    r = run("export", dir, "--format", "csv", "--out", csv);
    assert.equal(r.code, 0, r.err);
    const lines = fs.readFileSync(csv, "utf8").trim().split("\r\n");
    assert.equal(lines.length, 41);
    assert.equal(lines[0], "id,text,length,label,annotator,labeled_at");
    r = run("export", dir, "--format", "jsonl");
    assert.equal(r.out.trim().split("\n").length, 40);
    r = run("export", dir, "--format", "xml");
    assert.equal(r.code, 2);
    assert.match(r.err, /--format must be one of jsonl, csv, parquet, labelstudio, prodigy, got "xml"/);

    // The other formats: written to a file, read back with the same labels as the CSV export.
    const csvLabels = new Map(lines.slice(1).map((l) => [l.split(",")[0], l.split(",")[3]]));
    for (const format of ["parquet", "labelstudio", "prodigy"] as const) {
      const file = path.join(base, `labels.${format === "parquet" ? "parquet" : format === "labelstudio" ? "json" : "jsonl"}`);
      r = run("export", dir, "--format", format, "--out", file);
      assert.equal(r.code, 0, `${format}: ${r.err}`);
      const back = await readAnyTable(file, { format, labels: ["spam", "ham"] });
      const labelCol = back.table.header.indexOf(back.summary.labelColumn ?? "label");
      const idCol = back.table.header.indexOf(format === "prodigy" ? "meta.id" : back.summary.idColumn ?? "id");
      assert.equal(back.table.cells.length, 40, format);
      if (idCol >= 0) for (const row of back.table.cells) assert.equal(row[labelCol], csvLabels.get(String(row[idCol])), `${format}: item ${String(row[idCol])}`);
      else assert.deepEqual(back.table.cells.map((row) => row[labelCol]).sort(), [...csvLabels.values()].sort(), format);
    }
    r = run("export", dir, "--format", "parquet", "--all-annotations", "--out", path.join(base, "all.parquet"));
    assert.equal(r.code, 0, r.err);
    assert.equal((await readAnyTable(path.join(base, "all.parquet"))).table.cells.length, 40);
    r = run("export", dir, "--format", "parquet");
    assert.equal(r.code, 2);
    assert.match(r.err, /--format parquet needs --out FILE/);
    r = run("export", dir, "--format", "prodigy", "--all-annotations", "--out", path.join(base, "x.jsonl"));
    assert.equal(r.code, 2);
    assert.match(r.err, /prodigy format holds final labels only/);
    assert.ok(!fs.existsSync(path.join(base, "x.jsonl")), "a refused export writes nothing");

    const model = path.join(base, "model.json");
    r = run("train", dir, "--out", model);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /trained logreg on 40 labels/);

    const preds = path.join(base, "predictions.csv");
    r = run("predict", "--model", model, "--data", data, "--out", preds, "--id", "id");
    assert.equal(r.code, 0, r.err);
    const rows = fs.readFileSync(preds, "utf8").trim().split("\r\n");
    assert.equal(rows[0], "id,label,p_spam,p_ham");
    assert.equal(rows.length, 201);
    let right = 0;
    for (const row of rows.slice(1)) {
      const [id, label] = row.split(",");
      if (label === (Number(id.slice(5)) % 2 === 0 ? "spam" : "ham")) right++;
    }
    assert.ok(right / 200 > 0.8, `accuracy ${right / 200}`);

    r = run("init", path.join(base, "p2"), "--data", data, "--labels", "spam", "--bogus", "1");
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown option --bogus/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("simulate --project replays strategies on the items labeled so far, with the project's columns and model", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-cli-"));
  try {
    const data = writeSyntheticCsv(base, 200, 60);
    const dir = path.join(base, "proj");
    assert.equal(run("init", dir, "--data", data, "--labels", "spam,ham", "--text", "text", "--label", "seed_label", "--id", "id").code, 0);
    // Labels from the app: one audit pick, one relabel of a seed item, two ordinary picks.
    const store = openStore(projectDbPath(dir));
    const at = Date.now();
    const label = (itemIdx: number, l: string, audit = false): void => {
      store.addAnnotation({ itemIdx, annotator: "ann", label: l, createdAt: at, durationMs: 900, predicted: null, audit });
    };
    label(150, "spam", true);
    label(0, "spam");
    label(101, "ham");
    label(103, "ham");
    store.close();
    const out = path.join(base, "sim");
    const r = run("simulate", "--project", dir, "--strategies", "margin", "--seeds", "2", "--budget", "30", "--workers", "0", "--out", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /proj: 63 labeled of 200 items \(59 imported, 1 random audit picks, 3 chosen by the strategy\)/);
    assert.match(r.err, /not to predict accuracy/);
    const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
    assert.equal(res.rows, 63);
    assert.equal(res.classes, 2);
    assert.equal(res.options.text, "text"); // the project's text column, TF-IDF as in the app
    assert.deepEqual(Object.keys(res.strategies), ["random", "margin"]);
    assert.match(res.protocol, /LR C=1 lbfgs/);

    const both = run("simulate", "--project", dir, "--data", data, "--label", "seed_label");
    assert.equal(both.code, 2);
    assert.match(both.err, /give either --data FILE \(with --label\), --data DIR\/ \(a folder of images in label subfolders\) or --project DIR/);
    assert.match(both.err, /option --label does not apply to --project/);
    const none = run("simulate", "--data", data);
    assert.match(none.err, /option --label is required with --data/);
    const missing = run("simulate", "--project", path.join(base, "nope"));
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /nope/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("status, export, train and simulate --project on a folder that is no project say so and name init, creating nothing", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-cli-"));
  try {
    const empty = path.join(base, "empty");
    fs.mkdirSync(empty);
    const missing = path.join(base, "missing");
    for (const dir of [empty, missing]) {
      for (const args of [["status", dir], ["export", dir], ["train", dir, "--out", path.join(base, "m.json")], ["simulate", "--project", dir, "--out", base]]) {
        const r = run(...args);
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
        assert.match(r.err, /is not an activelearn project .*activelearn init/, args.join(" "));
        assert.doesNotMatch(r.err, /internal error| {4}at /, args.join(" "));
      }
    }
    assert.deepEqual(fs.readdirSync(empty), []);
    assert.equal(fs.existsSync(missing), false);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
