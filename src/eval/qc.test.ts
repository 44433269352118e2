import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../data/load.js";
import { BadOptionError } from "../errors.js";
import { getStrategy } from "../strategies/registry.js";
import { encodeLabels } from "./labels.js";
import { annotatorsFromAccuracies, annotatorsFromJson, onGrid, simulateQcRun } from "./qc.js";
import { compareQc, qcPolicies, type QcResults } from "./qc-summary.js";
import { prepareSplit, type ProtocolOptions } from "./run.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const digits = path.join(root, "data", "digits.csv");
const protocol: ProtocolOptions = { initial: 10, batch: 10, budget: 80, testFraction: 0.3, model: "logreg" };

void test("simulated annotators: rows of the confusion matrix sum to 1, errors spread evenly; a file's matrix is checked entry by entry", () => {
  const [a] = annotatorsFromAccuracies([0.7], 3);
  for (const row of a.confusion) assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-12);
  assert.deepEqual(Array.from(a.confusion[1]), [0.15000000000000002, 0.7, 0.15000000000000002]);
  const ok = annotatorsFromJson([{ name: "ana", accuracy: 0.9 }, { name: "bo", confusion: { spam: { spam: 0.8, ham: 0.2 } } }], ["spam", "ham"], "a.json");
  assert.equal(ok[1].accuracy, 0.9, "ham left out of bo's matrix is answered right: (0.8 + 1) / 2");
  assert.throws(
    () => annotatorsFromJson([{ name: "bo", confusion: { spam: { spam: 0.8, ham: 0.1 }, eggs: {} } }, { accuracy: 2 }], ["spam", "ham"], "a.json"),
    (e: unknown) => {
      assert.ok(e instanceof BadOptionError);
      const text = e.problems.join("\n");
      assert.match(text, /annotator 1 \("bo"\): confusion row "eggs" is not a class/);
      assert.match(text, /annotator 1 \("bo"\): confusion row "spam" sums to 0\.9000, not 1/);
      assert.match(text, /annotator 2 \("a2"\): accuracy must be a number from 0 to 1, got 2/);
      return true;
    },
  );
  assert.throws(() => qcPolicies(["none", "triple"]), /--qc: unknown policy "triple"; the policies are none, overlap2, adaptive, review-suspects/);
  assert.deepEqual(qcPolicies(["adaptive"]), ["none", "adaptive"], "none is always the baseline");
});

void test("a QC run spends exactly the budget in label units; overlap buys cleaner labels with fewer items; same seed, same run", () => {
  const ds = loadDataset(digits, { label: "digit" });
  const enc = encodeLabels(ds);
  const prep = prepareSplit(ds, enc, 0, protocol);
  const noisy = annotatorsFromAccuracies([0.7, 0.7, 0.7], 10);
  const run = (p: "none" | "overlap2" | "adaptive" | "review-suspects") => simulateQcRun(prep, 10, getStrategy("margin"), 0, protocol, noisy, p);
  const none = run("none");
  const two = run("overlap2");
  const adaptive = run("adaptive");
  for (const r of [none, two, adaptive, run("review-suspects")]) {
    // Never a unit more than the budget; adaptive may end one short (an item needs two units).
    assert.ok(r.units.at(-1)! <= 80 && r.units.at(-1)! >= (r === adaptive ? 79 : 80), `spent ${r.units.at(-1)}`);
    assert.ok(r.units.every((u, i) => i === 0 || u > r.units[i - 1]));
  }
  assert.equal(none.items, 80);
  assert.equal(none.qcUnits, 0);
  assert.equal(two.items, 40);
  assert.equal(two.qcUnits, 40);
  assert.ok(adaptive.items < 40 && adaptive.items >= 27, `adaptive labeled ${adaptive.items} items`);
  // Two labels that agree are right far more often than one (0.49 / (0.49 + 0.09/9) = 0.98 for 10 classes).
  assert.ok(two.trainingLabelAccuracy > none.trainingLabelAccuracy + 0.1, `${two.trainingLabelAccuracy} vs ${none.trainingLabelAccuracy}`);
  assert.ok(two.disputed > 0, "disagreeing pairs do not train");
  assert.deepEqual(run("adaptive"), adaptive, "same seed, same run");
  // Perfect annotators: nothing in dispute, every label right.
  const perfect = simulateQcRun(prep, 10, getStrategy("margin"), 0, protocol, annotatorsFromAccuracies([1, 1, 1], 10), "adaptive");
  assert.equal(perfect.disputed, 0);
  assert.equal(perfect.trainingLabelAccuracy, 1);
  assert.equal(perfect.items, 40);
  // The grid: the last evaluation at or below each point.
  assert.deepEqual(onGrid({ units: [10, 21, 30], accuracy: [0.5, 0.6, 0.7] }, [10, 20, 30]), [0.5, 0.5, 0.7]);
});

void test("compareQc: every policy against none, paired by seed, with a sentence of cost and gain; simulate --annotators writes qc.json and qc.md", () => {
  const ds = loadDataset(digits, { label: "digit" });
  const res = compareQc(ds, { annotators: [0.95, 0.85, 0.6], policies: ["overlap2", "review-suspects"], strategy: "margin", seeds: 3, budget: 60 });
  assert.deepEqual(Object.keys(res.policies), ["none", "overlap2", "review-suspects"]);
  assert.equal(res.policies.none?.vs_none, undefined);
  assert.equal(res.policies.overlap2?.vs_none?.seeds, 3);
  assert.deepEqual(res.policies.overlap2?.units, [10, 20, 30, 40, 50, 60]);
  assert.equal(res.verdicts.length, 2);
  assert.match(res.verdicts[0], /^overlap2 spent 30 of 60 units on quality control \(30 items labeled against 60\); training labels/);

  const out = fs.mkdtempSync(path.join(os.tmpdir(), "al-qc-"));
  const main = path.join(root, "dist", "src", "cli", "main.js");
  const cli = (args: string[]) => spawnSync(process.execPath, [main, "simulate", "--data", digits, "--label", "digit", ...args], { encoding: "utf8", cwd: root });
  const r = cli(["--annotators", "0.95,0.85,0.7", "--qc", "adaptive", "--strategies", "margin", "--seeds", "3", "--budget", "40", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const written = JSON.parse(fs.readFileSync(path.join(out, "qc.json"), "utf8")) as QcResults;
  assert.deepEqual(Object.keys(written.policies), ["none", "adaptive"]);
  assert.match(fs.readFileSync(path.join(out, "qc.md"), "utf8"), /^# Quality control on digits\.csv/);
  assert.match(r.stdout, /adaptive spent \d+ of 40 units on quality control/);
  const bad = cli(["--annotators", "0.95,high", "--qc", "triple", "--out", out]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--annotators must be accuracies from 0 to 1|--qc: unknown policy "triple"/);
  const orphan = cli(["--qc", "adaptive", "--out", out]);
  assert.equal(orphan.status, 2);
  assert.match(orphan.stderr, /option --qc needs --annotators/);
  const two = cli(["--annotators", "0.9,0.8", "--strategies", "margin,entropy", "--out", out]);
  assert.match(two.stderr, /with --annotators, --strategies names the one strategy/);
  fs.rmSync(out, { recursive: true, force: true });
});
