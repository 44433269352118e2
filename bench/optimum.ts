/**
 * `npm run bench:optimum`: how close the logistic fits come to the optimum, against
 * scikit-learn on identical data, and what a fit costs.
 *
 * Per dataset and seed, the reference protocol's split and start set (init 10, batch 10, budget
 * 300), a margin-sampling run with the default model fixes the sequence of training sets. That
 * sequence is then replayed, each fit warm-started from the previous one as in the loop, with
 * three settings: "old" (tol 1e-4, at most 100 iterations: the rule before issue 10), "new" (the
 * defaults) and "polished" (tol 1e-13, 20,000 iterations). At 10, 50, 100, 200 and 300 labels
 * the pool probabilities are compared with scikit-learn's LogisticRegression(C=1) on the same
 * rows, at its defaults (tol 1e-4, max_iter 100) and solved tightly (tol 1e-10, max_iter 10,000:
 * "the optimum"), and the 10 margin picks of each are compared with the optimum's.
 *
 * Python 3 with scikit-learn runs here as a reference only (never in the product): $PYTHON
 * (default /usr/bin/python3, else python3) runs bench/sklearn_fit.py.
 *
 * Environment: SHARED (default ../shared), DATASETS (default digits,vehicle,mlc_churn), SEEDS
 * (default 3), REPEATS (timing replays, default 3), TOL (the "new" setting's tol, default the
 * model's). Writes out/bench/optimum.txt.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/cli/table.js";
import { loadDataset } from "../src/data/load.js";
import { encodeLabels } from "../src/eval/labels.js";
import { median } from "../src/eval/metrics.js";
import { prepareSplit, type PreparedSplit, type ProtocolOptions } from "../src/eval/run.js";
import { rowToArray } from "../src/linalg/matrix.js";
import { Pcg64 } from "../src/linalg/pcg64.js";
import { ActiveLearner } from "../src/loop/learner.js";
import { LogisticRegression, type LogisticOptions } from "../src/models/logistic.js";
import { marginScores, margin } from "../src/strategies/uncertainty.js";
import { labelOf, sharedDir } from "./datasets.js";

const datasets = (process.env.DATASETS ?? "digits,vehicle,mlc_churn").split(",");
const seeds = Number(process.env.SEEDS ?? 3);
const repeats = Number(process.env.REPEATS ?? 3);
const python = process.env.PYTHON ?? (fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
const script = fileURLToPath(new URL("../../bench/sklearn_fit.py", import.meta.url));
const protocol: ProtocolOptions = { initial: 10, batch: 10, budget: 300, testFraction: 0.3, model: "logreg" };
const checkpoints = [10, 50, 100, 200, 300];

const settings: Record<string, LogisticOptions> = {
  old: { tol: 1e-4, maxIter: 100 },
  new: process.env.TOL === undefined ? {} : { tol: Number(process.env.TOL) },
  polished: { tol: 1e-13, maxIter: 20000 },
};

/** The training sets (labeled rows in order, their labels) after each teach of a margin run. */
function trajectory(prep: PreparedSplit, K: number, seed: number): { order: Int32Array; sizes: number[] } {
  const initial = new Pcg64(seed).choice(prep.Xpool.rows, protocol.initial);
  const learner = new ActiveLearner({ X: prep.Xpool, nClasses: K, model: (k) => new LogisticRegression(k), strategy: margin, seed: seed * 104729 + 3 });
  learner.teach(initial, Array.from(initial, (i) => prep.yPool[i]));
  const sizes = [learner.labeledCount];
  while (learner.labeledCount < protocol.budget) {
    const sel = learner.query(protocol.batch);
    learner.teach(sel.indices, Array.from(sel.indices, (i) => prep.yPool[i]));
    sizes.push(learner.labeledCount);
  }
  return { order: learner.labeled(), sizes };
}

interface Replay {
  iterations: number[];
  seconds: number[];
  converged: number;
  /** Pool probabilities at each checkpoint. */
  proba: Map<number, Float64Array>;
}

/** Fits the sequence of training sets warm-started, as the loop does. */
function replay(prep: PreparedSplit, K: number, order: Int32Array, sizes: number[], opts: LogisticOptions): Replay {
  const out: Replay = { iterations: [], seconds: [], converged: 0, proba: new Map() };
  let prev: LogisticRegression | null = null;
  for (const size of sizes) {
    const rows = order.subarray(0, size);
    const y = Int32Array.from(rows, (i) => prep.yPool[i]);
    const t0 = performance.now();
    const m: LogisticRegression = new LogisticRegression(K, opts).fit(prep.Xpool, y, { rows, ...(prev === null ? {} : { warmStart: prev }) });
    out.seconds.push((performance.now() - t0) / 1000);
    const info = m.fitInfo;
    out.iterations.push(info?.iterations ?? 0);
    if (info?.converged === true) out.converged++;
    if (checkpoints.includes(size)) out.proba.set(size, m.predictProba(prep.Xpool));
    prev = m;
  }
  return out;
}

function maxAbsDiff(a: Float64Array, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The k unlabeled rows of smallest margin (ties by row), as a set. */
function marginPicks(p: ArrayLike<number>, n: number, K: number, labeled: Set<number>, k: number): Set<number> {
  const s = marginScores(Float64Array.from(p), n, K);
  const cand = Array.from({ length: n }, (_, i) => i).filter((i) => !labeled.has(i));
  cand.sort((a, b) => s[b] - s[a] || a - b);
  return new Set(cand.slice(0, k));
}

interface SkResult {
  p: number[];
  n_iter: number;
}

function sklearn(prep: PreparedSplit, K: number, sets: { rows: number[]; y: number[] }[]): { version: string; results: Record<string, SkResult[]> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-optimum-"));
  try {
    const X = Array.from({ length: prep.Xpool.rows }, (_, i) => rowToArray(prep.Xpool, i));
    const job = { X, K, sets, fits: [
      { name: "default", solver: "lbfgs", tol: 1e-4, max_iter: 100 },
      { name: "lbfgs-tight", solver: "lbfgs", tol: 1e-10, max_iter: 10000 },
      { name: "optimum", solver: "newton-cg", tol: 1e-10, max_iter: 10000 },
    ] };
    fs.writeFileSync(path.join(dir, "job.json"), JSON.stringify(job));
    const r = spawnSync(python, [script, path.join(dir, "job.json"), path.join(dir, "out.json")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${python} ${script} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`);
    return JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as { version: string; results: Record<string, SkResult[]> };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const costRows: (string | number)[][] = [];
  const gapRows: (string | number)[][] = [];
  let version = "";
  for (const name of datasets) {
    const ds = loadDataset(path.join(sharedDir, "datasets", `${name}.csv`), { label: labelOf(name) });
    const enc = encodeLabels(ds);
    const K = enc.classes.length;
    const cost = new Map<string, { it: number[]; ms: number[]; conv: number; fits: number }>(Object.keys(settings).map((s) => [s, { it: [], ms: [], conv: 0, fits: 0 }]));
    const gaps = new Map<number, number[][]>(checkpoints.map((c) => [c, []]));
    for (let seed = 0; seed < seeds; seed++) {
      process.stderr.write(`${name}: seed ${seed}\n`);
      const prep = prepareSplit(ds, enc, seed, protocol);
      const { order, sizes } = trajectory(prep, K, seed);
      const runs: Record<string, Replay> = {};
      for (const [s, opts] of Object.entries(settings)) {
        const reps = Array.from({ length: s === "polished" ? 1 : repeats }, () => replay(prep, K, order, sizes, opts));
        runs[s] = reps[0];
        const c = cost.get(s);
        if (c === undefined) continue;
        c.it.push(...reps[0].iterations);
        // Per fit, the median over the replays (the fits are identical; only the clock differs).
        c.ms.push(...reps[0].seconds.map((_, t) => median(reps.map((r) => r.seconds[t])) * 1000));
        c.conv += reps[0].converged;
        c.fits += sizes.length;
      }
      const sets = checkpoints.map((size) => {
        const rows = Array.from(order.subarray(0, size));
        return { rows, y: rows.map((i) => prep.yPool[i]) };
      });
      const sk = sklearn(prep, K, sets);
      version = sk.version;
      const n = prep.Xpool.rows;
      checkpoints.forEach((size, t) => {
        const opt = sk.results.optimum[t].p;
        const labeled = new Set(order.subarray(0, size));
        const picks = marginPicks(opt, n, K, labeled, protocol.batch);
        const same = (p: ArrayLike<number>): number => [...marginPicks(p, n, K, labeled, protocol.batch)].filter((i) => picks.has(i)).length;
        const pOld = runs.old.proba.get(size) ?? new Float64Array(0);
        const pNew = runs.new.proba.get(size) ?? new Float64Array(0);
        const pPol = runs.polished.proba.get(size) ?? new Float64Array(0);
        const skDef = sk.results.default[t].p;
        gaps.get(size)?.push([
          maxAbsDiff(pOld, opt), maxAbsDiff(pNew, opt), maxAbsDiff(pPol, opt), maxAbsDiff(Float64Array.from(skDef), opt), maxAbsDiff(pOld, skDef),
          same(pOld), same(pNew), same(skDef), sk.results.default[t].n_iter, sk.results.optimum[t].n_iter,
          maxAbsDiff(Float64Array.from(sk.results["lbfgs-tight"][t].p), opt), maxAbsDiff(pNew, pPol),
        ]);
      });
    }
    for (const [s, c] of cost) {
      costRows.push([name, s, median(c.it).toFixed(0), Math.max(...c.it), median(c.ms).toFixed(2), (c.ms.reduce((a, b) => a + b, 0) / seeds).toFixed(0), `${c.conv}/${c.fits}`]);
    }
    for (const [size, g] of gaps) {
      const mx = (j: number): string => Math.max(...g.map((r) => r[j])).toExponential(1);
      const picks = (j: number): string => `${g.reduce((a, r) => a + r[j], 0)}/${g.length * protocol.batch}`;
      gapRows.push([name, size, mx(4), mx(0), mx(1), mx(11), mx(2), mx(3), mx(10), picks(5), picks(6), picks(7), median(g.map((r) => r[8]))]);
    }
  }
  const out = [
    `activelearn bench:optimum: margin runs of the reference protocol replayed warm-started, seeds 0-${seeds - 1}; fit times = per-fit median of ${repeats} replays; scikit-learn ${version}`,
    "",
    "Cost per fit (all fits of a run; total = the 30 fits of one run)",
    formatTable(["dataset", "setting", "median iters", "max iters", "median fit ms", "total ms / run", "converged"], costRows),
    "",
    "max |Δp| over the pool (max over seeds) against the optimum \"opt\" = scikit-learn's newton-cg at tol 1e-10; sk-default = its lbfgs at tol 1e-4, max_iter 100;",
    "sk-lbfgs-tight = lbfgs at tol 1e-10, max_iter 10,000; picks = the 10 margin picks shared with opt's (summed over seeds)",
    formatTable(["dataset", "labels", "old vs sk-default", "old vs opt", "new vs opt", "new vs polished", "polished vs opt", "sk-default vs opt", "sk-lbfgs-tight vs opt", "old picks", "new picks", "sk-default picks", "sk-default iters"], gapRows),
  ].join("\n");
  process.stdout.write(out + "\n");
  fs.mkdirSync(path.join("out", "bench"), { recursive: true });
  fs.writeFileSync(path.join("out", "bench", "optimum.txt"), out + "\n");
}

main();
