import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { Rng } from "../linalg/rng.js";
import type { SimulationResults, StrategyResult } from "../eval/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const main = path.join(root, "dist", "src", "cli", "main.js");

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * 300 rows: two informative features and a group; in groups A and B the label follows x1 + x2,
 * in group C (20% of the rows) it is a coin flip, so the model is far worse on C.
 */
function writeGroups(dir: string): string {
  const rng = new Rng(11);
  const rows = ["x1,x2,group,y"];
  for (let i = 0; i < 300; i++) {
    const g = i % 5 === 0 ? "C" : i % 5 < 3 ? "A" : "B";
    const x1 = rng.next() * 4 - 2;
    const x2 = rng.next() * 4 - 2;
    const y = g === "C" ? (rng.next() < 0.5 ? "yes" : "no") : x1 + x2 > 0 ? "yes" : "no";
    rows.push(`${x1.toFixed(3)},${x2.toFixed(3)},${g},${y}`);
  }
  const file = path.join(dir, "groups.csv");
  fs.writeFileSync(file, rows.join("\n") + "\n");
  return file;
}

const read = (dir: string): SimulationResults => JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8")) as SimulationResults;

/** A result without what varies from run to run (timings). */
function steady(res: SimulationResults): unknown {
  return { ...res, strategies: Object.fromEntries(Object.entries(res.strategies).map(([n, s]) => [n, { ...s, median_iteration_s: 0 }])) };
}

void test("simulate --slice writes each strategy's slice table and cluster coverage, flags the group the model gets wrong, and changes nothing else", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "al-slices-"));
  try {
    const data = writeGroups(dir);
    const common = ["simulate", "--data", data, "--label", "y", "--strategies", "random,margin", "--seeds", "3", "--budget", "60", "--workers", "0"];
    const plain = cli([...common, "--out", path.join(dir, "plain")]);
    assert.equal(plain.status, 0, plain.stderr);
    const sliced = cli([...common, "--slice", "group", "--slice", "x1", "--out", path.join(dir, "sliced")]);
    assert.equal(sliced.status, 0, sliced.stderr);
    const p = read(path.join(dir, "plain"));
    const s = read(path.join(dir, "sliced"));

    // Without --slice: no slice keys at all, and no slice section or lines.
    assert.equal(p.options.slices, undefined);
    for (const st of Object.values(p.strategies)) assert.ok(!("slices" in st) && !("cluster_coverage" in st));
    assert.doesNotMatch(fs.readFileSync(path.join(dir, "plain", "report.html"), "utf8"), /Slices by|Cluster coverage/);
    assert.doesNotMatch(plain.stdout, /slices by/);
    // With it: the same results beside the slice figures.
    const stripped: SimulationResults = {
      ...s,
      options: Object.fromEntries(Object.entries(s.options).filter(([k]) => k !== "slices")) as SimulationResults["options"],
      strategies: Object.fromEntries(Object.entries(s.strategies).map(([n, st]) => [n, Object.fromEntries(Object.entries(st).filter(([k]) => k !== "slices" && k !== "cluster_coverage")) as unknown as StrategyResult])),
    };
    assert.deepEqual(steady(stripped), steady(p));
    assert.deepEqual(s.options.slices, ["group", "x1"]);

    for (const [name, st] of Object.entries(s.strategies)) {
      const g = st.slices?.group;
      assert.ok(g !== undefined, name);
      // Summed over 3 seeds: the pool is 210 rows a seed, the labels the budget, the test set 90 rows.
      assert.equal(g.pool, 3 * 210);
      assert.equal(g.labels, 3 * 60);
      assert.equal(g.n, 3 * 90);
      assert.equal(g.runs, 3);
      assert.deepEqual(g.rows.map((r) => r.value).sort(), ["A", "B", "C"]);
      const c = g.rows.find((r) => r.value === "C")!;
      assert.equal(c.pool + c.n, 3 * 60, "C is 60 rows, in the pool or the test set of each seed");
      assert.ok(c.pool_share > 0.15 && c.pool_share < 0.25);
      // The whole's accuracy is the pooled test accuracy of the final models: the mean over seeds at the budget.
      assert.ok(Math.abs((g.accuracy ?? 0) - st.mean_accuracy[st.mean_accuracy.length - 1]) < 1e-3, `${g.accuracy} vs ${st.mean_accuracy.at(-1)}`);
      assert.ok(c.flags.includes("accuracy below the whole"), `${name}: C at ${c.accuracy} [${c.low}, ${c.high}] vs ${g.accuracy}`);
      assert.ok(g.findings.some((f) => f.startsWith(`${name}: accuracy on group = C is`)));
      assert.equal(st.slices?.x1.rows.length, 4, "a numeric column in quartiles");
      const cov = st.cluster_coverage;
      assert.ok(cov !== undefined);
      assert.equal(cov.k, 10); // min(20, 210 / 20)
      assert.equal(cov.per_seed.length, 3);
      assert.ok(cov.mean_covered > 0 && cov.mean_covered <= 10);
    }
    assert.match(sliced.stdout, /slices by group: \d+ flagged\n {2}- (random|margin): accuracy on group = C is 0\.\d{3} \(95% interval/);
    assert.match(sliced.stdout, /cluster coverage of the labels at the budget:\n {2}random: labels in [\d.]+ of 10 clusters/);
    const html = fs.readFileSync(path.join(dir, "sliced", "report.html"), "utf8");
    assert.match(html, /<h2>Slices by group<\/h2>/);
    assert.match(html, /<h2>Cluster coverage<\/h2>/);
    assert.match(html, /class="flag" title="accuracy below the whole"/);

    // A column the file does not have is refused, naming the option and the column; nothing is written.
    const bad = cli([...common, "--slice", "grup", "--out", path.join(dir, "bad")]);
    assert.equal(bad.status === 0, false);
    assert.match(bad.stderr, /option --slice: no column named "grup" \(did you mean "group"\?\)/);
    assert.equal(fs.existsSync(path.join(dir, "bad", "results.json")), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
