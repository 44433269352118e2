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

// The API's types, generated from the server's route schemas (one contract; no zod in the browser).
export type { AccuracyReport, Advice, AnnotatorStats, Caller, Cell, CriterionState, CurvePoint, Dashboard, Figure, Item, LabelResult, Project, Stats, Suggestion } from "./contract.gen.js";
import type { Caller, Dashboard, Item, LabelResult, Project, Stats } from "./contract.gen.js";
// The review queue's types.
export type { ItemLabel, Overturned, ResolveReply, ReviewFigures, ReviewList, ReviewSummary, ReviewView } from "./contract.gen.js";
import type { ResolveReply, ReviewList, ReviewView } from "./contract.gen.js";

/** A time as the server sends it: epoch milliseconds or an ISO string; null = never. */
export type Time = number | string | null;

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

/** The login page's URL, to come back to the current page after logging in. */
export function loginPath(): string {
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

export interface ApiOptions {
  readonly base?: string;
  readonly timeoutMs?: number;
  /**
   * Called on a 401 (the session ended: logged out elsewhere, expired, account reset) before the
   * call rejects; the pages send the browser to the login page.
   */
  readonly onUnauthorized?: () => void;
}

/**
 * The client. The browser sends the session cookie by itself (HttpOnly: this code never sees
 * it); the session's CSRF token, learnt from {@link Api.me} or {@link Api.login}, is kept in
 * memory only and sent as `X-CSRF-Token` on every state-changing call.
 */
export class Api {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly onUnauthorized: (() => void) | undefined;
  private csrf: string | null = null;

  constructor(options: ApiOptions = {}) {
    this.base = options.base ?? "";
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.onUnauthorized = options.onUnauthorized;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        cache: "no-store",
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...(this.csrf === null || method === "GET" ? {} : { "X-CSRF-Token": this.csrf }),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof DOMException && e.name === "TimeoutError";
      throw new ApiError(0, timedOut ? "timeout" : "network", timedOut ? "The server did not answer in time." : "Cannot reach the server.");
    }
    if (res.status === 401) this.onUnauthorized?.();
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

  /** Who is calling (remembers the session's CSRF token). */
  async me(): Promise<Caller> {
    const c = await this.json<Caller>("GET", "/api/me");
    this.csrf = c.csrfToken;
    return c;
  }

  /** Logs in with a name and password, or a token; the reply's cookie starts the session. */
  async login(body: { name: string; password: string } | { token: string }): Promise<Caller> {
    const c = await this.json<Caller>("POST", "/api/login", body);
    this.csrf = c.csrfToken;
    return c;
  }

  /** Ends the session and clears its cookie. */
  async logout(): Promise<void> {
    await this.request("POST", "/api/logout");
    this.csrf = null;
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

  // The review queue (reviewers and admins).

  /** Open or resolved reviews, oldest first. */
  reviews(status: "open" | "resolved", limit = 100): Promise<ReviewList> {
    return this.json<ReviewList>("GET", `/api/reviews?status=${status}&limit=${limit}`);
  }

  /**
   * The reviewer's next review, leased to them (null when none is free); with `skip`, passing on
   * that review first. `reviewer` names them on a project without accounts (null: the token's user).
   */
  async reviewNext(reviewer: string | null, skip?: number): Promise<ReviewView | null> {
    const q = [reviewer === null ? "" : `reviewer=${encodeURIComponent(reviewer)}`, skip === undefined ? "" : `skip=${skip}`].filter((x) => x !== "").join("&");
    const body = await this.json<{ review: ReviewView | null }>("GET", `/api/review/next${q === "" ? "" : `?${q}`}`);
    return body.review;
  }

  /** The decision on a review: `seen` is the version token of the review as shown (a 409 when the item changed since). */
  resolveReview(id: number, label: string, seen: number, reviewer: string | null): Promise<ResolveReply> {
    return this.json<ResolveReply>("POST", `/api/review/${id}/resolve`, reviewer === null ? { label, seen } : { label, seen, reviewer });
  }
}
