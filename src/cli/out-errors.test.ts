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

/** A folder a write into fails: mode 555 for a normal user; for root (whom modes do not stop), sysfs. */
function unwritableFolder(base: string): string {
  if (process.getuid?.() === 0) return "/sys";
  const ro = path.join(base, "ro");
  fs.mkdirSync(ro);
  fs.chmodSync(ro, 0o555);
  return ro;
}

/** Exit 2 with a located message and no stack trace. */
function located(r: { code: number | null; err: string }, ...patterns: RegExp[]): void {
  assert.equal(r.code, 2, r.err);
  assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  for (const p of patterns) assert.match(r.err, p);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

void test("a missing, unwritable or folder --out is a located error (exit 2) for export, train, predict and simulate, before the work", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-out-"));
  try {
    const data = writeSyntheticCsv(base, 120, 20);
    const dir = path.join(base, "proj");
    assert.equal(run("init", dir, "--data", data, "--labels", "spam,ham", "--text", "text", "--label", "seed_label", "--id", "id").code, 0);
    const missing = path.join(base, "no-such-folder", "x.out");
    const ro = unwritableFolder(base);

    located(run("export", dir, "--out", missing), /option --out/, new RegExp(esc(missing)), /folder ".*no-such-folder" does not exist/);
    located(run("export", dir, "--format", "csv", "--out", base), /option --out/, new RegExp(`"${esc(base)}": is a folder`));
    located(run("train", dir, "--out", missing), /option --out/, /does not exist/);
    located(run("train", dir, "--out", path.join(ro, "model.json")), new RegExp(`option --out "${esc(path.join(ro, "model.json"))}": folder "${esc(ro)}" is not writable`));
    const model = path.join(base, "model.json");
    assert.equal(run("train", dir, "--out", model).code, 0);
    located(run("predict", "--model", model, "--data", data, "--out", base), /option --out/, /is a folder/);
    located(run("predict", "--model", model, "--data", data, "--out", path.join(ro, "p.csv")), /is not writable/);
    assert.equal(fs.existsSync(path.join(base, "no-such-folder")), false);

    // simulate: --out is a folder (created if missing); a file there, or no way to create it, is an error before any run.
    const sim = ["simulate", "--data", data, "--label", "seed_label", "--text", "text", "--seeds", "1", "--budget", "20", "--workers", "0"];
    const r1 = run(...sim, "--out", data);
    located(r1, new RegExp(`option --out "${esc(data)}": is a file, not a folder`));
    assert.doesNotMatch(r1.err, /simulate: \d+\//, "no run started");
    located(run(...sim, "--out", path.join(ro, "sim")), /option --out/, /is not writable/);
    located(run(...sim, "--out", path.join(data, "sub")), /is a file, so the folder cannot be created/);
  } finally {
    if (process.getuid?.() !== 0 && fs.existsSync(path.join(base, "ro"))) fs.chmodSync(path.join(base, "ro"), 0o755);
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("every problem at once: an unknown option, a non-number and a missing --data file are named together", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-args-"));
  try {
    const nofile = path.join(base, "nope.csv");
    const aFile = path.join(base, "notes.txt");
    fs.writeFileSync(aFile, "x");
    const r = run("simulate", "--data", nofile, "--label", "y", "--seeds", "five", "--bogus", "1", "--out", path.join(aFile, "x"));
    located(
      r,
      /unknown option --bogus for "simulate"/,
      /option --seeds must be a whole number, got "five"/,
      new RegExp(`option --data "${esc(nofile)}": no such file`),
      /option --out ".*notes\.txt.x": ".*notes\.txt" is a file, so the folder cannot be created/,
    );
    assert.equal(r.err.split("\n").filter((l) => l.startsWith("activelearn: ")).length, 4);
    const p = run("predict", "--model", path.join(base, "m.json"), "--data", nofile, "--out", path.join(base, "missing", "p.csv"), "--idd", "x");
    located(p, /option --model ".*m\.json": no such file/, /option --data ".*nope\.csv": no such file/, /option --out .*does not exist/, /unknown option --idd .*did you mean "--id"/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
