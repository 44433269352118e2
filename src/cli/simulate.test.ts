import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import type { SimulationResults } from "../eval/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const main = path.join(root, "dist", "src", "cli", "main.js");
const digits = path.join(root, "data", "digits.csv");

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "al-sim-"));

void test("simulate on digits writes results.json in the reference shape and a report; uncertainty beats random", () => {
  const out = tmp();
  const r = cli(["simulate", "--data", digits, "--label", "digit", "--strategies", "random,margin,least-confidence", "--seeds", "3", "--budget", "150", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  assert.equal(res.dataset, "digits.csv");
  assert.equal(res.rows, 1797);
  assert.equal(res.classes, 10);
  assert.match(res.protocol, /70\/30 stratified; LR C=1 lbfgs; init 10; batch 10; budget 150; seeds 0-2/);
  assert.ok(res.full_pool_accuracy > 0.93, `full-pool accuracy ${res.full_pool_accuracy}`);
  assert.deepEqual(Object.keys(res.strategies), ["random", "margin", "least_confidence"]);
  for (const s of Object.values(res.strategies)) {
    assert.deepEqual(s.labels, Array.from({ length: 15 }, (_, i) => 10 + 10 * i));
    assert.equal(s.mean_accuracy.length, 15);
    assert.equal(s.per_seed.length, 3);
    assert.ok(Math.abs(s.aulc - s.mean_accuracy.reduce((a, b) => a + b, 0) / 15) < 1e-3);
    assert.deepEqual(Object.keys(s.acc_at), ["50", "100", "150"]);
    assert.ok(s.median_iteration_s > 0);
  }
  assert.ok(res.strategies.margin.aulc > res.strategies.random.aulc + 0.01, `margin ${res.strategies.margin.aulc} vs random ${res.strategies.random.aulc}`);
  const m = res.strategies.margin.labels_to_match_random;
  assert.ok(m !== null && m < 150, `margin needed ${m} labels to match random`);
  // The paired comparison with random: per-seed differences of the AULCs written beside it.
  assert.equal(res.strategies.random.vs_random, undefined);
  const d = res.strategies.margin.per_seed.map((p, i) => p.aulc - res.strategies.random.per_seed[i].aulc);
  const vs = res.strategies.margin.vs_random;
  assert.ok(vs !== undefined);
  assert.ok(Math.abs(vs.mean - d.reduce((a, b) => a + b, 0) / 3) < 2e-4, `${vs.mean} vs ${String(d)}`);
  assert.equal(vs.above, d.filter((x) => x > 0).length);
  assert.equal(vs.seeds, 3);
  assert.ok(vs.se !== null && vs.se > 0);
  assert.match(r.stdout, /− random \(paired\)/);
  assert.match(r.stdout, /margin .* \+0\.\d{4} ± 0\.\d{4} \([0-3]\/3\)/);
  assert.equal(typeof vs.significant, "boolean");
  assert.match(r.stdout, /Best AULC: (margin|least_confidence); .*\(paired t-test, 5%\)\./);
  const html = fs.readFileSync(path.join(out, "report.html"), "utf8");
  assert.match(html, /<svg/);
  assert.match(html, /labels saved/i);
  assert.match(r.stdout, /margin\s+0\.\d{4}/);
  assert.match(r.stdout, /wrote .*results\.json/);
  assert.match(r.stderr, /simulate: \d+\/\d+/);
});

void test("one seed, one result: two runs give identical curves", () => {
  const a = tmp();
  const b = tmp();
  const args = ["simulate", "--data", digits, "--label", "digit", "--strategies", "random,entropy", "--seeds", "2", "--budget", "60"];
  assert.equal(cli([...args, "--out", a]).status, 0);
  assert.equal(cli([...args, "--out", b, "--workers", "0"]).status, 0);
  const ra = JSON.parse(fs.readFileSync(path.join(a, "results.json"), "utf8")) as SimulationResults;
  const rb = JSON.parse(fs.readFileSync(path.join(b, "results.json"), "utf8")) as SimulationResults;
  for (const s of ["random", "entropy"]) assert.deepEqual(ra.strategies[s].per_seed, rb.strategies[s].per_seed);
});

void test("bad options are all reported at once, naming each option", () => {
  const r = cli(["simulate", "--data", digits, "--seeds", "x", "--bogus", "1"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option --bogus/);
  assert.match(r.stderr, /--seeds must be a whole number, got "x"/);
  assert.match(r.stderr, /option --label is required with --data/);
  const s = cli(["simulate", "--data", digits, "--label", "digit", "--strategies", "margin,nope", "--model", "svm", "--budget", "5"]);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /unknown strategy "nope"/);
  assert.match(s.stderr, /--model must be one of logreg, nb/);
  assert.match(s.stderr, /--budget \(5\) must be at least --initial \(10\)/);
  assert.doesNotMatch(s.stderr, /did you mean/);
  // A near miss gets the name it was probably meant to be.
  const t = cli(["simulate", "--data", digits, "--label", "Digit ", "--strategies", "margn", "--seedz", "2"]);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /unknown option --seedz for "simulate" \(did you mean "--seeds"\?\)/);
  const u = cli(["simulate", "--data", digits, "--label", "digti", "--strategies", "margn"]);
  assert.match(u.stderr, /no column named "digti" \(did you mean "digit"\?\)/);
  const v = cli(["simulate", "--data", digits, "--label", "digit", "--strategies", "typical-varaince"]);
  assert.match(v.stderr, /unknown strategy "typical_varaince" \(did you mean "typical_variance"\?\)/);
});

void test("bad data is an error naming the file, row and column, and nothing is written", () => {
  const dir = tmp();
  const ragged = path.join(dir, "ragged.csv");
  fs.writeFileSync(ragged, "a,b,y\n1,2,x\n3,4\n5,6,z\n");
  const out = path.join(dir, "out");
  const r = cli(["simulate", "--data", ragged, "--label", "y", "--out", out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ragged\.csv.*row 2/);
  assert.equal(fs.existsSync(out), false);
  const unknown = cli(["simulate", "--data", digits, "--label", "label"]);
  assert.match(unknown.stderr, /digits\.csv.*--label.*no column named "label"/);
  const missing = path.join(dir, "missing.csv");
  fs.writeFileSync(missing, "a,y\n1,x\n2,\n3,z\n");
  const m = cli(["simulate", "--data", missing, "--label", "y"]);
  assert.equal(m.status, 2);
  assert.match(m.stderr, /missing\.csv.*column "y".*row\(s\) 2/);
  const nofile = cli(["simulate", "--data", path.join(dir, "nope.csv"), "--label", "y"]);
  assert.equal(nofile.status, 2);
  assert.match(nofile.stderr, /nope\.csv/);
});

void test("a free-text column is featurised as sparse TF-IDF; logreg and naive Bayes both learn it", () => {
  const dir = tmp();
  const file = path.join(dir, "reviews.csv");
  const good = ["great", "love", "excellent", "fast", "friendly", "perfect"];
  const bad = ["broken", "refund", "late", "rude", "awful", "never"];
  const neutral = ["the", "order", "item", "package", "service", "delivery", "box", "price"];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const lines = ["id,stars,text,sentiment"];
  for (let i = 0; i < 400; i++) {
    const pos = i % 2 === 0;
    const words = Array.from({ length: 8 }, () => (rnd(3) === 0 ? (pos ? good : bad)[rnd(6)] : neutral[rnd(8)]));
    // stars is noise: the label can only be learned from the text.
    lines.push(`${i},${1 + rnd(5)},"${words.join(" ")}, ""quoted"" and\nmultiline",${pos ? "pos" : "neg"}`);
  }
  fs.writeFileSync(file, lines.join("\n"));
  for (const model of ["logreg", "nb"]) {
    const out = path.join(dir, model);
    const r = cli(["simulate", "--data", file, "--label", "sentiment", "--text", "text", "--id", "id", "--model", model, "--seeds", "2", "--budget", "60", "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
    assert.equal(res.options.text, "text");
    assert.ok(res.full_pool_accuracy > 0.9, `${model}: full-pool accuracy ${res.full_pool_accuracy}`);
    assert.ok(res.strategies.margin.acc_at["60"] > 0.8, `${model}: margin accuracy at 60 labels ${res.strategies.margin.acc_at["60"]}`);
  }
});

void test("simulate --data prints every column's role on stderr and leaves out a score column equal to the label unless --keep", () => {
  const dir = tmp();
  const file = path.join(dir, "leaky.csv");
  let seed = 5;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines = ["row,a,b,score,y"];
  for (let i = 0; i < 300; i++) {
    const pos = rnd() < 0.5;
    // a and b predict y only roughly; score is y itself.
    lines.push(`${i + 1},${((pos ? 0.6 : 0.4) + rnd()).toFixed(3)},${rnd().toFixed(3)},${pos ? "yes" : "no"},${pos ? "yes" : "no"}`);
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
  const args = ["simulate", "--data", file, "--label", "y", "--strategies", "random", "--seeds", "1", "--budget", "30", "--workers", "0"];
  const r = cli([...args, "--out", path.join(dir, "out")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^column\s+role\s+values\s+missing\s+note$/m);
  assert.match(r.stderr, /^row\s+numeric\s+300\s+0\s+looks like an id$/m);
  assert.match(r.stderr, /^score\s+ignored\s+2\s+0\s+looks like the answer \(--keep to use it\)$/m);
  assert.match(r.stderr, /^y\s+label\s+—\s+—\s+2 classes$/m);
  assert.match(r.stderr, /warning: column "score" looks like the answer: the one-feature rule one label per value of score \(leave-one-out\) gets 300 of 300 labeled rows right \(100%\), against \d+% for always "(yes|no)"; left out of the model/);
  assert.match(r.stderr, /warning: column "row" looks like an id .*--id row, or --ignore row/);
  assert.doesNotMatch(r.stdout, /warning/, "stdout keeps only the summary");
  const res = JSON.parse(fs.readFileSync(path.join(dir, "out", "results.json"), "utf8")) as SimulationResults;
  assert.ok(res.full_pool_accuracy < 0.95, `without score the task is hard: ${res.full_pool_accuracy}`);
  const kept = cli([...args, "--keep", "score", "--ignore", "row", "--out", path.join(dir, "kept")]);
  assert.equal(kept.status, 0, kept.stderr);
  assert.match(kept.stderr, /kept because of --keep score/);
  assert.match(kept.stderr, /^row\s+ignored\s+—\s+—\s+--ignore$/m);
  const keptRes = JSON.parse(fs.readFileSync(path.join(dir, "kept", "results.json"), "utf8")) as SimulationResults;
  assert.equal(keptRes.full_pool_accuracy, 1, "with score kept, the model reads the answer");
  const bad = cli([...args, "--keep", "scor"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /option --keep: no column named "scor" \(did you mean "score"\?\)/);
});
