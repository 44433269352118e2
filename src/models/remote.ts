/**
 * A model that runs elsewhere (`--model http://HOST:PORT`), spoken to through the ML-backend
 * protocol of Label Studio: `GET /health`, `POST /setup` (the labels and label config),
 * `POST /predict` (a batch of tasks -> one prediction each, in order). Annotations go back to it
 * through the notifier (remote-notify.ts).
 *
 * Design. A remote model has no feature rows: it reads each item's raw fields, so it is built
 * with an item accessor (pool index -> record of fields) and the pool's size. The strategy
 * interface is synchronous (`predictProba(X, rows)`), the network is not, so querying is two
 * steps: `await model.prefetch(rows)` asks the backend for the rows not cached yet (batches of
 * `batchSize`, at most `concurrency` requests at once, each bounded by `timeoutMs` through an
 * AbortController), validates every reply whole (remote-protocol.ts) and caches one probability
 * row per item; then `predictProba(X, rows)` answers from that cache and ignores X (pass
 * {@link remotePool}: a zero-column matrix of the pool's height). Asking for a row that was not
 * prefetched is a programming error, never a silent network call. `invalidate()` drops the cache
 * when the backend retrained (its model version changed). strategies/remote.ts tells which
 * strategies can run this way and runs one over a (subsampled) pool.
 *
 * Every failure is a {@link ModelBackendError} (code MODEL_BACKEND, HTTP 502) whose message is for
 * people: "the model backend at http://… did not answer within 10 s (POST /predict, 64 tasks)".
 * `health()` never throws: it reports up or down with that message.
 *
 * @example
 * const model = new RemoteModel({ url: "http://127.0.0.1:9090", labels: ["ham", "spam"], poolSize: n, item: (i) => ({ text: texts[i] }) });
 * await model.setup();
 * await model.prefetch(unlabeled);
 * margin.select({ ...ctx, model, X: remotePool(n) }, 10);
 */
import { ActiveLearnError, BadOptionError } from "../errors.js";
import { dense, type DenseMatrix, type Matrix } from "../linalg/matrix.js";
import {
  healthReply,
  issuesText,
  labelConfig,
  ModelBackendError,
  parsePrediction,
  predictReply,
  probabilityRow,
  setupReply,
  type BackendTask,
} from "./remote-protocol.js";
import type { ProbabilisticModel } from "./types.js";

export { ModelBackendError } from "./remote-protocol.js";

export interface RemoteModelOptions {
  /** The backend's base URL (http or https); `/predict` and the rest are resolved under it. */
  readonly url: string;
  /** The project's labels, in class-index order. */
  readonly labels: readonly string[];
  /** Items in the pool (pool indices are 0 .. poolSize-1). */
  readonly poolSize: number;
  /** The raw fields of a pool item, sent as the task's `data`. */
  readonly item: (index: number) => Readonly<Record<string, unknown>>;
  /** The task id sent for a pool item (default: the index). */
  readonly taskId?: (index: number) => string | number;
  /** Tasks per `/predict` request (default 64). */
  readonly batchSize?: number;
  /** Per request, connect to last byte (default 10,000 ms). */
  readonly timeoutMs?: number;
  /** `/predict` requests in flight at most (default 4). */
  readonly concurrency?: number;
  /** Largest reply accepted (default 16 MiB). */
  readonly maxReplyBytes?: number;
  /** The label config sent to /setup and /predict (default: generated from labels and fields). */
  readonly labelConfig?: string;
  /** Data fields for the generated label config (default ["text"]). */
  readonly fields?: readonly string[];
  /** The `from_name` of the choices (default "label"; predictions from other names are ignored). */
  readonly fromName?: string;
  /** The project id sent to the backend (default "activelearn"). */
  readonly project?: string;
  /** Extra `params` of each /predict request. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** What `health()` found. */
export interface BackendHealth {
  readonly up: boolean;
  readonly url: string;
  /** The backend's status word ("UP"), null when it did not answer usably. */
  readonly status: string | null;
  readonly modelClass: string | null;
  readonly latencyMs: number;
  /** Why it is down, for the page and the dashboard; null when up. */
  readonly message: string | null;
  readonly failure: ModelBackendError["failure"] | null;
}

/** What one prefetch did. */
export interface PrefetchReport {
  /** Rows asked of the backend. */
  readonly fetched: number;
  /** Rows already cached. */
  readonly cached: number;
  /** Of the fetched, rows the backend had no prediction for (uniform rows). */
  readonly noPrediction: number;
  readonly requests: number;
  readonly ms: number;
}

/** The last failure and success, for the dashboard. */
export interface BackendState {
  readonly url: string;
  readonly lastOkAt: number | null;
  readonly lastError: { readonly message: string; readonly failure: ModelBackendError["failure"]; readonly at: number } | null;
  readonly modelVersion: string | null;
  readonly cachedRows: number;
}

/** "10 s", "2.5 s", "250 ms". */
export function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** The placeholder pool matrix for strategies over a remote model: `rows` rows, no columns. */
export function remotePool(rows: number): DenseMatrix {
  return dense(rows, 0, new Float64Array(0));
}

/** The backend's base URL, checked: http(s), a host, no credentials, ending with "/". */
export function backendBase(raw: string, option = "--model"): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new BadOptionError([`${option} must be a model name or an http:// or https:// URL of a model backend, got "${raw}"`], option.replace(/^--/, ""));
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new BadOptionError([`${option}: a model backend URL must be http:// or https://, got "${raw}"`]);
  if (u.hostname === "") throw new BadOptionError([`${option}: the model backend URL has no host: "${raw}"`]);
  if (u.username !== "" || u.password !== "") throw new BadOptionError([`${option}: the model backend URL must not carry a user name or password`]);
  u.hash = "";
  u.search = "";
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return u;
}

/** True when `--model` names a backend rather than a built-in model. */
export function isBackendUrl(model: string): boolean {
  return /^https?:\/\//i.test(model.trim());
}

/** One line of a reply body for an error message: control characters dropped, at most 200 characters. */
function snippet(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function causeOf(e: unknown): string {
  const c = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (c !== undefined && c !== null) {
    if (typeof c.message === "string" && c.message !== "") return c.message;
    if (typeof c.code === "string") return c.code;
  }
  return e instanceof Error ? e.message : String(e);
}

export class RemoteModel implements ProbabilisticModel {
  readonly kind = "remote";
  readonly nClasses: number;
  readonly labels: readonly string[];
  /** The base URL as shown in messages (no trailing slash). */
  readonly url: string;
  readonly poolSize: number;
  readonly labelConfig: string;
  private readonly base: URL;
  private readonly item: (index: number) => Readonly<Record<string, unknown>>;
  private readonly taskId: (index: number) => string | number;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly maxReplyBytes: number;
  private readonly fromName: string;
  private readonly project: string;
  private readonly params: Readonly<Record<string, unknown>> | undefined;
  private proba: Float64Array;
  private have: Uint8Array;
  private nCached = 0;
  private readonly closer = new AbortController();
  private lastOkAt: number | null = null;
  private lastError: BackendState["lastError"] = null;
  private version: string | null = null;

  constructor(o: RemoteModelOptions) {
    const problems: string[] = [];
    if (o.labels.length === 0) problems.push("a remote model needs the project's labels");
    if (new Set(o.labels).size !== o.labels.length) problems.push("a remote model's labels must be distinct");
    if (!(Number.isInteger(o.poolSize) && o.poolSize >= 0)) problems.push(`poolSize must be an integer >= 0, got ${o.poolSize}`);
    const batchSize = o.batchSize ?? 64;
    const timeoutMs = o.timeoutMs ?? 10_000;
    const concurrency = o.concurrency ?? 4;
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) problems.push(`batchSize must be an integer >= 1, got ${batchSize}`);
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) problems.push(`timeoutMs must be > 0, got ${timeoutMs}`);
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) problems.push(`concurrency must be an integer >= 1, got ${concurrency}`);
    if (problems.length > 0) throw new BadOptionError(problems);
    this.base = backendBase(o.url);
    this.url = this.base.toString().replace(/\/$/, "");
    this.labels = [...o.labels];
    this.nClasses = o.labels.length;
    this.poolSize = o.poolSize;
    this.item = o.item;
    this.taskId = o.taskId ?? ((i) => i);
    this.batchSize = batchSize;
    this.timeoutMs = timeoutMs;
    this.concurrency = concurrency;
    this.maxReplyBytes = o.maxReplyBytes ?? 16 << 20;
    this.fromName = o.fromName ?? "label";
    this.project = o.project ?? "activelearn";
    this.params = o.params;
    this.labelConfig = o.labelConfig ?? labelConfig(o.labels, o.fields ?? ["text"], this.fromName);
    this.proba = new Float64Array(o.poolSize * this.nClasses);
    this.have = new Uint8Array(o.poolSize);
  }

  /** The model version the backend last reported (setup or predictions), null if none. */
  get modelVersion(): string | null {
    return this.version;
  }

  /** True when pool item `index` has a cached probability row. */
  has(index: number): boolean {
    return this.have[index] === 1;
  }

  /** The last success and failure, for the dashboard. */
  state(): BackendState {
    return { url: this.url, lastOkAt: this.lastOkAt, lastError: this.lastError, modelVersion: this.version, cachedRows: this.nCached };
  }

  /** Drops every cached row (the backend retrained; the next prefetch asks again). */
  invalidate(): void {
    this.have.fill(0);
    this.nCached = 0;
  }

  /** Cancels the requests in flight (they fail with "cancelled"); later calls fail the same way. */
  close(): void {
    this.closer.abort();
  }

  /** Asks `GET /health`; never throws. Up = HTTP 2xx with `{"status": "UP"}` (any case). */
  async health(timeoutMs = this.timeoutMs): Promise<BackendHealth> {
    const t0 = performance.now();
    const latency = (): number => Math.round((performance.now() - t0) * 10) / 10;
    try {
      const raw = await this.request("GET", "health", undefined, timeoutMs, "GET /health");
      const h = healthReply.safeParse(raw);
      if (!h.success) throw this.fail("invalid", `the model backend at ${this.url} answered GET /health with an unexpected reply (${issuesText(h.error)})`);
      const up = h.data.status.toUpperCase() === "UP";
      return {
        up,
        url: this.url,
        status: h.data.status,
        modelClass: h.data.model_class ?? null,
        latencyMs: latency(),
        message: up ? null : `the model backend at ${this.url} reports status "${snippet(h.data.status)}", not "UP"`,
        failure: up ? null : "invalid",
      };
    } catch (e) {
      const err = e instanceof ModelBackendError ? e : this.fail("unreachable", `the model backend at ${this.url} failed: ${causeOf(e)}`);
      return { up: false, url: this.url, status: null, modelClass: null, latencyMs: latency(), message: err.message, failure: err.failure };
    }
  }

  /**
   * Sends `POST /setup` with the project, its label config (`schema`), the labels and the model
   * version we know of; records the model version the backend answers with.
   */
  async setup(): Promise<{ modelVersion: string | null }> {
    const body = { project: this.project, schema: this.labelConfig, label_config: this.labelConfig, labels: this.labels, ...(this.version !== null ? { model_version: this.version } : {}) };
    const raw = await this.request("POST", "setup", body, this.timeoutMs, "POST /setup");
    const r = setupReply.safeParse(raw);
    if (!r.success) throw this.fail("invalid", `the model backend at ${this.url} answered POST /setup with an unexpected reply (${issuesText(r.error)})`);
    if (r.data.model_version !== undefined) this.version = String(r.data.model_version);
    return { modelVersion: this.version };
  }

  /**
   * Fetches and caches the probability rows of `rows` (pool indices) that are not cached yet. On a
   * failure the batches that completed stay cached; the error is the first one met (the other
   * requests in flight are cancelled).
   * @throws ModelBackendError
   */
  async prefetch(rows: ArrayLike<number>): Promise<PrefetchReport> {
    const t0 = performance.now();
    const want: number[] = [];
    const seen = new Set<number>();
    let cached = 0;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      if (!(Number.isInteger(i) && i >= 0 && i < this.poolSize)) throw new BadOptionError([`remote model: pool index ${i} is outside 0..${this.poolSize - 1}`]);
      if (seen.has(i)) continue;
      seen.add(i);
      if (this.have[i] === 1) cached++;
      else want.push(i);
    }
    const batches: number[][] = [];
    for (let s = 0; s < want.length; s += this.batchSize) batches.push(want.slice(s, s + this.batchSize));
    const group = new AbortController();
    let failure: unknown = null;
    let next = 0;
    let noPrediction = 0;
    const worker = async (): Promise<void> => {
      while (failure === null && next < batches.length) {
        const batch = batches[next++];
        try {
          noPrediction += await this.predictBatch(batch, group.signal);
        } catch (e) {
          if (failure === null) {
            failure = e;
            group.abort();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    if (failure !== null) throw failure as Error;
    return { fetched: want.length, cached, noPrediction, requests: batches.length, ms: Math.round(performance.now() - t0) };
  }

  /** Prefetches `rows` and returns their probabilities (rows.length x nClasses). */
  async predictRows(rows: Int32Array): Promise<Float64Array> {
    await this.prefetch(rows);
    return this.predictProba(remotePool(this.poolSize), rows);
  }

  /**
   * Probabilities of `rows` (pool indices; all X.rows if omitted) from the cache; X is not read.
   * @throws ActiveLearnError NOT_FITTED when a row was not prefetched
   */
  predictProba(X: Matrix, rows?: Int32Array): Float64Array {
    const K = this.nClasses;
    const rs = rows ?? Int32Array.from({ length: X.rows }, (_, i) => i);
    const out = new Float64Array(rs.length * K);
    const missing: number[] = [];
    for (let r = 0; r < rs.length; r++) {
      const i = rs[r];
      if (!(i >= 0 && i < this.poolSize) || this.have[i] !== 1) {
        missing.push(i);
        continue;
      }
      out.set(this.proba.subarray(i * K, i * K + K), r * K);
    }
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(", ");
      throw new ActiveLearnError("NOT_FITTED", `remote model: pool item${missing.length > 1 ? "s" : ""} ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""} have no prediction from the backend at ${this.url} yet: await prefetch(rows) before querying`);
    }
    return out;
  }

  /** One /predict request for `batch`; caches its rows only if the whole reply is usable. */
  private async predictBatch(batch: readonly number[], group: AbortSignal): Promise<number> {
    const tasks: BackendTask[] = batch.map((i) => ({ id: this.taskId(i), data: this.item(i) }));
    const body = { tasks, label_config: this.labelConfig, project: this.project, ...(this.params !== undefined ? { params: this.params } : {}) };
    const what = `POST /predict, ${batch.length} task${batch.length === 1 ? "" : "s"}`;
    const raw = await this.request("POST", "predict", body, this.timeoutMs, what, group);
    const reply = predictReply.safeParse(raw);
    if (!reply.success) throw this.fail("invalid", `the model backend at ${this.url} answered ${what} without a "results" list (${issuesText(reply.error)})`);
    const results = Array.isArray(reply.data) ? reply.data : reply.data.results;
    if (results.length !== batch.length) {
      throw this.fail("invalid", `the model backend at ${this.url} answered ${results.length} prediction${results.length === 1 ? "" : "s"} for ${batch.length} tasks (${what}, tasks ${String(tasks[0].id)} … ${String(tasks[tasks.length - 1].id)}); it must answer one per task, in order`);
    }
    const K = this.nClasses;
    const rows = new Float64Array(batch.length * K);
    let empty = 0;
    let version: string | null = null;
    for (let t = 0; t < batch.length; t++) {
      const bad = (problem: string): ModelBackendError =>
        this.fail("invalid", `the model backend at ${this.url} sent an unusable prediction for task ${String(tasks[t].id)} (pool item ${batch[t]}): ${problem}`, { taskId: tasks[t].id });
      const p = parsePrediction(results[t], t);
      if (typeof p === "string") throw bad(p);
      const row = probabilityRow(p, { labels: this.labels, fromName: this.fromName }, t);
      if (typeof row === "string") throw bad(row);
      rows.set(row.row, t * K);
      if (row.empty) empty++;
      if (p.model_version !== undefined) version = String(p.model_version);
    }
    for (let t = 0; t < batch.length; t++) {
      const i = batch[t];
      this.proba.set(rows.subarray(t * K, t * K + K), i * K);
      if (this.have[i] === 0) this.nCached++;
      this.have[i] = 1;
    }
    if (version !== null) this.version = version;
    return empty;
  }

  private fail(failure: ModelBackendError["failure"], message: string, extra: { status?: number; taskId?: string | number } = {}): ModelBackendError {
    const e = new ModelBackendError(failure, this.url, message, extra);
    this.lastError = { message, failure, at: Date.now() };
    return e;
  }

  /**
   * One JSON request bounded by `timeoutMs` from connect to the last byte of the reply.
   * @throws ModelBackendError: unreachable, timeout, http (non-2xx), malformed (not JSON), invalid (too large)
   */
  private async request(method: "GET" | "POST", path: string, body: unknown, timeoutMs: number, what: string, group?: AbortSignal): Promise<unknown> {
    const own = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      own.abort();
    }, timeoutMs);
    const signals = [own.signal, this.closer.signal, ...(group !== undefined ? [group] : [])];
    const signal = AbortSignal.any(signals);
    const interrupted = (e: unknown): ModelBackendError => {
      if (timedOut) return this.fail("timeout", `the model backend at ${this.url} did not answer within ${formatWait(timeoutMs)} (${what})`);
      if (this.closer.signal.aborted || group?.aborted === true) return new ModelBackendError("unreachable", this.url, `the request to the model backend at ${this.url} was cancelled (${what})`);
      return this.fail("unreachable", `the model backend at ${this.url} cannot be reached (${causeOf(e)}; ${what})`);
    };
    try {
      let res: Response;
      try {
        res = await fetch(new URL(path, this.base), {
          method,
          signal,
          redirect: "error",
          headers: { accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (e) {
        throw interrupted(e);
      }
      let text: string;
      try {
        text = await this.readBody(res, res.ok ? this.maxReplyBytes : 64 << 10, what);
      } catch (e) {
        if (e instanceof ModelBackendError) throw e;
        throw interrupted(e);
      }
      if (!res.ok) {
        const said = snippet(text);
        throw this.fail("http", `the model backend at ${this.url} answered HTTP ${res.status} to ${what}${said !== "" ? `: ${said}` : ""}`, { status: res.status });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw this.fail("malformed", `the model backend at ${this.url} answered ${what} with malformed JSON (${e instanceof Error ? e.message : String(e)}): ${snippet(text) || "an empty body"}`, { status: res.status });
      }
      this.lastOkAt = Date.now();
      return parsed;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The reply body as text, at most `limit` bytes (beyond: an error for a 2xx, cut for the rest). */
  private async readBody(res: Response, limit: number, what: string): Promise<string> {
    if (res.body === null) return "";
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        if (res.ok) throw this.fail("invalid", `the model backend at ${this.url} answered ${what} with more than ${Math.round(limit / (1 << 20))} MiB`);
        break;
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString("utf8");
  }
}
