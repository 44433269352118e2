/**
 * A small typed client for the labeling server's REST API (the browser side of the contract).
 * Every call rejects with an {@link ApiError}: the server's `{error: {code, message}}` for a
 * 4xx/5xx, or code "network" when the server could not be reached at all.
 *
 * @example
 * const api = new Api();
 * const item = await api.next("ada"); // null when nothing is left
 * if (item) await api.label(item.id, { label: "spam", annotator: "ada", durationMs: 2300 });
 */

export type Cell = string | number | null;

export interface Project {
  readonly name: string;
  readonly labels: readonly string[];
  readonly textColumn: string | null;
  readonly fields: readonly string[];
  readonly strategy: string;
  readonly model: string;
  readonly total: number;
  readonly retrainEvery: number;
  /** Labels to spend at most; null = none set. */
  readonly budget?: number | null;
  /** Accuracy that is good enough; null = none set. */
  readonly targetAccuracy?: number | null;
}

export interface Suggestion {
  readonly label: string;
  /** The model's probability for the label, 0..1. */
  readonly confidence: number;
}

export interface Item {
  readonly id: string;
  readonly data: Readonly<Record<string, Cell>>;
  readonly suggestion: Suggestion | null;
  readonly score: number;
  readonly strategy: string;
  readonly reason: string;
}

/** A time as the server sends it: epoch milliseconds or an ISO string; null = never. */
export type Time = number | string | null;

/** An accuracy with its sample size and 95% Wilson interval; `value` is null below 10 items. */
export interface Figure {
  /** pool: the headline (random audit picks); hard_items: test-then-train; imported: cross-validated on imported labels. */
  readonly kind: "pool" | "hard_items" | "imported";
  readonly label: string;
  readonly value: number | null;
  readonly n: number;
  readonly low: number | null;
  readonly high: number | null;
  /** One line: "91.2% (95% interval 86.0–94.3%, 120 random picks)" or why there is no figure. */
  readonly text: string;
  readonly method: string;
}

export interface AccuracyReport {
  readonly headline: Figure;
  readonly others: readonly Figure[];
  /** Why imported labels do or do not count. */
  readonly importedLabels: string;
}

export interface CriterionState {
  readonly name: string;
  readonly state: "fired" | "waiting" | "off";
  readonly reason: string;
}

/** Keep labeling / you can stop now. */
export interface Advice {
  readonly stop: boolean;
  readonly sentence: string;
  readonly criteria: readonly CriterionState[];
  readonly agree: readonly string[];
  readonly accuracy: Figure;
  readonly next100: { readonly gain: number; readonly low: number; readonly high: number } | null;
  readonly next100Text: string;
  readonly budget: { readonly limit: number; readonly spent: number; readonly reached: boolean } | null;
  readonly target: { readonly accuracy: number; readonly reached: boolean } | null;
}

export interface Stats {
  readonly total: number;
  readonly labeled: number;
  readonly byLabel: Readonly<Record<string, number>>;
  readonly iterations: number;
  readonly lastRetrainAt: Time;
  readonly metrics: unknown;
  readonly accuracy: AccuracyReport;
  readonly advice: Advice;
}

export interface CurvePoint {
  readonly labels: number;
  readonly accuracy: number;
  /** Items the accuracy was measured on (absent on older servers). */
  readonly n?: number;
  /** The 95% Wilson interval (absent on older servers). */
  readonly low?: number;
  readonly high?: number;
}

export interface AnnotatorStats {
  readonly name: string;
  readonly labels: number;
  readonly perHour: number | null;
  readonly medianMs: number | null;
}

export interface Dashboard {
  /** Accuracy at each retrain, cross-validated on the random audit picks (or, with every item imported, on imported labels); `n` items. */
  readonly curve: readonly CurvePoint[];
  readonly curveSource?: "audit" | "imported";
  readonly curveMethod?: string;
  readonly byLabel: Readonly<Record<string, number>>;
  readonly labelsSavedEstimate: number | null;
  /** The estimate at either end of the accuracy's 95% interval (absent on older servers). */
  readonly labelsSavedRange?: readonly [number, number] | null;
  readonly labeled: number;
  readonly total: number;
  readonly annotators: readonly AnnotatorStats[];
  readonly iterations: number;
  readonly lastRetrainAt: Time;
  /** The headline accuracy and the others (absent on older servers). */
  readonly accuracy?: AccuracyReport;
  /** The stopping advice (absent on older servers). */
  readonly advice?: Advice;
}

export interface LabelResult {
  readonly ok: true;
  readonly labeled: number;
}

/** A failed call: HTTP status (0 when the server was unreachable), the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The `{error: {code, message}}` body of a failed response, or a generic one from the status. */
async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = (await res.json()) as unknown;
  } catch {
    // Not JSON (a proxy's error page, an empty body): fall back to the status line.
  }
  if (isObject(body) && isObject(body.error)) {
    const code = typeof body.error.code === "string" ? body.error.code : `http_${res.status}`;
    const message = typeof body.error.message === "string" ? body.error.message : res.statusText;
    return new ApiError(res.status, code, message);
  }
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText || "error"}`.trim());
}

export class Api {
  constructor(
    private readonly base = "",
    private readonly timeoutMs = 20_000,
  ) {}

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        cache: "no-store",
        headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof DOMException && e.name === "TimeoutError";
      throw new ApiError(0, timedOut ? "timeout" : "network", timedOut ? "The server did not answer in time." : "Cannot reach the server.");
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    let data: unknown;
    try {
      data = (await res.json()) as unknown;
    } catch {
      throw new ApiError(res.status, "bad_response", `The server sent an unreadable answer to ${method} ${path}.`);
    }
    if (!isObject(data)) throw new ApiError(res.status, "bad_response", `The server sent an unexpected answer to ${method} ${path}.`);
    return data as T;
  }

  project(): Promise<Project> {
    return this.json<Project>("GET", "/api/project");
  }

  /** The next item for `annotator`, or null when nothing is left (204). */
  /** The annotator's current item; with `ahead`, the item after it (fetched in advance). */
  async next(annotator: string, ahead = false): Promise<Item | null> {
    const res = await this.request("GET", `/api/next?annotator=${encodeURIComponent(annotator)}${ahead ? "&ahead=1" : ""}`);
    if (res.status === 204) return null;
    const body = (await res.json()) as unknown;
    if (!isObject(body) || !isObject(body.item) || typeof body.item.id !== "string" || !isObject(body.item.data)) {
      throw new ApiError(res.status, "bad_response", "The server sent an item without an id or data.");
    }
    return body.item as unknown as Item;
  }

  label(id: string, body: { label: string; annotator: string; durationMs?: number }): Promise<LabelResult> {
    return this.json<LabelResult>("POST", `/api/items/${encodeURIComponent(id)}/label`, body);
  }

  async skip(id: string, annotator: string): Promise<void> {
    await this.request("POST", `/api/items/${encodeURIComponent(id)}/skip`, { annotator });
  }

  /** Undoes `annotator`'s label on the item. */
  async unlabel(id: string, annotator: string): Promise<void> {
    await this.request("DELETE", `/api/items/${encodeURIComponent(id)}/label?annotator=${encodeURIComponent(annotator)}`);
  }

  stats(): Promise<Stats> {
    return this.json<Stats>("GET", "/api/stats");
  }

  dashboard(): Promise<Dashboard> {
    return this.json<Dashboard>("GET", "/api/dashboard");
  }
}
