import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { writeSyntheticCsv } from "../server/testing.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

void test("init, status, export, train and predict from the command line", () => {
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
    assert.match(r.err, /--format must be jsonl or csv/);

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
