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
const vehicle = path.join(root, "data", "vehicle.csv");

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "al-sum-"));

void test("simulate with one seed: no labels saved claimed, standard errors n/a (null in results.json), a warning", () => {
  // Issue 10: on one seed of vehicle, the report's headline said margin saved 40% of the labels
  // while margin's AULC was below random's and nothing could be told apart.
  const out = tmp();
  const r = cli(["simulate", "--data", vehicle, "--label", "Class", "--seeds", "1", "--budget", "100", "--workers", "0", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  const margin = res.strategies.margin;
  assert.ok(margin.labels_to_match_random !== null && margin.labels_to_match_random < 100, "the fixture: margin 'saves' labels on this seed");
  assert.equal(margin.vs_random?.se, null);
  assert.equal(margin.vs_random?.significant, false);
  assert.equal(margin.labels_saved?.value, 100 - margin.labels_to_match_random);
  assert.equal(margin.labels_saved?.low, null);
  assert.equal(margin.labels_saved?.high, null);
  assert.equal(res.warnings?.length, 1);
  assert.doesNotMatch(r.stdout, /± 0\.0000/);
  assert.doesNotMatch(r.stdout, /\b0\.0000\b/);
  assert.match(r.stdout, /± n\/a \(\d\/1\)/);
  assert.match(r.stdout, /With 1 seed the strategies cannot be told from random sampling/);
  assert.match(r.stderr, /warning: only 1 seed: standard errors, the paired test against random and the labels-saved interval need at least 3 seeds/);
  const html = fs.readFileSync(path.join(out, "report.html"), "utf8");
  const headline = /<p class="headline">([^<]*)<\/p>/.exec(html)?.[1] ?? "";
  assert.doesNotMatch(headline, /saved \(/);
  assert.match(headline, /cannot be told from random sampling/);
  assert.match(html, /<p class="warning">Warning: only 1 seed/);
  assert.doesNotMatch(html, /± 0\.000/);
});

void test("simulate with three seeds: labels saved carries a bootstrap interval in results.json and the summary", () => {
  const out = tmp();
  const r = cli(["simulate", "--data", vehicle, "--label", "Class", "--strategies", "random,margin", "--seeds", "3", "--budget", "100", "--workers", "0", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  const ls = res.strategies.margin.labels_saved;
  assert.ok(ls !== undefined);
  assert.equal(ls.resamples, 2000);
  assert.equal(ls.seeds, 3);
  assert.ok(ls.low !== null && ls.high !== null && ls.low <= ls.high);
  if (ls.value !== null) assert.ok(ls.low <= ls.value && ls.value <= ls.high, JSON.stringify(ls));
  assert.deepEqual(res.warnings, []);
  assert.match(r.stdout, new RegExp(`margin .* \\[${ls.low}, ${ls.high}\\]|margin .* —`));
  assert.match(r.stdout, /percentile bootstrap interval \(the seeds resampled with replacement 2000 times/);
  assert.equal(typeof res.strategies.margin.vs_random?.se, "number");
});
