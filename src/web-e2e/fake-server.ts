/**
 * An in-memory stand-in for the labeling server, for the browser tests: the same routes,
 * static files, CSP and JSON shapes as the API contract, with items held in memory.
 *
 * Like the real ready queue, an annotator holds one item at a time: asking for the next item
 * again returns the held one until it is labeled or skipped (set `holdOne: false` for a server
 * that hands out a new item on each request). Labels are kept per item (the latest one wins);
 * undo puts the item back, held by the annotator who undid it.
 *
 * @example
 * const server = await startFakeServer({ labels: ["spam", "ham"], textColumn: "text", items });
 * // ... drive a browser at server.url ...
 * await server.close();
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type Cell = string | number | null;

export interface FakeItem {
  readonly id: string;
  readonly data: Record<string, Cell>;
  readonly suggestion?: { readonly label: string; readonly confidence: number } | null;
  readonly score?: number;
}

export interface FakeOptions {
  readonly name?: string;
  readonly labels: readonly string[];
  readonly textColumn: string | null;
  readonly items: readonly FakeItem[];
  readonly strategy?: string;
  readonly model?: string;
  readonly retrainEvery?: number;
  /** One held item per annotator, as the real queue (default true). */
  readonly holdOne?: boolean;
  /** Fixed dashboard numbers instead of the ones derived from the labels. */
  readonly dashboard?: Partial<DashboardBody>;
}

export interface StoredLabel {
  readonly label: string;
  readonly annotator: string;
  readonly durationMs: number | null;
  readonly at: number;
}

/** An accuracy figure as the real server sends it (src/server/advice.ts). */
export interface FakeFigure {
  kind: "pool" | "hard_items" | "imported";
  label: string;
  value: number | null;
  n: number;
  low: number | null;
  high: number | null;
  text: string;
  method: string;
}

export interface FakeAdvice {
  stop: boolean;
  sentence: string;
  criteria: { name: string; state: "fired" | "waiting" | "off"; reason: string }[];
  agree: string[];
  accuracy: FakeFigure;
  next100: { gain: number; low: number; high: number } | null;
  next100Text: string;
  budget: { limit: number; spent: number; reached: boolean } | null;
  target: { accuracy: number; reached: boolean } | null;
}

/** The 95% Wilson interval of k in n (as src/eval/metrics.ts). */
export function wilson95(k: number, n: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const z = 1.959964;
  const p = k / n;
  const c = p + (z * z) / (2 * n);
  const h = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const d = 1 + (z * z) / n;
  return { low: k <= 0 ? 0 : (c - h) / d, high: k >= n ? 1 : (c + h) / d };
}

/** A figure with its Wilson interval, or "not enough ... yet" below 10 items. */
export function fakeFigure(kind: FakeFigure["kind"], label: string, accuracy: number | null, n: number, unit: string, method = "(fake server)"): FakeFigure {
  if (accuracy === null || n < 10) return { kind, label, value: null, n, low: null, high: null, text: `not enough ${unit} yet (${n} of 10)`, method };
  const w = wilson95(Math.round(accuracy * n), n);
  const r = (x: number): number => Math.round(x * 10_000) / 10_000;
  const p = (x: number): string => `${(100 * x).toFixed(1)}%`;
  return { kind, label, value: r(accuracy), n, low: r(w.low), high: r(w.high), text: `${p(accuracy)} (95% interval ${p(w.low)}–${p(w.high)}, ${n} ${unit})`, method };
}

export interface DashboardBody {
  curve: { labels: number; accuracy: number; n?: number; low?: number; high?: number }[];
  curveSource: "audit" | "imported";
  curveMethod: string;
  accuracy: { headline: FakeFigure; others: FakeFigure[]; importedLabels: string };
  advice: FakeAdvice;
  byLabel: Record<string, number>;
  labelsSavedEstimate: number | null;
  labelsSavedRange?: [number, number] | null;
  labeled: number;
  total: number;
  annotators: { name: string; labels: number; perHour: number | null; medianMs: number | null }[];
  iterations: number;
  lastRetrainAt: number | null;
}

/** A failure to inject: the next `times` requests matching method and path answer `status`. */
export interface Fault {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  times: number;
}

export interface FakeServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** The current label of each labeled item. */
  labels(): Map<string, StoredLabel>;
  /** Items skipped, per annotator. */
  skips(): Map<string, Set<string>>;
  /** Makes the next matching requests fail with `status` (and an `{error}` body). */
  fail(fault: Omit<Fault, "times"> & { times?: number }): void;
  /** Every API request seen, as "METHOD /path?query". */
  readonly requests: string[];
}

/** The repository root (this file is dist/src/web-e2e/fake-server.js once built). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The Content-Security-Policy the real server sends: no inline scripts or handlers. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https: http:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "bad_json", "The request body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "bad_json", "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

function annotatorOf(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new HttpError(400, "missing_annotator", "An annotator name is required.");
  return value.trim();
}

async function serveStatic(res: http.ServerResponse, pathname: string): Promise<boolean> {
  let candidates: string[];
  if (pathname === "/") candidates = [path.join(REPO_ROOT, "web/index.html")];
  else if (pathname === "/dashboard") candidates = [path.join(REPO_ROOT, "web/dashboard.html")];
  else if (pathname.startsWith("/static/")) {
    const rel = decodeURIComponent(pathname.slice("/static/".length));
    if (rel === "" || rel.split("/").some((part) => part === ".." || part === "" || part.startsWith("."))) return false;
    candidates = [path.join(REPO_ROOT, "web", rel), path.join(REPO_ROOT, "dist/web", rel)];
  } else return false;
  for (const file of candidates) {
    try {
      const body = await readFile(file);
      res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
      res.end(body);
      return true;
    } catch {
      // try the next place
    }
  }
  return false;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function startFakeServer(options: FakeOptions): Promise<FakeServer> {
  const items = options.items;
  const byId = new Map(items.map((it) => [it.id, it]));
  const labels = new Map<string, StoredLabel>();
  const skipped = new Map<string, Set<string>>();
  /** Item id -> annotator holding it. */
  const leases = new Map<string, string>();
  const held = new Map<string, string>();
  const faults: Fault[] = [];
  const requests: string[] = [];
  const holdOne = options.holdOne ?? true;
  const retrainEvery = options.retrainEvery ?? 5;
  let lastRetrainAt: number | null = null;

  const iterations = (): number => Math.floor(labels.size / retrainEvery);

  function byLabel(): Record<string, number> {
    const counts: Record<string, number> = Object.fromEntries(options.labels.map((l) => [l, 0]));
    for (const l of labels.values()) counts[l.label] = (counts[l.label] ?? 0) + 1;
    return counts;
  }

  function lease(id: string, annotator: string): void {
    const prev = held.get(annotator);
    if (holdOne && prev !== undefined && prev !== id) leases.delete(prev);
    leases.set(id, annotator);
    held.set(annotator, id);
  }

  function release(id: string): void {
    const who = leases.get(id);
    leases.delete(id);
    if (who !== undefined && held.get(who) === id) held.delete(who);
  }

  function next(annotator: string): FakeItem | null {
    const mine = held.get(annotator);
    if (holdOne && mine !== undefined && !labels.has(mine) && leases.get(mine) === annotator) return byId.get(mine) ?? null;
    for (const it of items) {
      if (labels.has(it.id) || skipped.get(annotator)?.has(it.id) === true) continue;
      const owner = leases.get(it.id);
      if (owner !== undefined && (owner !== annotator || !holdOne)) continue;
      lease(it.id, annotator);
      return it;
    }
    return null;
  }

  function itemOf(id: string): FakeItem {
    const it = byId.get(id);
    if (it === undefined) throw new HttpError(404, "not_found", `No item with id ${JSON.stringify(id)}.`);
    return it;
  }

  function dashboard(): DashboardBody {
    const curve: DashboardBody["curve"] = [];
    for (let i = 1; i <= iterations(); i++) {
      const n = i * retrainEvery;
      const accuracy = Number((0.5 + 0.42 * (1 - Math.exp(-n / 25))).toFixed(4));
      const w = wilson95(Math.round(accuracy * n), n);
      if (n >= 10) curve.push({ labels: n, accuracy, n, low: Number(w.low.toFixed(4)), high: Number(w.high.toFixed(4)) });
    }
    const last = curve.at(-1);
    const headline = fakeFigure("pool", "estimated accuracy over the whole pool", last?.accuracy ?? null, last?.n ?? 0, "random picks");
    const hard = fakeFigure("hard_items", "accuracy on hard items (test-then-train on new labels)", last === undefined ? null : last.accuracy - 0.15, last?.n ?? 0, "new labels");
    const stop = labels.size >= items.length;
    const advice: FakeAdvice = {
      stop,
      sentence: `${stop ? "You can stop now: every item is labeled." : "Keep labeling: no stopping criterion has fired yet."} ${headline.value === null ? `Accuracy: ${headline.text}.` : `Estimated accuracy over the whole pool: ${headline.text}.`} What the next 100 labels would add is unknown yet.`,
      criteria:
        iterations() === 0
          ? []
          : [
              { name: "budget", state: "off", reason: "no budget set (init or serve --budget N)." },
              { name: "target_accuracy", state: "off", reason: "no target set (init or serve --target-accuracy 0.9)." },
              { name: "stabilizing_predictions", state: "waiting", reason: "mean kappa 0.912 over the last 3 retrains is below 0.990." },
              { name: "overall_uncertainty", state: "waiting", reason: "mean uncertainty 0.4100 over 900 unlabeled stop-set items is not below 0.100." },
              { name: "max_uncertainty", state: "waiting", reason: "the most uncertain unlabeled stop-set item has uncertainty 0.9900, not below 0.500." },
              { name: "classification_change", state: "waiting", reason: "12 of 1000 stop-set predictions changed." },
            ],
      agree: [],
      accuracy: headline,
      next100: null,
      next100Text: "What the next 100 labels would add is unknown yet.",
      budget: null,
      target: null,
    };
    const per = new Map<string, StoredLabel[]>();
    for (const l of labels.values()) per.set(l.annotator, [...(per.get(l.annotator) ?? []), l]);
    const annotators = [...per].map(([name, ls]) => {
      const spanH = (Math.max(...ls.map((l) => l.at)) - Math.min(...ls.map((l) => l.at))) / 3_600_000;
      return {
        name,
        labels: ls.length,
        perHour: ls.length > 1 && spanH > 0 ? Math.round(ls.length / spanH) : null,
        medianMs: median(ls.flatMap((l) => (l.durationMs === null ? [] : [l.durationMs]))),
      };
    });
    return {
      curve,
      curveSource: "audit",
      curveMethod: "At each retrain: accuracy on the random audit picks (fake server), with its 95% interval.",
      accuracy: { headline, others: [hard], importedLabels: "No labels were imported." },
      advice,
      byLabel: byLabel(),
      labelsSavedEstimate: labels.size >= 10 ? Math.round(labels.size * 0.6) : null,
      labeled: labels.size,
      total: items.length,
      annotators,
      iterations: iterations(),
      lastRetrainAt,
      ...options.dashboard,
    };
  }

  async function api(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    const p = url.pathname;
    if (method === "GET" && p === "/api/project") {
      const fields = [...new Set(items.flatMap((it) => Object.keys(it.data)))].filter((f) => f !== options.textColumn);
      return send(res, 200, {
        name: options.name ?? "test-project",
        labels: options.labels,
        textColumn: options.textColumn,
        fields,
        strategy: options.strategy ?? "margin",
        model: options.model ?? "logreg",
        total: items.length,
        retrainEvery,
      });
    }
    if (method === "GET" && p === "/api/next") {
      const annotator = annotatorOf(url.searchParams.get("annotator"));
      const it = next(annotator);
      if (it === null) return send(res, 204);
      const index = items.indexOf(it);
      return send(res, 200, {
        item: {
          id: it.id,
          data: it.data,
          suggestion: it.suggestion ?? null,
          score: it.score ?? Number((1 - index / Math.max(1, items.length)).toFixed(3)),
          strategy: options.strategy ?? "margin",
          reason: it.suggestion ? `the model is unsure between its top two labels` : "no model yet: items in file order",
        },
      });
    }
    if (method === "GET" && p === "/api/stats") {
      const d = dashboard();
      return send(res, 200, { total: items.length, labeled: labels.size, byLabel: byLabel(), iterations: iterations(), lastRetrainAt, metrics: {}, accuracy: d.accuracy, advice: d.advice });
    }
    if (method === "GET" && p === "/api/dashboard") return send(res, 200, dashboard());

    const m = /^\/api\/items\/([^/]+)\/(label|skip)$/.exec(p);
    if (m !== null) {
      const id = decodeURIComponent(m[1]);
      if (method === "POST" && m[2] === "label") {
        const body = await readJson(req);
        const it = itemOf(id);
        const annotator = annotatorOf(body.annotator);
        const label = body.label;
        if (typeof label !== "string" || !options.labels.includes(label)) {
          throw new HttpError(400, "bad_label", `Unknown label ${JSON.stringify(label)}: expected one of ${options.labels.join(", ")}.`);
        }
        const durationMs = typeof body.durationMs === "number" && Number.isFinite(body.durationMs) ? body.durationMs : null;
        labels.set(it.id, { label, annotator, durationMs, at: Date.now() });
        release(it.id);
        if (labels.size % retrainEvery === 0) lastRetrainAt = Date.now();
        return send(res, 201, { ok: true, labeled: labels.size });
      }
      if (method === "POST" && m[2] === "skip") {
        const body = await readJson(req);
        const it = itemOf(id);
        const annotator = annotatorOf(body.annotator);
        let set = skipped.get(annotator);
        if (set === undefined) skipped.set(annotator, (set = new Set()));
        set.add(it.id);
        release(it.id);
        return send(res, 200, { ok: true });
      }
      if (method === "DELETE" && m[2] === "label") {
        const it = itemOf(id);
        const annotator = annotatorOf(url.searchParams.get("annotator"));
        const current = labels.get(it.id);
        if (current === undefined || current.annotator !== annotator) {
          throw new HttpError(404, "no_label", `Item ${it.id} has no label by ${annotator} to undo.`);
        }
        labels.delete(it.id);
        lease(it.id, annotator);
        return send(res, 200, { ok: true, labeled: labels.size });
      }
      throw new HttpError(405, "method_not_allowed", `${method} is not allowed on ${p}.`);
    }
    throw new HttpError(404, "not_found", `No route ${method} ${p}.`);
  }

  const server = http.createServer((req, res) => {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    void (async () => {
      try {
        if (url.pathname.startsWith("/api/")) {
          requests.push(`${method} ${url.pathname}${url.search}`);
          const fault = faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname));
          if (fault !== undefined) {
            fault.times--;
            throw new HttpError(fault.status, "injected_fault", `Injected failure (HTTP ${fault.status}).`);
          }
          await api(req, res, url);
          return;
        }
        if (method === "GET" && (await serveStatic(res, url.pathname))) return;
        throw new HttpError(404, "not_found", `Nothing at ${url.pathname}.`);
      } catch (e) {
        if (res.headersSent) return;
        const err = e instanceof HttpError ? e : new HttpError(500, "internal", e instanceof Error ? e.message : String(e));
        send(res, err.status, { error: { code: err.code, message: err.message } });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    labels: () => new Map(labels),
    skips: () => new Map([...skipped].map(([k, v]) => [k, new Set(v)])),
    fail: (f) => faults.push({ ...f, times: f.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
