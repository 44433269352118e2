import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import { fileURLToPath } from "node:url";
import { projectDbPath } from "../project/init.js";
import { writeSyntheticCsv } from "../server/testing.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const made: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-cli-init-"));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void test("init killed with SIGKILL mid-import leaves no project that status would open; a rerun succeeds", async () => {
  const base = tmp();
  const n = 120_000;
  const data = writeSyntheticCsv(base, n, 10);
  const dir = path.join(base, "proj");
  const args = ["init", dir, "--data", data, "--labels", "spam,ham", "--text", "text", "--label", "seed_label", "--id", "id"];
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  const temp = (): string | undefined => fs.readdirSync(base).find((f) => f.startsWith(".proj_project.db.init-") && f.endsWith(".tmp"));
  let killedAt = -1;
  for (let t = 0; t < 60_000 && killedAt < 0; t += 10) {
    const f = temp();
    // Kill once the import is well under way (the temporary database has grown past 1 MB).
    if (f !== undefined && fs.statSync(path.join(base, f)).size > 1 << 20) {
      child.kill("SIGKILL");
      killedAt = t;
    } else await sleep(10);
  }
  assert.ok(killedAt >= 0, "the import never got going");
  assert.equal(await exited, "SIGKILL", "init finished before it could be killed: make the file larger");
  assert.ok(temp() !== undefined, "the half-written database is a hidden temporary file");
  assert.equal(fs.existsSync(projectDbPath(dir)), false, "no project database in place");
  assert.equal(fs.existsSync(dir), false, "no project folder");
  const status = run("status", dir);
  assert.equal(status.code, 2, status.err);
  assert.doesNotMatch(status.err, /internal error/);

  const again = run(...args);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, new RegExp(`${n} items, 10 seed labels`));
  assert.deepEqual(fs.readdirSync(base).sort(), ["items.csv", "proj"], "the killed run's temporary file is cleaned up");
  const ok = run("status", dir);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, new RegExp(`10 of ${n} items labeled`));
});

void test("init into a file, or below one, is a located error with exit 2 and changes nothing", () => {
  const base = tmp();
  const data = writeSyntheticCsv(base, 10, 2);
  for (const target of [data, path.join(data, "proj")]) {
    const r = run("init", target, "--data", data, "--labels", "spam,ham", "--text", "text");
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`^activelearn: ${target.replace(/[.\\/]/g, "\\$&")}: .* is a file, not a folder`));
    assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  }
  assert.deepEqual(fs.readdirSync(base), ["items.csv"]);
});

void test("init prints every column's role on stdout and the warnings on stderr; --map and --ignore from the command line", () => {
  const base = tmp();
  const data = path.join(base, "reviews.csv");
  let csv = "id,text,verdict,stars\n";
  for (let i = 0; i < 30; i++) {
    const stars = [5, 1, 3, 4, 2][i % 5];
    csv += `r${i},review ${i},${stars >= 3 ? "good" : "bad"},${stars}\n`;
  }
  fs.writeFileSync(data, csv);
  const dir = path.join(base, "proj");
  const r = run("init", dir, "--data", data, "--labels", "good,bad", "--text", "text", "--id", "id", "--label", "stars", "--map", "4,5=good;1,2=bad;3=-");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^column\s+role\s+values\s+missing\s+note\n/);
  assert.match(r.out, /^verdict\s+ignored\s+2\s+0\s+looks like the answer \(--keep to use it\)$/m);
  assert.match(r.out, /^stars\s+label\s+—\s+—\s+24 seed labels$/m);
  assert.match(r.out, /30 items, 24 seed labels, 1 fields \(text:text\)/);
  assert.match(r.err, /warning: column "verdict" looks like the answer: the one-feature rule one label per value of verdict \(leave-one-out\) gets 24 of 24 seed labels right \(100%\), against 50% for always "(good|bad)"; left out of the model and the labeling page \(--keep verdict to use it anyway\)/);
  const bad = run("init", path.join(base, "p2"), "--data", data, "--labels", "Good,Bad", "--text", "text", "--ignore", "verdict", "--label", "stars", "--map", "4,5=good;1,2=Bad;3=-");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--map entry 1 \("4,5=good"\) maps to "good", which is not one of --labels \(Good, Bad\) nor "-" \(leave unlabeled\) \(did you mean "Good"\?\)/);
  assert.equal(fs.existsSync(path.join(base, "p2")), false);
  const help = run("init", "--help");
  for (const flag of ["--ignore", "--keep", "--map"]) assert.match(help.out, new RegExp(`^  ${flag} `, "m"));
});

void test("init --overlap flags: bad values are reported at once with the other flag problems (exit 2), good ones land in the project's settings", async () => {
  const base = tmp();
  const data = writeSyntheticCsv(base, 10, 0);
  const bad = run("init", path.join(base, "bad"), "--data", data, "--labels", "spam,ham", "--text", "text", "--overlap", "2", "--overlap-share", "1.5", "--overlap-on", "hard", "--adaptive-overlap", "2", "--overlap-x", "1");
  assert.equal(bad.code, 2, bad.err);
  for (const m of [/unknown option --overlap-x/, /--overlap-share must be a proportion/, /--overlap-on must be one of random, uncertain, got "hard"/, /--adaptive-overlap must be above --overlap \(2\)/]) assert.match(bad.err, m);
  assert.equal(fs.existsSync(path.join(base, "bad")), false);
  const proj = path.join(base, "ok");
  const ok = run("init", proj, "--data", data, "--labels", "spam,ham", "--text", "text", "--overlap", "3", "--overlap-share", "0.2", "--overlap-on", "uncertain", "--adaptive-overlap", "5");
  assert.equal(ok.code, 0, ok.err);
  const { openStore } = await import("../store/open.js");
  const store = openStore(projectDbPath(proj), { readonly: true });
  try {
    assert.deepEqual(store.meta().overlap, { annotators: 3, share: 0.2, on: "uncertain", adaptiveMax: 5 });
    assert.equal(store.meta().consensus, undefined, "majority by default");
  } finally {
    store.close();
  }
});

void test("init --consensus: a bad method is reported with the other flag problems (exit 2, nothing created); dawid-skene lands in the project's settings", async () => {
  const base = tmp();
  const data = writeSyntheticCsv(base, 10, 0);
  const bad = run("init", path.join(base, "bad"), "--data", data, "--labels", "spam,ham", "--text", "text", "--overlap", "3", "--consensus", "bayes", "--overlap-share", "2");
  assert.equal(bad.code, 2, bad.err);
  assert.match(bad.err, /--consensus must be one of majority, dawid-skene, got "bayes"/);
  assert.match(bad.err, /--overlap-share must be a proportion/);
  assert.equal(fs.existsSync(path.join(base, "bad")), false);
  const proj = path.join(base, "ds");
  const ok = run("init", proj, "--data", data, "--labels", "spam,ham", "--text", "text", "--overlap", "3", "--consensus", "dawid-skene");
  assert.equal(ok.code, 0, ok.err);
  const { openStore } = await import("../store/open.js");
  const store = openStore(projectDbPath(proj), { readonly: true });
  try {
    assert.equal(store.meta().consensus, "dawid-skene");
  } finally {
    store.close();
  }
  assert.match(run("init", "--help").out, /^ {2}--consensus /m);
});
