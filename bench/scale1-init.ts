/**
 * `npm run bench:scale1:init`: `init` of a large numeric file, and the server's first retrain on
 * the project it makes, beside a pandas + sqlite3 reference doing the same import work.
 *
 * 1. writes ROWS (default 10^6) rows × 50 numbers (seeded, 4 decimals) as CSV in a temp folder;
 * 2. runs `activelearn init` on it in a child process, RUNS times (default 3), each under
 *    /usr/bin/time -v: wall time and peak RSS (medians reported);
 * 3. in the same run, RUNS times, /usr/bin/python3 with pandas + sqlite3 doing the same work:
 *    read the CSV, standardize every column (mean, population sd), write one float64 BLOB per
 *    row into a SQLite table in one transaction (it writes no item data: init also stores each
 *    item's fields as JSON for the labeling page, more work than the reference does);
 * 4. on the project, in a child process, the pool load (loadPoolMatrix: the retrain worker's
 *    first step) and the server's first retrain: `startServer`, 20 labels of two classes over
 *    the API, then the time until the first model is in (the worker loads the pool, fits and
 *    ranks the 10^6 items), RUNS times (fresh project copies).
 * With BIG=1 (or --big) also a 10^7-row import under Node's default heap limit, once.
 *
 * Targets: init of 10^6 × 50 no slower than pandas + sqlite3 and peak RSS < 1 GB; first retrain
 * on 10^6 items ≤ 3 s; 10^7 rows import without raising the heap limit.
 * Environment: ROWS, RUNS, BIG=1, KEEP=1 (keep the temp folder).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/cli/table.js";
import { Rng } from "../src/linalg/rng.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(HERE, "../src/cli/main.js");
const SELF = fileURLToPath(import.meta.url);
const PYTHON = "/usr/bin/python3";
const TIME = "/usr/bin/time";
const COLS = 50;

export interface Scale1InitOptions {
  readonly rows?: number;
  readonly runs?: number;
  readonly big?: boolean;
  readonly keep?: boolean;
}

/** One measured process: wall seconds and peak RSS in MB. */
interface Measured {
  readonly seconds: number;
  readonly rssMb: number;
}

/** Writes `rows` × COLS seeded numbers as CSV (streamed, so 10^7 rows fit in memory). */
export async function writeNumericCsv(file: string, rows: number, seed = 20_261_203): Promise<void> {
  const rng = new Rng(seed);
  const out = fs.createWriteStream(file);
  const write = (s: string): Promise<void> => (out.write(s) ? Promise.resolve() : new Promise((resolve) => out.once("drain", () => resolve())));
  await write(Array.from({ length: COLS }, (_, j) => `x${j}`).join(",") + "\n");
  let chunk: string[] = [];
  const row = new Array<string>(COLS);
  for (let i = 0; i < rows; i++) {
    // Columns of different scales and offsets, so standardization has work to do.
    for (let j = 0; j < COLS; j++) row[j] = ((rng.next() * 2 - 1) * (j + 1) * 10 + j).toFixed(4);
    chunk.push(row.join(","));
    if (chunk.length === 5000) {
      await write(chunk.join("\n") + "\n");
      chunk = [];
    }
  }
  if (chunk.length > 0) await write(chunk.join("\n") + "\n");
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Runs a command under /usr/bin/time -v; its wall time and peak RSS. */
function timed(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Measured & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ["-v", cmd, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}:\n${stderr.slice(-2000)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (wall === null || rss === null) return reject(new Error(`no timing in the output of ${TIME}:\n${stderr.slice(-1000)}`));
      const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
      resolve({ seconds, rssMb: Number(rss[1]) / 1024, stdout });
    });
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The pandas + sqlite3 reference: the import's work (read, standardize, one BLOB per row). */
const REFERENCE_PY = `
import sqlite3, sys
import numpy as np
import pandas as pd
src, db = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
X = df.to_numpy(dtype=np.float64)
mean = X.mean(axis=0)
sd = X.std(axis=0)
sd[sd == 0] = 1.0
X = (X - mean) / sd
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
con.execute("CREATE TABLE features (idx INTEGER PRIMARY KEY, row BLOB NOT NULL)")
with con:
    con.executemany("INSERT INTO features (idx, row) VALUES (?, ?)", ((i, X[i].tobytes()) for i in range(X.shape[0])))
con.close()
print(X.shape[0])
`;

/**
 * The child for step 4: pool load, then the first retrain of a served project (prints JSON).
 * Run as `node scale1-init.js --child-retrain DIR`.
 */
async function childRetrain(dir: string): Promise<void> {
  const { openStore } = await import("../src/store/open.js");
  const { loadPoolMatrix } = await import("../src/project/features.js");
  const { projectDbPath } = await import("../src/project/init.js");
  const { startServer } = await import("../src/server/app.js");
  // Opening for writing migrates (as serve does); then the load the retrain worker does.
  let store = openStore(projectDbPath(dir));
  store.close();
  store = openStore(projectDbPath(dir), { readonly: true });
  const meta = store.meta();
  let t = performance.now();
  const X = loadPoolMatrix(store, store.itemCount(), meta.featureWidth, meta.featureKind);
  const loadS = (performance.now() - t) / 1000;
  store.close();
  const poolRows = X.rows;
  t = performance.now();
  const server = await startServer({ projectDir: dir, port: 0, quiet: true, retrainEvery: 20 });
  const startS = (performance.now() - t) / 1000;
  const call = async (method: string, p: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const r = await fetch(new URL(p, server.url), { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await r.text();
    return { status: r.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
  };
  try {
    let last = 0;
    for (let k = 0; k < 20; k++) {
      const next = await call("GET", "/api/next?annotator=bench");
      if (next.status !== 200) throw new Error(`next: ${next.status} ${JSON.stringify(next.body)}`);
      const item = (next.body as { item: { id: string; data: Record<string, string> } }).item;
      // Two classes by the sign of x0's offset (a learnable rule).
      const label = Number(item.data.x0) > 0 ? "a" : "b";
      last = performance.now();
      const r = await call("POST", `/api/items/${encodeURIComponent(item.id)}/label`, { label: k < 2 ? ["a", "b"][k] : label, annotator: "bench" });
      if (r.status !== 201) throw new Error(`label: ${r.status} ${JSON.stringify(r.body)}`);
    }
    // retrainEvery 20: the 20th label starts the first retrain (the first model).
    await server.project.idle();
    const firstS = (performance.now() - last) / 1000;
    const stats = await call("GET", "/api/stats");
    const iterations = (stats.body as { iterations?: number }).iterations ?? 0;
    process.stdout.write(JSON.stringify({ poolRows, loadS, startS, firstS, iterations, rss: process.resourceUsage().maxRSS / 1024 }) + "\n");
  } finally {
    await server.close();
  }
}

export async function runScale1Init(o: Scale1InitOptions = {}): Promise<boolean> {
  const rows = o.rows ?? 1_000_000;
  const runs = o.runs ?? 3;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-scale1-init-"));
  const results: string[][] = [];
  let allMet = true;
  const target = (what: string, goal: string, measured: string, met: boolean): void => {
    results.push([what, goal, measured, met ? "yes" : "NO"]);
    allMet &&= met;
  };
  try {
    const csv = path.join(base, "items.csv");
    let t = performance.now();
    await writeNumericCsv(csv, rows);
    console.log(`wrote ${rows} rows × ${COLS} numbers (${(fs.statSync(csv).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const ours: Measured[] = [];
    const ref: Measured[] = [];
    const proj = path.join(base, "proj");
    for (let r = 0; r < runs; r++) {
      fs.rmSync(proj, { recursive: true, force: true });
      const m = await timed(process.execPath, [MAIN, "init", proj, "--data", csv, "--labels", "a,b"]);
      ours.push(m);
      const db = path.join(base, "ref.db");
      for (const s of ["", "-wal", "-shm"]) fs.rmSync(db + s, { force: true });
      const py = path.join(base, "ref.py");
      fs.writeFileSync(py, REFERENCE_PY);
      const p = await timed(PYTHON, [py, csv, db]);
      if (Number(p.stdout.trim()) !== rows) throw new Error(`the reference wrote ${p.stdout.trim()} rows, expected ${rows}`);
      ref.push(p);
      console.log(`run ${r + 1}: init ${m.seconds.toFixed(1)} s, ${m.rssMb.toFixed(0)} MB; pandas + sqlite3 ${p.seconds.toFixed(1)} s, ${p.rssMb.toFixed(0)} MB`);
    }
    const rowsTable = [
      ["activelearn init", median(ours.map((m) => m.seconds)).toFixed(1), median(ours.map((m) => m.rssMb)).toFixed(0), ours.map((m) => m.seconds.toFixed(1)).join(" ")],
      ["pandas + sqlite3", median(ref.map((m) => m.seconds)).toFixed(1), median(ref.map((m) => m.rssMb)).toFixed(0), ref.map((m) => m.seconds.toFixed(1)).join(" ")],
    ];
    console.log(`\nimport of ${rows} rows × ${COLS} numbers (median of ${runs}):`);
    console.log(formatTable(["", "wall s", "peak RSS MB", "runs (s)"], rowsTable));

    // Step 4: pool load and first retrain, on copies of the project.
    const retrains: { poolRows: number; loadS: number; startS: number; firstS: number; iterations: number; rss: number }[] = [];
    for (let r = 0; r < runs; r++) {
      const copy = path.join(base, `serve-${r}`);
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(proj, copy, { recursive: true });
      const out = await timed(process.execPath, [SELF, "--child-retrain", copy]);
      const got = JSON.parse(out.stdout.trim().split("\n").pop() ?? "{}") as (typeof retrains)[number];
      if (got.poolRows !== rows || got.iterations < 1) throw new Error(`the served project loaded ${got.poolRows} rows and made ${got.iterations} retrains; expected ${rows} and at least 1`);
      retrains.push(got);
      fs.rmSync(copy, { recursive: true, force: true });
    }
    console.log(`\nserver on the ${rows}-item project (median of ${runs}):`);
    console.log(
      formatTable(
        ["", "seconds", "runs"],
        [
          ["pool load (loadPoolMatrix)", median(retrains.map((x) => x.loadS)).toFixed(2), retrains.map((x) => x.loadS.toFixed(2)).join(" ")],
          ["server start", median(retrains.map((x) => x.startS)).toFixed(2), retrains.map((x) => x.startS.toFixed(2)).join(" ")],
          ["first retrain (last label → model in)", median(retrains.map((x) => x.firstS)).toFixed(2), retrains.map((x) => x.firstS.toFixed(2)).join(" ")],
        ],
      ),
    );

    const oursS = median(ours.map((m) => m.seconds));
    const refS = median(ref.map((m) => m.seconds));
    const oursMb = median(ours.map((m) => m.rssMb));
    const firstS = median(retrains.map((x) => x.firstS));
    target(`init ${rows} × ${COLS}: wall time`, `≤ pandas + sqlite3 (${refS.toFixed(1)} s)`, `${oursS.toFixed(1)} s`, oursS <= refS);
    target(`init ${rows} × ${COLS}: peak RSS`, "< 1024 MB", `${oursMb.toFixed(0)} MB`, oursMb < 1024);
    target(`first retrain on ${rows} items`, "≤ 3 s", `${firstS.toFixed(2)} s`, firstS <= 3);

    if (o.big === true) {
      const bigCsv = path.join(base, "big.csv");
      const bigRows = 10 * rows;
      t = performance.now();
      fs.rmSync(csv, { force: true });
      await writeNumericCsv(bigCsv, bigRows);
      console.log(`\nwrote ${bigRows} rows (${(fs.statSync(bigCsv).size / 1e9).toFixed(1)} GB) in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      const bigProj = path.join(base, "big");
      // Node's default heap limit: no --max-old-space-size anywhere.
      const env = { ...process.env, NODE_OPTIONS: (process.env.NODE_OPTIONS ?? "").replace(/--max-old-space-size=\S+/g, "") };
      let ok = true;
      let shown = "";
      try {
        const m = await timed(process.execPath, [MAIN, "init", bigProj, "--data", bigCsv, "--labels", "a,b"], env);
        shown = `completed in ${m.seconds.toFixed(0)} s, peak RSS ${m.rssMb.toFixed(0)} MB`;
      } catch (e) {
        ok = false;
        shown = `failed: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`;
      }
      target(`init ${bigRows} × ${COLS}`, "completes, default heap limit", shown, ok);
    }
    console.log("\n" + formatTable(["target", "goal", "measured", "met?"], results));
    return allMet;
  } finally {
    if (o.keep === true) console.log(`kept ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF) {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child-retrain") await childRetrain(argv[1]);
  else {
    const met = await runScale1Init({
      rows: Number(process.env.ROWS ?? 1_000_000),
      runs: Number(process.env.RUNS ?? 3),
      big: process.env.BIG === "1" || argv.includes("--big"),
      keep: process.env.KEEP === "1",
    });
    if (!met) process.exitCode = 1;
  }
}
