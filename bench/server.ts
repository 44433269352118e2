/**
 * `npm run bench:server`: the labeling server on a 100k-item pool, over loopback.
 *
 * 1. builds a project of POOL (default 100,000) synthetic short texts in a temp folder;
 * 2. starts `activelearn serve` as a child process (retrain every 10 labels, so retraining runs
 *    nearly all the time);
 * 3. phase "probe": one annotator labels for PROBE_S seconds: next-item latency while retraining runs;
 * 4. phase "load": ANNOTATORS (default 20) concurrent annotators label for LOAD_S seconds:
 *    sustained labels per second, next and label latency, errors.
 * Targets: next-item p99 < 50 ms, no errors. Every loop is bounded in time and count.
 *
 * Then, on a second project of POOL items of which LABELED (default 50,000) are labeled (so an
 * export is ~10 MB), one annotator labels for CONTENTION_S seconds in each of three scenarios:
 * alone, while four clients export in a loop ("next under 4 export loops": JSON Lines and CSV,
 * two each), and while four clients load the dashboard in a loop ("next under 4 dashboards").
 *
 * Environment: POOL, ANNOTATORS, PROBE_S (default 10), LOAD_S (default 15), LABELED,
 * CONTENTION_S (default 10), SCENARIOS (comma list of base, contention; default both),
 * KEEP=1 keeps the folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/cli/table.js";
import { initProject } from "../src/project/init.js";
import { syntheticTruth, writeSyntheticCsv, type ItemReply } from "../src/server/testing.js";

const POOL = Number(process.env.POOL ?? 100_000);
const ANNOTATORS = Number(process.env.ANNOTATORS ?? 20);
const PROBE_S = Number(process.env.PROBE_S ?? 10);
const LOAD_S = Number(process.env.LOAD_S ?? 15);
const LABELED = Number(process.env.LABELED ?? 50_000);
const CONTENTION_S = Number(process.env.CONTENTION_S ?? 10);
const SCENARIOS = new Set((process.env.SCENARIOS ?? "base,contention").split(","));
const MAX_REQUESTS = 200_000;
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src/cli/main.js");

interface PhaseResult {
  next: number[];
  label: number[];
  labels: number;
  errors: number;
  empty: number;
  seconds: number;
  firstError: string | null;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function startChild(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN, "serve", dir, "--port", "0", "--retrain-every", "10"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s: ${out} ${log}`)), 60_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/[\d.]+:\d+\//.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
  return { child, url };
}

/** Keep-alive HTTP/1.1 client on node:http (much cheaper per request than fetch, so the client does not steal the server's CPU). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(url: string, method: string, p: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(p, url);
    const headers: Record<string, string | number> = body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("request timed out after 30 s")));
    req.on("error", reject);
    req.end(body);
  });
}

async function stats(url: string): Promise<{ labeled: number; iterations: number }> {
  const r = await request(url, "GET", "/api/stats");
  return JSON.parse(r.text) as { labeled: number; iterations: number };
}

/** `n` annotators label for `seconds`; latencies in ms. */
async function phase(url: string, n: number, seconds: number, prefix: string): Promise<PhaseResult> {
  const res: PhaseResult = { next: [], label: [], labels: 0, errors: 0, empty: 0, seconds, firstError: null };
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let requests = 0;
  const fail = (what: string): void => {
    res.errors++;
    res.firstError ??= what;
  };
  const annotator = async (name: string): Promise<void> => {
    while (performance.now() < end && requests < MAX_REQUESTS) {
      requests += 2;
      try {
        let t = performance.now();
        const r = await request(url, "GET", `/api/next?annotator=${name}`);
        const body = r.text;
        res.next.push(performance.now() - t);
        if (r.status === 204) {
          res.empty++;
          return;
        }
        if (r.status !== 200) {
          fail(`next: ${r.status} ${body}`);
          continue;
        }
        const { item } = JSON.parse(body) as ItemReply;
        t = performance.now();
        const l = await request(url, "POST", `/api/items/${encodeURIComponent(item.id)}/label`, JSON.stringify({ label: syntheticTruth(item.id), annotator: name, durationMs: 1000 }));
        const lb = l.text;
        res.label.push(performance.now() - t);
        if (l.status !== 201) fail(`label: ${l.status} ${lb}`);
        else res.labels++;
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: n }, (_, i) => annotator(`${prefix}${i}`)));
  res.seconds = (performance.now() - t0) / 1000;
  res.next.sort((a, b) => a - b);
  res.label.sort((a, b) => a - b);
  return res;
}

/** GETs `p` in a loop until `end`; the time and size of each reply. */
async function loop(url: string, p: string, end: number): Promise<{ ms: number[]; bytes: number; errors: number }> {
  const out = { ms: [] as number[], bytes: 0, errors: 0 };
  for (let i = 0; performance.now() < end && i < 10_000; i++) {
    const t = performance.now();
    try {
      const r = await request(url, "GET", p);
      if (r.status !== 200) out.errors++;
      out.bytes += Buffer.byteLength(r.text);
    } catch {
      out.errors++;
    }
    out.ms.push(performance.now() - t);
  }
  return out;
}

/** One annotator labels for CONTENTION_S seconds while `loops` background clients GET their paths. */
async function contended(url: string, name: string, paths: readonly string[]): Promise<string[][]> {
  const end = performance.now() + CONTENTION_S * 1000;
  const [annot, ...bg] = await Promise.all([phase(url, 1, CONTENTION_S, name), ...paths.map((p) => loop(url, p, end))]);
  const ms = (x: number): string => (Number.isNaN(x) ? "—" : x.toFixed(1));
  const rows = [
    [`${name}: next p50 (ms)`, ms(quantile(annot.next, 0.5)), `n=${annot.next.length}`],
    [`${name}: next p99 (ms)`, ms(quantile(annot.next, 0.99)), ""],
  ];
  if (bg.length > 0) {
    const all = bg.flatMap((b) => b.ms).sort((a, b) => a - b);
    const mb = bg.reduce((x, b) => x + b.bytes, 0) / 1e6;
    rows.push([`${name}: background replies, p50 (ms)`, ms(quantile(all, 0.5)), `n=${all.length}, ${mb.toFixed(0)} MB, ${bg.reduce((x, b) => x + b.errors, 0)} errors`]);
  }
  if (annot.errors > 0) rows.push([`${name}: errors`, String(annot.errors), annot.firstError ?? ""]);
  return rows;
}

async function contention(base: string): Promise<void> {
  const dir = path.join(base, "proj-labeled");
  const sub = path.join(base, "labeled");
  fs.mkdirSync(sub);
  const data = writeSyntheticCsv(sub, POOL, LABELED, 2);
  let t = performance.now();
  await initProject({ dir, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", retrainEvery: 10 });
  console.log(`\ncontention: ${POOL.toLocaleString("en")} items, ${LABELED.toLocaleString("en")} labeled; init ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const srv = await startChild(dir);
  try {
    const exp = await request(srv.url, "GET", "/api/export?format=jsonl");
    console.log(`serve: listening after ${((performance.now() - t) / 1000).toFixed(1)} s; one JSON Lines export: ${(Buffer.byteLength(exp.text) / 1e6).toFixed(1)} MB`);
    const rows = [
      ...(await contended(srv.url, "next alone", [])),
      ...(await contended(srv.url, "next under 4 export loops", ["/api/export?format=jsonl", "/api/export?format=csv", "/api/export?format=jsonl", "/api/export?format=csv"])),
      ...(await contended(srv.url, "next under 4 dashboards", Array.from({ length: 4 }, () => "/api/dashboard"))),
    ];
    console.log("\n" + formatTable(["measure", "value", "note"], rows));
  } finally {
    srv.child.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-bench-"));
  let child: ChildProcess | null = null;
  try {
    console.log(`bench:server — pool ${POOL.toLocaleString("en")} items, ${ANNOTATORS} annotators, loopback only (${os.cpus().length} cores)`);
    if (!SCENARIOS.has("base")) {
      await contention(base);
      return;
    }
    const data = writeSyntheticCsv(base, POOL, 10);
    const dir = path.join(base, "proj");
    let t = performance.now();
    await initProject({ dir, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", retrainEvery: 10 });
    console.log(`init: ${((performance.now() - t) / 1000).toFixed(1)} s (streaming import + features)`);
    t = performance.now();
    const srv = await startChild(dir);
    child = srv.child;
    console.log(`serve: listening after ${((performance.now() - t) / 1000).toFixed(1)} s at ${srv.url}`);

    const s0 = await stats(srv.url);
    const probe = await phase(srv.url, 1, PROBE_S, "probe");
    const s1 = await stats(srv.url);
    const load = await phase(srv.url, ANNOTATORS, LOAD_S, "annotator");
    const s2 = await stats(srv.url);

    const ms = (x: number): string => (Number.isNaN(x) ? "—" : x.toFixed(2));
    const rows = [
      ["probe: next p50 (ms), retraining", ms(quantile(probe.next, 0.5)), ""],
      ["probe: next p99 (ms), retraining", ms(quantile(probe.next, 0.99)), "< 50"],
      ["probe: retrains during the phase", String(s1.iterations - s0.iterations), ""],
      [`load: next p50 (ms), ${ANNOTATORS} annotators`, ms(quantile(load.next, 0.5)), ""],
      [`load: next p99 (ms), ${ANNOTATORS} annotators`, ms(quantile(load.next, 0.99)), "< 50"],
      ["load: label p50 (ms)", ms(quantile(load.label, 0.5)), ""],
      ["load: label p99 (ms)", ms(quantile(load.label, 0.99)), ""],
      ["load: labels / s (sustained)", (load.labels / load.seconds).toFixed(0), ""],
      ["load: retrains during the phase", String(s2.iterations - s1.iterations), ""],
      ["errors (both phases)", String(probe.errors + load.errors), "0"],
    ];
    console.log("\n" + formatTable(["measure", "value", "target"], rows));
    console.log(`\nlabels stored: ${s2.labeled} (${probe.labels} probe + ${load.labels} load + 10 seeds); requests: ${probe.next.length + probe.label.length + load.next.length + load.label.length}`);
    const p99 = Math.max(quantile(probe.next, 0.99), quantile(load.next, 0.99));
    const errors = probe.errors + load.errors;
    if (errors > 0) console.log(`first error: ${probe.firstError ?? load.firstError ?? ""}`);
    console.log(p99 < 50 && errors === 0 ? "targets met" : "TARGETS MISSED");
    if (s2.labeled !== probe.labels + load.labels + 10) console.log(`warning: server counts ${s2.labeled} labels`);
    child.kill("SIGTERM");
    child = null;
    if (SCENARIOS.has("contention")) await contention(base);
  } finally {
    agent.destroy();
    child?.kill("SIGTERM");
    if (process.env.KEEP !== "1") fs.rmSync(base, { recursive: true, force: true });
    else console.log(`kept ${base}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
