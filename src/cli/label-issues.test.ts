import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { Rng } from "../linalg/rng.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/**
 * 90 rows: id, two numeric features, a categorical one, a note to ignore, label in {cat, dog}
 * by the sign of x; rows 5, 17 and 40 given the other label.
 */
function writeTable(dir: string): string {
  const rng = new Rng(11);
  const lines = ["key,x,z,colour,note,animal"];
  for (let i = 0; i < 90; i++) {
    const dog = i % 2 === 0;
    const x = (dog ? 3 : -3) + rng.next() - 0.5;
    let label = dog ? "dog" : "cat";
    if (i === 5 || i === 17 || i === 40) label = dog ? "cat" : "dog";
    lines.push([`k${i}`, x.toFixed(3), (rng.next() * 2).toFixed(3), i % 3 === 0 ? "red" : "blue", `n${i}`, label].join(","));
  }
  const file = path.join(dir, "animals.csv");
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

function withDir(f: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-issues-"));
  try {
    f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void test("label-issues writes every row with row, id, given, suggested, quality, issue, and finds the flipped rows", () => {
  withDir((dir) => {
    const data = writeTable(dir);
    const out = path.join(dir, "issues.csv");
    const r = run("label-issues", "--data", data, "--label", "animal", "--id", "key", "--ignore", "note", "--out", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^3 of 90 rows \(3\.3%\) flagged as label issues/);
    assert.match(r.out, /given label\s+rows\s+flagged\s+estimated noise rate/);
    assert.match(r.out, /\ncat\s+44\s+/);
    const lines = fs.readFileSync(out, "utf8").trimEnd().split("\r\n");
    assert.equal(lines[0], "row,id,given,suggested,quality,issue");
    assert.equal(lines.length, 91);
    const rows = lines.slice(1).map((l) => l.split(","));
    rows.forEach((c, i) => {
      assert.equal(c[0], String(i));
      assert.equal(c[1], `k${i}`);
      const q = Number(c[4]);
      assert.ok(q >= 0 && q <= 1, `quality ${c[4]}`);
      assert.ok(c[5] === "true" || c[5] === "false");
    });
    const flagged = rows.filter((c) => c[5] === "true").map((c) => Number(c[0]));
    assert.deepEqual(flagged, [5, 17, 40]);
    assert.deepEqual(rows[5].slice(2, 4), ["dog", "cat"]);
  });
});

void test("label-issues writes JSON Lines for .jsonl, without an id column unless --id, and the same result for the same seed", () => {
  withDir((dir) => {
    const data = writeTable(dir);
    const a = path.join(dir, "a.jsonl");
    const b = path.join(dir, "b.jsonl");
    assert.equal(run("label-issues", "--data", data, "--label", "animal", "--ignore", "note,key", "--seed", "3", "--out", a).code, 0);
    assert.equal(run("label-issues", "--data", data, "--label", "animal", "--ignore", "note,key", "--seed", "3", "--out", b).code, 0);
    const text = fs.readFileSync(a, "utf8");
    assert.equal(text, fs.readFileSync(b, "utf8"));
    const recs = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(recs.length, 90);
    assert.deepEqual(Object.keys(recs[0]), ["row", "given", "suggested", "quality", "issue"]);
    assert.equal(typeof recs[0].quality, "number");
    assert.equal(typeof recs[0].issue, "boolean");
    assert.equal(recs[0].row, 0);
  });
});

void test("label-issues: bad input is a located error (exit 2) and writes nothing", () => {
  withDir((dir) => {
    const data = writeTable(dir);
    const out = path.join(dir, "issues.csv");
    const bad = (args: string[], ...patterns: RegExp[]): void => {
      const r = run("label-issues", ...args);
      assert.equal(r.code, 2, r.err);
      assert.doesNotMatch(r.err, /internal error|\n\s+at /);
      for (const p of patterns) assert.match(r.err, p);
      assert.equal(fs.existsSync(out), false, "nothing written");
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes(".tmp")), []);
    };
    bad(["--data", data, "--label", "animl", "--out", out], /animals\.csv/, /option --label/, /no column named "animl" \(did you mean "animal"\?\)/);
    bad(["--data", data, "--out", out], /option --label is required/);
    bad(["--data", data, "--label", "animal", "--out", path.join(dir, "issues.txt")], /option --out ".*issues\.txt": give a file ending in \.csv or \.jsonl/);
    bad(["--data", data, "--label", "animal", "--model", "svm", "--out", out], /option --model must be logreg or nb, got "svm"/);
    bad(["--data", data, "--label", "animal", "--folds", "1", "--out", out], /option --folds must be at least 2/);
    bad(["--data", data, "--label", "animal", "--folds", "50", "--out", out], /class "cat" has 44 rows, class "dog" has 46 rows: every class needs at least as many rows as folds \(--folds 50\)/);
    bad(["--data", data, "--label", "animal", "--ignore", "nope", "--out", out], /option --ignore/, /no column named "nope"/);
    bad(["--data", path.join(dir, "missing.csv"), "--label", "animal", "--out", out], /option --data ".*missing\.csv": no such file/);

    const rows = fs.readFileSync(data, "utf8").split("\n");
    const unlabeled = path.join(dir, "unlabeled.csv");
    fs.writeFileSync(unlabeled, [rows[0], ...rows.slice(1, 4), "k99,1.0,1.0,red,n,", ...rows.slice(4)].join("\n"));
    bad(["--data", unlabeled, "--label", "animal", "--out", out], /unlabeled\.csv, column "animal": no label on row 4: label-issues needs the given label of every row/);

    const oneClass = path.join(dir, "one.csv");
    fs.writeFileSync(oneClass, "x,y\n1,a\n2,a\n3,a\n");
    bad(["--data", oneClass, "--label", "y", "--out", out], /one\.csv, column "y": only one class \("a"\)/);

  });
});
