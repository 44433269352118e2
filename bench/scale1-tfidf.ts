/**
 * TF-IDF at scale (issue "One machine at its limit"), part of `npm run bench:scale1`; alone:
 * `npm run bench:scale1:tfidf [-- --docs 1e6 --runs 3 --large 1e7]`.
 *
 * A seeded generator writes short synthetic texts to a temporary file (a Zipfian vocabulary of
 * 50,000 words, 8-15 words a text, the first capitalised, some commas, a full stop). Each side
 * runs in its own child process, so peak RSS (the process's maxRSS) is per side, and reads the
 * same file:
 * - scikit-learn: TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform of the lines
 *   (bench/sklearn_tfidf.py through $PYTHON, default /usr/bin/python3; a reference only).
 * - activelearn "array": the lines read into an array, Tfidf.fitTransform(array).
 * - activelearn "stream": Tfidf.fitTransform(() => lines of the file), the file read twice and
 *   no text held beyond a 4 MB chunk: memory is the output CSR plus the vocabulary.
 * Times are read + featurize inside the child (interpreter start-up excluded on both sides),
 * medians of `--runs` runs (default 3) at `--docs` texts (default 10^6). Outputs are checked
 * to agree (columns, non-zeros, sum of values). Then `--large` texts (default 10^7, 0 skips) go
 * through the stream side once: it must finish, its peak RSS is compared with the CSR's size.
 * Prints a table and a "target / measured / met?" table; writes out/bench/scale1-tfidf.txt.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatTable } from "../src/cli/table.js";
import { median } from "../src/eval/metrics.js";
import { Tfidf } from "../src/features/tfidf.js";
import type { CsrMatrix } from "../src/linalg/matrix.js";
import { Rng } from "../src/linalg/rng.js";

export interface TfidfBenchOptions {
  /** Texts of the timed comparison (default 1e6). */
  readonly docs?: number;
  /** Runs per side (default 3). */
  readonly runs?: number;
  /** Texts of the large stream-only run (default 1e7; 0 skips it). */
  readonly large?: number;
  readonly seed?: number;
}

interface ChildResult {
  seconds: number;
  rows: number;
  cols: number;
  nnz: number;
  sum: number;
  maxRssKB: number;
}

const MIN_DF = 2;
const VOCAB = 50_000;
const ZIPF_S = 1.05;
const self = fileURLToPath(import.meta.url);
const pyScript = fileURLToPath(new URL("../../bench/sklearn_tfidf.py", import.meta.url));
const python = process.env.PYTHON ?? (fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

/** Writes `n` seeded synthetic texts to `file`, one a line. */
export function writeCorpus(file: string, n: number, seed: number): void {
  const rng = new Rng(seed);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < VOCAB) {
    const len = 2 + Math.floor(rng.next() * rng.next() * 10);
    let w = "";
    for (let k = 0; k < len; k++) w += letters[Math.floor(rng.next() * 26)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const cdf = new Float64Array(VOCAB);
  let acc = 0;
  for (let k = 0; k < VOCAB; k++) cdf[k] = acc += 1 / (k + 1) ** ZIPF_S;
  for (let k = 0; k < VOCAB; k++) cdf[k] /= acc;
  const draw = (): string => {
    const u = rng.next();
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  const fd = fs.openSync(file, "w");
  try {
    let batch = "";
    for (let d = 0; d < n; d++) {
      const len = 8 + Math.floor(rng.next() * 8);
      const first = draw();
      let line = first[0].toUpperCase() + first.slice(1);
      for (let k = 1; k < len; k++) line += (rng.next() < 0.08 ? ", " : " ") + draw();
      batch += line + ".\n";
      if (batch.length > 1 << 22) {
        fs.writeSync(fd, batch);
        batch = "";
      }
    }
    fs.writeSync(fd, batch);
  } finally {
    fs.closeSync(fd);
  }
}

/** Lines of a UTF-8 file, read 4 MB at a time (a trailing newline ends the last line). */
export function* fileLines(file: string, chunkBytes = 1 << 22): Generator<string> {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(chunkBytes);
  const dec = new TextDecoder();
  let rest = "";
  try {
    for (;;) {
      const got = fs.readSync(fd, buf, 0, chunkBytes, null);
      if (got === 0) break;
      const text = rest + dec.decode(buf.subarray(0, got), { stream: true });
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        yield text.slice(start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += dec.decode();
    if (rest.length > 0) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

function sumValues(X: CsrMatrix): number {
  let s = 0;
  for (let q = 0; q < X.values.length; q++) s += X.values[q];
  return s;
}

/** The child side: featurizes `file` and prints one JSON line. */
function child(mode: string, file: string): void {
  const t0 = performance.now();
  let X: CsrMatrix;
  if (mode === "array") {
    const docs = fs.readFileSync(file, "utf8").split("\n");
    if (docs.length > 0 && docs[docs.length - 1] === "") docs.pop();
    X = new Tfidf({ minDf: MIN_DF }).fitTransform(docs);
  } else X = new Tfidf({ minDf: MIN_DF }).fitTransform(() => fileLines(file));
  const seconds = (performance.now() - t0) / 1000;
  const out: ChildResult = { seconds, rows: X.rows, cols: X.cols, nnz: X.indptr[X.rows], sum: sumValues(X), maxRssKB: process.resourceUsage().maxRSS };
  process.stdout.write(JSON.stringify(out) + "\n");
}

async function runChild(side: string, file: string): Promise<ChildResult> {
  const [cmd, args] = side === "sklearn" ? [python, [pyScript, file, String(MIN_DF)]] : [process.execPath, [self, "--child", side, file]];
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    p.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    p.on("error", reject);
    p.on("close", (code, signal) => resolve({ code: code ?? (signal === null ? -1 : -2), stdout, stderr: signal === null ? stderr : `${stderr}(killed by ${signal})` }));
  });
  if (r.code !== 0) throw new Error(`${side}: ${cmd} failed (exit ${r.code}): ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as ChildResult;
}

const mb = (kb: number): number => Math.round(kb / 1024);
const csrMB = (r: ChildResult): number => Math.round((r.nnz * 12 + (r.rows + 1) * 4) / 2 ** 20);
const fmt = (x: number, d = 2): string => x.toFixed(d);
const yes = (ok: boolean): string => (ok ? "yes" : "NO");

/** Runs the benchmark, prints its tables and returns them. */
export async function benchScale1Tfidf(options: TfidfBenchOptions = {}): Promise<string> {
  const docs = options.docs ?? 1e6;
  const runs = options.runs ?? 3;
  const large = options.large ?? 1e7;
  const seed = options.seed ?? 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-tfidf-"));
  const log = (s: string): void => void process.stderr.write(`[scale1-tfidf] ${s}\n`);
  try {
    const file = path.join(dir, "texts.txt");
    let t = performance.now();
    writeCorpus(file, docs, seed);
    log(`${docs} texts written (${mb(fs.statSync(file).size / 1024)} MB, ${fmt((performance.now() - t) / 1000, 1)} s)`);
    const sides = ["sklearn", "array", "stream"] as const;
    const results: Record<string, ChildResult[]> = { sklearn: [], array: [], stream: [] };
    for (let run = 0; run < runs; run++) {
      for (const side of sides) {
        const r = await runChild(side, file);
        results[side].push(r);
        log(`run ${run + 1}/${runs} ${side}: ${fmt(r.seconds)} s, ${mb(r.maxRssKB)} MB`);
      }
    }
    const med = (side: string, f: (r: ChildResult) => number): number => median(results[side].map(f));
    const ref = results.sklearn[0];
    const agrees = (r: ChildResult): boolean => r.rows === ref.rows && r.cols === ref.cols && r.nnz === ref.nnz && Math.abs(r.sum - ref.sum) <= 1e-9 * Math.abs(ref.sum);
    const names: Record<string, string> = { sklearn: "scikit-learn TfidfVectorizer", array: "activelearn, texts in an array", stream: "activelearn, streamed from the file" };
    const rows: (string | number)[][] = sides.map((s) => [
      names[s],
      docs,
      fmt(med(s, (r) => r.seconds)),
      mb(med(s, (r) => r.maxRssKB)),
      results[s][0].cols,
      results[s][0].nnz,
      s === "sklearn" ? "reference" : yes(results[s].every(agrees)),
    ]);
    let bigRow: ChildResult | null = null;
    if (large > 0) {
      fs.rmSync(file);
      const big = path.join(dir, "large.txt");
      t = performance.now();
      writeCorpus(big, large, seed + 1);
      log(`${large} texts written (${mb(fs.statSync(big).size / 1024)} MB, ${fmt((performance.now() - t) / 1000, 1)} s)`);
      bigRow = await runChild("stream", big);
      log(`large stream: ${fmt(bigRow.seconds)} s, ${mb(bigRow.maxRssKB)} MB`);
      rows.push([names.stream, large, fmt(bigRow.seconds), mb(bigRow.maxRssKB), bigRow.cols, bigRow.nnz, "(1 run)"]);
    }
    const table = formatTable(["TF-IDF (min_df 2, sublinear tf)", "texts", `seconds (median of ${runs})`, "peak RSS MB", "columns", "non-zeros", "same output"], rows);
    const skT = med("sklearn", (r) => r.seconds);
    const skM = med("sklearn", (r) => r.maxRssKB);
    const targets: string[][] = [];
    for (const s of ["array", "stream"]) {
      const jsT = med(s, (r) => r.seconds);
      const jsM = med(s, (r) => r.maxRssKB);
      targets.push([`${docs} texts (${s}): time <= scikit-learn's`, `${fmt(jsT)} s vs ${fmt(skT)} s`, yes(jsT <= skT)]);
      targets.push([`${docs} texts (${s}): peak RSS <= scikit-learn's`, `${mb(jsM)} MB vs ${mb(skM)} MB`, yes(jsM <= skM)]);
    }
    targets.push([`${docs} texts: same columns, non-zeros, values as scikit-learn`, results.array.concat(results.stream).every(agrees) ? "equal (sum of values to 1e-9)" : "differ", yes(results.array.concat(results.stream).every(agrees))]);
    const streamM = med("stream", (r) => r.maxRssKB);
    const streamExtra = mb(streamM) - csrMB(results.stream[0]);
    targets.push([`${docs} texts streamed: peak RSS - output CSR <= 256 MB`, `${mb(streamM)} - ${csrMB(results.stream[0])} = ${streamExtra} MB`, yes(streamExtra <= 256)]);
    if (bigRow !== null) {
      const extra = mb(bigRow.maxRssKB) - csrMB(bigRow);
      targets.push([`${large} texts: completes (no crash)`, `${bigRow.rows} rows, ${bigRow.nnz} non-zeros in ${fmt(bigRow.seconds, 1)} s`, yes(bigRow.rows === large)]);
      targets.push([`${large} texts: peak RSS - output CSR <= 256 MB (bounded)`, `${mb(bigRow.maxRssKB)} - ${csrMB(bigRow)} = ${extra} MB`, yes(extra <= 256)]);
    }
    const out = [
      `TF-IDF at scale (seed ${seed}; vocabulary ${VOCAB} Zipf(${ZIPF_S}) words, 8-15 words a text; node ${process.version})`,
      "",
      table,
      "",
      formatTable(["target", "measured", "met?"], targets),
    ].join("\n");
    console.log(out);
    fs.mkdirSync(path.join("out", "bench"), { recursive: true });
    fs.writeFileSync(path.join("out", "bench", "scale1-tfidf.txt"), out + "\n");
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function flag(args: readonly string[], name: string): number | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  if (args[0] === "--child") child(args[1], args[2]);
  else await benchScale1Tfidf({ docs: flag(args, "--docs"), runs: flag(args, "--runs"), large: flag(args, "--large"), seed: flag(args, "--seed") });
}
