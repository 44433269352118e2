/**
 * Pool scoring at scale, the scoring part of `npm run bench:scale1` ("one machine at its limit"):
 * - dense 60,000 x 784, 10 classes: one margin query (probabilities + margin + top 10, the fused
 *   pass of models/scoring.ts) beside scikit-learn's (predict_proba + np.partition margin +
 *   argpartition top 10, modAL's margin_sampling) on the same data and weights, and beside a
 *   memory-bandwidth floor measured in the same run (one read of the pool: block copies into a
 *   cache-sized buffer, or a 4-accumulator sum, whichever is faster); block sizes 256 KiB-4 MiB;
 * - peak memory of a margin query against the pool's size (child processes, peak RSS);
 * - the margin strategy's select on 10^6 x 50 (10 classes) against 10^5 x 50, and against modAL;
 * - CSR: 10^6 short synthetic texts (~10 non-zeros a row, 2^18 features), 2 and 5 classes,
 *   beside scikit-learn.
 * Timings are medians of REPEATS runs (default 7, at least 5). Python 3 with scikit-learn
 * ($PYTHON, default /usr/bin/python3) runs bench/sklearn_score.py as a reference only.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/cli/table.js";
import type { CsrMatrix, DenseMatrix, Matrix } from "../src/linalg/matrix.js";
import { Rng } from "../src/linalg/rng.js";
import { LogisticRegression } from "../src/models/logistic.js";
import { poolPass, type LinearView } from "../src/models/scoring.js";
import { margin } from "../src/strategies/uncertainty.js";
import type { QueryContext } from "../src/strategies/types.js";

/** One line of the targets table. */
export interface TargetRow {
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const repeats = Math.max(5, Number(process.env.REPEATS ?? 7));
const python = process.env.PYTHON ?? (fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
const script = fileURLToPath(new URL("../../bench/sklearn_score.py", import.meta.url));
const self = fileURLToPath(import.meta.url);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time of `f` in milliseconds over `times` runs (after one warm-up run). */
function timeMs(f: () => unknown, times = repeats): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + " ms";
const ratio = (x: number): string => x.toFixed(2) + "x";

/** Dense pool: a centre per class in [0, 1]^d plus uniform noise (MNIST-like scale). */
function densePool(n: number, d: number, K: number, seed: number): { X: DenseMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: K * d }, () => rng.next());
  const y = new Int32Array(n);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(K);
    y[i] = c;
    const o = i * d;
    const co = c * d;
    for (let j = 0; j < d; j++) data[o + j] = centres[co + j] + 1.6 * (rng.next() - 0.5);
  }
  return { X: { kind: "dense", rows: n, cols: d, data }, y };
}

/**
 * Short texts: 8-12 distinct terms a row from a 2^18 vocabulary, Zipf-like (cubed uniform), half of
 * them from a class-leaning slice; values 1/sqrt(terms) (L2-normalised binary).
 */
function textPool(n: number, K: number, seed: number): { X: CsrMatrix; y: Int32Array } {
  const d = 1 << 18;
  const rng = new Rng(seed);
  const y = new Int32Array(n);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * 12);
  const values = new Float64Array(n * 12);
  const slice = Math.floor(d / K);
  const row: number[] = [];
  let p = 0;
  for (let i = 0; i < n; i++) {
    const c = rng.int(K);
    y[i] = c;
    const len = 8 + rng.int(5);
    row.length = 0;
    while (row.length < len) {
      const zipf = Math.floor(slice * rng.next() ** 3);
      const j = rng.next() < 0.5 ? c * slice + zipf : Math.floor(d * rng.next() ** 3);
      if (!row.includes(j)) row.push(j);
    }
    row.sort((a, b) => a - b);
    const v = 1 / Math.sqrt(len);
    for (const j of row) {
      indices[p] = j;
      values[p++] = v;
    }
    indptr[i + 1] = p;
  }
  return { X: { kind: "csr", rows: n, cols: d, indptr, indices: indices.slice(0, p), values: values.slice(0, p) }, y };
}

/** A model fitted on `labeled` rows (the first ones: the pools are shuffled by construction). */
function fitOn(X: Matrix, y: Int32Array, K: number, labeled: number): LogisticRegression {
  const rows = Int32Array.from({ length: labeled }, (_, i) => i);
  return new LogisticRegression(K, { maxIter: 300 }).fit(X, y.subarray(0, labeled), { rows });
}

function paramsOf(model: LogisticRegression): { w: Float64Array; b: Float64Array } {
  const p = (model.toJSON() as unknown as { params: { w: number[]; b: number[] } }).params;
  return { w: Float64Array.from(p.w), b: Float64Array.from(p.b) };
}

interface SkResult {
  readonly version: string;
  readonly times: number[];
  readonly top: number[];
}

/** scikit-learn's margin query on the same pool and weights, in a child Python process. */
function sklearnMargin(X: Matrix, model: LogisticRegression, top: number): SkResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-scale1-"));
  try {
    const write = (name: string, a: Float64Array | Int32Array): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return f;
    };
    const { w, b } = paramsOf(model);
    const files: Record<string, string> = { W: write("W", w), b: write("b", b) };
    if (X.kind === "dense") files.X = write("X", X.data);
    else Object.assign(files, { indptr: write("indptr", X.indptr), indices: write("indices", X.indices), values: write("values", X.values) });
    const job = { kind: X.kind, n: X.rows, d: X.cols, K: model.nClasses, repeats, top, files };
    fs.writeFileSync(path.join(dir, "job.json"), JSON.stringify(job));
    const r = spawnSync(python, [script, path.join(dir, "job.json")], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${python} ${script} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`);
    return JSON.parse(r.stdout) as SkResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One read of the pool at memory speed: block copies into a 1 MiB buffer, or a 4-way sum. */
function bandwidthFloor(data: Float64Array): { copy: number; sum: number } {
  const B = 1 << 17;
  const dst = new Float64Array(B);
  const copy = timeMs(() => {
    for (let s = 0; s < data.length; s += B) dst.set(data.subarray(s, Math.min(s + B, data.length)));
  });
  let sink = 0;
  const sum = timeMs(() => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 3 < data.length; i += 4) {
      s0 += data[i];
      s1 += data[i + 1];
      s2 += data[i + 2];
      s3 += data[i + 3];
    }
    for (; i < data.length; i++) s0 += data[i];
    sink += s0 + s1 + s2 + s3;
  });
  if (sink === 42) console.log("");
  return { copy, sum };
}

/** Peak memory of one margin query, measured in a child process (its own peak RSS). */
function peakMemory(kind: "dense" | "csr", n: number, d: number, K: number): { pool: number; growth: number } {
  const r = spawnSync(process.execPath, [self, "--peak", kind, String(n), String(d), String(K)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`peak memory child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { pool: number; growth: number };
}

/**
 * The child of peakMemory: baseline RSS, then the pool (filled in place, no garbage), then a
 * model with seeded random weights and one margin query; prints the pool's bytes and how far the
 * peak RSS rose above the baseline.
 */
function peakChild(kind: string, n: number, d: number, K: number): void {
  const rng = new Rng(3);
  const m = K === 2 ? 1 : K;
  const w = Float64Array.from({ length: m * d }, () => rng.next() - 0.5);
  const b = new Float64Array(m);
  const present = Int32Array.from({ length: K }, (_, i) => i);
  const v: LinearView = { w, b, m, link: m === 1 ? "binomial" : "softmax", present, K };
  // Load and instantiate the kernels before the baseline.
  poolPass({ kind: "dense", rows: 4, cols: d, data: new Float64Array(4 * d) }, undefined, v, { measure: "margin", top: 1 });
  const base = process.memoryUsage().rss;
  let X: Matrix;
  let pool: number;
  if (kind === "dense") {
    const data = new Float64Array(n * d);
    let s = 12345;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) | 0;
      data[i] = (s >>> 8) / 16777216;
    }
    X = { kind: "dense", rows: n, cols: d, data };
    pool = data.byteLength;
  } else {
    // Ten ascending columns a row, start and step from a hash of the row (no garbage).
    const nnz = n * 10;
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(nnz);
    for (let i = 0; i < n; i++) {
      indptr[i + 1] = (i + 1) * 10;
      const h = Math.imul(i + 1, 2654435761) >>> 0;
      const step = 1 + (h % Math.floor(d / 10));
      const start = (h >>> 7) % (d - 9 * step);
      for (let t = 0; t < 10; t++) indices[i * 10 + t] = start + t * step;
    }
    const values = new Float64Array(nnz).fill(1 / Math.sqrt(10));
    X = { kind: "csr", rows: n, cols: d, indptr, indices, values };
    pool = indptr.byteLength + indices.byteLength + values.byteLength;
  }
  poolPass(X, undefined, v, { measure: "margin", top: 10 });
  poolPass(X, undefined, v, { measure: "margin", top: 10 });
  process.stdout.write(JSON.stringify({ pool, growth: peakRss() - base }));
}

/**
 * This process's peak RSS in bytes: VmHWM of /proc/self/status on Linux (the high-water mark of
 * this program's memory; getrusage's maxRSS would also count the parent's RSS at the fork, which
 * Linux carries across exec), else maxRSS.
 */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** A context for the margin strategy: `labeled` first rows labeled, the rest unlabeled. */
function contextFor(X: Matrix, y: Int32Array, model: LogisticRegression, labeled: number): QueryContext {
  const lab = Int32Array.from({ length: labeled }, (_, i) => i);
  return {
    model,
    X,
    unlabeled: Int32Array.from({ length: X.rows - labeled }, (_, i) => labeled + i),
    labeled: lab,
    labels: y.slice(0, labeled),
    nClasses: model.nClasses,
    rng: new Rng(1),
    newModel: (k) => new LogisticRegression(k),
  };
}

/** Runs the scoring part of bench:scale1; prints its tables and returns its target rows. */
export function scoringScale(log: (line: string) => void = console.log): TargetRow[] {
  const targets: TargetRow[] = [];
  const detail: (string | number)[][] = [];

  // Dense 60,000 x 784.
  {
    const { X, y } = densePool(60_000, 784, 10, 1);
    const model = fitOn(X, y, 10, 500);
    const ours = timeMs(() => model.mostUncertain(X, "margin", 10));
    const oursTop = model.mostUncertain(X, "margin", 10).positions;
    const viaProba = timeMs(() => model.predictProba(X));
    const floor = bandwidthFloor(X.data);
    const floorMs = Math.min(floor.copy, floor.sum);
    const sk = sklearnMargin(X, model, 10);
    const skMs = median(sk.times) * 1000;
    const same = sk.top.length === oursTop.length && sk.top.every((v, i) => v === oursTop[i]);
    detail.push(["dense 60,000 x 784, 10 classes: margin + top 10", ms(ours), ms(skMs), same ? "yes" : "no"]);
    detail.push(["  predictProba alone (n x K out)", ms(viaProba), "", ""]);
    detail.push([`  bandwidth floor: block copy / 4-way sum`, `${ms(floor.copy)} / ${ms(floor.sum)}`, "", ""]);
    const view = { ...paramsOf(model), m: 10, link: "softmax" as const, present: Int32Array.from({ length: 10 }, (_, i) => i), K: 10 };
    for (const kib of [256, 1024, 4096]) {
      detail.push([`  block ${kib} KiB`, ms(timeMs(() => poolPass(X, undefined, view, { measure: "margin", top: 10, blockBytes: kib * 1024 }))), "", ""]);
    }
    targets.push({ what: "dense 60k x 784 scoring vs scikit-learn", target: "<= 0.50x", measured: `${ratio(ours / skMs)} (${ms(ours)} vs ${ms(skMs)})`, met: ours <= 0.5 * skMs });
    targets.push({ what: "dense 60k x 784 scoring vs bandwidth floor", target: "<= 3.00x", measured: `${ratio(ours / floorMs)} (floor ${ms(floorMs)})`, met: ours <= 3 * floorMs });
    log(`scikit-learn ${sk.version}; medians of ${repeats} runs`);
  }

  // Peak memory of a margin query against the pool.
  {
    const rows: (string | number)[][] = [];
    let worst = 0;
    for (const [kind, n, d, K] of [["dense", 60_000, 784, 10], ["dense", 120_000, 784, 10], ["dense", 1_000_000, 50, 10], ["csr", 1_000_000, 1 << 18, 2]] as const) {
      const r = peakMemory(kind, n, d, K);
      const q = r.growth / r.pool;
      worst = Math.max(worst, q);
      rows.push([`${kind} ${n.toLocaleString("en-US")} x ${d}`, `${(r.pool / 2 ** 20).toFixed(0)} MiB`, `${(r.growth / 2 ** 20).toFixed(0)} MiB`, ratio(q)]);
    }
    log("");
    log("peak memory of a margin query (peak RSS above the baseline before the pool was built):");
    log(formatTable(["pool", "pool size", "peak growth", "peak / pool"], rows));
    targets.push({ what: "peak memory of scoring / pool size", target: "<= 1.30x", measured: `${ratio(worst)} (worst)`, met: worst <= 1.3 });
  }

  // Margin query at 10^6 x 50 against 10^5 x 50, and against modAL.
  {
    const { X, y } = densePool(1_000_000, 50, 10, 2);
    const model = fitOn(X, y, 10, 300);
    const small: DenseMatrix = { kind: "dense", rows: 100_000, cols: 50, data: X.data.subarray(0, 100_000 * 50) };
    const big = contextFor(X, y, model, 300);
    const little = contextFor(small, y, model, 300);
    const tBig = timeMs(() => margin.select(big, 10));
    const tSmall = timeMs(() => margin.select(little, 10));
    const sk = sklearnMargin(X, model, 10);
    const skMs = median(sk.times) * 1000;
    detail.push(["margin select 10^6 x 50, 10 classes", ms(tBig), ms(skMs), ""]);
    detail.push(["margin select 10^5 x 50", ms(tSmall), "", ""]);
    targets.push({ what: "margin 10^6 x 50 vs 10^5 x 50", target: "<= 12x (linear: 10x)", measured: ratio(tBig / tSmall), met: tBig / tSmall <= 12 });
    targets.push({ what: "margin 10^6 x 50 vs modAL", target: "<= 0.30x", measured: `${ratio(tBig / skMs)} (${ms(tBig)} vs ${ms(skMs)})`, met: tBig <= 0.3 * skMs });
  }

  // CSR: 10^6 short texts.
  for (const K of [2, 5]) {
    const { X, y } = textPool(1_000_000, K, 3 + K);
    const model = fitOn(X, y, K, 2000);
    const ours = timeMs(() => model.mostUncertain(X, "margin", 10));
    const oursTop = model.mostUncertain(X, "margin", 10).positions;
    const sk = sklearnMargin(X, model, 10);
    const skMs = median(sk.times) * 1000;
    const same = sk.top.every((v, i) => v === oursTop[i]);
    detail.push([`CSR 10^6 texts x 2^18, ${K} classes: margin + top 10`, ms(ours), ms(skMs), same ? "yes" : "no"]);
    targets.push({ what: `CSR 10^6 texts scoring (${K} classes) vs scikit-learn`, target: "<= 1.00x", measured: `${ratio(ours / skMs)} (${ms(ours)} vs ${ms(skMs)})`, met: ours <= skMs });
  }

  log("");
  log(formatTable(["pool scoring", "activelearn", "scikit-learn / modAL", "same top 10"], detail));
  return targets;
}

if (process.argv[2] === "--peak") peakChild(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6]));
