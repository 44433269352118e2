/**
 * Helpers for the server's tests and benchmark: small synthetic text projects in temp folders,
 * a JSON client for loopback requests, and a read-only snapshot of a project database.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Rng } from "../linalg/rng.js";
import { initProject, projectDbPath, type InitOptions } from "../project/init.js";
import { startServer, type RunningServer } from "./app.js";

const SPAM = ["cheap", "pills", "winner", "prize", "click", "offer", "free", "money", "casino", "viagra"];
const HAM = ["meeting", "kernel", "patch", "review", "lunch", "report", "schedule", "build", "release", "notes"];
const SHARED = ["the", "and", "today", "please", "about", "this", "your", "team"];

/** A synthetic two-class text row: words mostly from its class, some shared. */
export function syntheticText(rng: Rng, spam: boolean, words = 8): string {
  const own = spam ? SPAM : HAM;
  const out: string[] = [];
  for (let w = 0; w < words; w++) {
    const r = rng.next();
    out.push(r < 0.6 ? own[rng.int(own.length)] : r < 0.8 ? SHARED[rng.int(SHARED.length)] : (spam ? HAM : SPAM)[rng.int(10)]);
  }
  return out.join(" ");
}

/** Writes a CSV of `n` rows (id, text, truth, seed) and returns its path; `seeds` rows carry a seed label. */
export function writeSyntheticCsv(dir: string, n: number, seeds: number, seed = 1): string {
  const rng = new Rng(seed);
  const file = path.join(dir, "items.csv");
  const fd = fs.openSync(file, "w");
  fs.writeSync(fd, "id,text,length,seed_label\n");
  let chunk = "";
  for (let i = 0; i < n; i++) {
    const spam = i % 2 === 0;
    const text = syntheticText(rng, spam);
    chunk += `item-${i},${text},${text.length},${i < seeds ? (spam ? "spam" : "ham") : ""}\n`;
    if (chunk.length > 1 << 16) {
      fs.writeSync(fd, chunk);
      chunk = "";
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return file;
}

/** Truth of a synthetic item id (even = spam). */
export const syntheticTruth = (id: string): "spam" | "ham" => (Number(id.slice(id.lastIndexOf("-") + 1)) % 2 === 0 ? "spam" : "ham");

/** A fresh project of `n` synthetic items in a new temp folder. */
export async function syntheticProject(n: number, seeds: number, options: { retrainEvery?: number; strategy?: string; reviewShare?: number; overlap?: number; consensus?: string } = {}): Promise<{ dir: string; dbPath: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-test-"));
  const data = writeSyntheticCsv(dir, n, seeds);
  const proj = path.join(dir, "proj");
  await initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", retrainEvery: options.retrainEvery ?? 5, ...(options.strategy !== undefined ? { strategy: options.strategy } : {}), ...(options.reviewShare !== undefined ? { reviewShare: options.reviewShare } : {}), ...(options.overlap !== undefined ? { overlap: options.overlap } : {}), ...(options.consensus !== undefined ? { consensus: options.consensus } : {}) });
  return { dir: proj, dbPath: projectDbPath(proj) };
}

/** Rows whose number is a multiple of `every` carry their truth in the `answer` column: the gold items. */
export const isGoldId = (id: string, every: number): boolean => Number(id.slice(id.lastIndexOf("-") + 1)) % every === 0;

/** {@link writeSyntheticCsv} with an `answer` column (the truth on every `every`-th row, else empty; `bad` on row `badRow`). */
export function writeGoldCsv(dir: string, n: number, seeds: number, every: number, bad?: { row: number; value: string }): string {
  const file = writeSyntheticCsv(dir, n, seeds);
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  const out = [`${lines[0]},answer`];
  for (let i = 1; i < lines.length; i++) {
    const id = lines[i].slice(0, lines[i].indexOf(","));
    const value = bad !== undefined && bad.row === i ? bad.value : isGoldId(id, every) ? syntheticTruth(id) : "";
    out.push(`${lines[i]},${value}`);
  }
  fs.writeFileSync(file, out.join("\n") + "\n");
  return file;
}

/** A synthetic project whose every `every`-th row is a gold item (init --gold answer). */
export async function goldProject(n: number, seeds: number, every: number, o: Partial<InitOptions> = {}): Promise<{ dir: string; dbPath: string; root: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-gold-"));
  const data = writeGoldCsv(root, n, seeds, every);
  const dir = path.join(root, "proj");
  await initProject({ dir, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", gold: "answer", retrainEvery: 5, ...o });
  return { dir, dbPath: projectDbPath(dir), root };
}

/** A served {@link goldProject} (audit picks every `auditEvery`), removed afterwards. */
export async function withGoldServer(n: number, seeds: number, every: number, o: Partial<InitOptions>, fn: (srv: RunningServer, dbPath: string) => Promise<void>, auditEvery = 10): Promise<void> {
  const { dir, dbPath, root } = await goldProject(n, seeds, every, o);
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery });
  try {
    await fn(srv, dbPath);
  } finally {
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Everything a request could change, read through a separate read-only connection. */
export function dbSnapshot(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    // Every history record: labels, undos, skips and unskips alike.
    const ann = db.prepare("SELECT * FROM annotations ORDER BY id").all();
    const items = db.prepare("SELECT count(*) AS n FROM items").get();
    return JSON.stringify({ ann, items });
  } finally {
    db.close();
  }
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

/** A JSON request to the server (loopback only), with more headers if given (a cookie, a token). */
export async function call(base: string, method: string, p: string, body?: unknown, raw?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { "content-type": "application/json", ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(new URL(p, base), init);
  const text = await res.text();
  let parsed: unknown = null;
  if (text !== "" && (res.headers.get("content-type") ?? "").startsWith("application/json")) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** The item of a /api/next reply. */
export interface ItemReply {
  item: { id: string; data: Record<string, unknown>; suggestion: { label: string; confidence: number } | null; score: number; strategy: string; reason: string };
}

/** A w x h grey PNG whose pixels follow `seed` (distinct files for distinct seeds), made with sharp. */
export async function testPng(seed: number, w = 12, h = 12): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  const px = Buffer.alloc(w * h);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37 + seed * 101) % 256;
  return sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
}

/** Writes `root/<label>/<n>.png` for each label's count; returns the relative paths, sorted. */
export async function writeImageFolder(root: string, counts: Readonly<Record<string, number>>): Promise<string[]> {
  const out: string[] = [];
  let seed = 0;
  for (const [label, n] of Object.entries(counts)) {
    fs.mkdirSync(path.join(root, label), { recursive: true });
    for (let i = 0; i < n; i++) {
      const rel = `${label}/${i}.png`;
      fs.writeFileSync(path.join(root, rel), await testPng(seed++));
      out.push(rel);
    }
  }
  return out.sort();
}
