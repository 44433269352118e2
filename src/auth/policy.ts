/**
 * Who may do what: one table, {@link POLICY}, mapping each route of the API and the pages to the
 * roles allowed and how far each reaches ("all": everyone's records; "own": only the caller's
 * own: their labels to undo, their history in the stats), and {@link authorize}, which the HTTP
 * layer calls on every request with the account from the token or session.
 *
 * The single-user rule: a project without accounts is open (today's mode); `serve` allows that
 * only on loopback ({@link exposureCheck}). Once a project has an account every request needs a
 * token or session, except the public routes (the login page, its assets, login and logout).
 * A (method, route) pair missing from the table is allowed to admins only (deny by default).
 *
 * @example
 * authorize(null, "GET", "/api/next", true) // 401
 * authorize(viewer, "GET", "/api/export", true) // 403
 * authorize(null, "GET", "/api/next", false) // "ok": no accounts, open mode
 */
import { isLoopback } from "../server/address.js";
import type { Role } from "./roles.js";

/** The routes, as hono writes their paths. */
export type RouteId =
  | "/api/next"
  | "/api/items/:id/label"
  | "/api/items/:id/skip"
  | "/api/items/:id/image/:field"
  | "/api/stats"
  | "/api/dashboard"
  | "/api/project"
  | "/api/export"
  | "/api/predict"
  | "/api/openapi.json"
  | "/api/settings"
  | "/api/webhooks"
  | "/api/webhooks/:id"
  | "/api/webhooks/deliveries"
  | "/"
  | "/dashboard"
  | "/static/*"
  | "/login"
  | "/api/login"
  | "/api/logout"
  | "/api/me"
  // The review queue.
  | "/api/reviews"
  | "/api/review/next"
  | "/api/review/:id/resolve"
  | "/review";

/** How far a role reaches on a route: everyone's records, or only the caller's own. */
export type Access = "all" | "own";

export interface RouteRule {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly route: RouteId;
  /** "public": no account needed, even when the project has accounts. */
  readonly roles: "public" | Readonly<Partial<Record<Role, Access>>>;
  /** Why, in a phrase (for the docs and the test's messages). */
  readonly what: string;
}

const LABELERS = { admin: "all", reviewer: "all", annotator: "own" } as const;
const READERS = { admin: "all", reviewer: "all", annotator: "own", viewer: "all" } as const;
const EVERYONE = { admin: "all", reviewer: "all", annotator: "all", viewer: "all" } as const;
const REVIEWERS = { admin: "all", reviewer: "all" } as const;

/** The role × route table. */
export const POLICY: readonly RouteRule[] = [
  { method: "GET", route: "/api/next", roles: LABELERS, what: "lease the next item to label (as the caller)" },
  { method: "POST", route: "/api/items/:id/label", roles: LABELERS, what: "label an item (as the caller)" },
  { method: "DELETE", route: "/api/items/:id/label", roles: { admin: "all", reviewer: "own", annotator: "own" }, what: "undo a label (the caller's own; an admin's any)" },
  { method: "POST", route: "/api/items/:id/skip", roles: LABELERS, what: "skip an item (as the caller)" },
  { method: "DELETE", route: "/api/items/:id/skip", roles: LABELERS, what: "take back a skip (the caller's own)" },
  { method: "GET", route: "/api/items/:id/image/:field", roles: LABELERS, what: "an item's image file (an annotator's: only items leased to or labeled by them)" },
  { method: "GET", route: "/api/stats", roles: READERS, what: "counts and metrics (an annotator's per-annotator rows: their own)" },
  { method: "GET", route: "/api/dashboard", roles: READERS, what: "the dashboard's figures (an annotator's per-annotator rows: their own)" },
  { method: "GET", route: "/api/project", roles: EVERYONE, what: "the project's settings, read-only" },
  { method: "GET", route: "/api/export", roles: { admin: "all" }, what: "export every label and item" },
  { method: "POST", route: "/api/predict", roles: { admin: "all", reviewer: "all" }, what: "score items with the current model" },
  { method: "GET", route: "/api/settings", roles: { admin: "all" }, what: "the settings an admin may change while serving (overlap)" },
  { method: "PATCH", route: "/api/settings", roles: { admin: "all" }, what: "change the overlap settings" },
  { method: "GET", route: "/api/webhooks", roles: { admin: "all" }, what: "the webhook receivers" },
  { method: "POST", route: "/api/webhooks", roles: { admin: "all" }, what: "add a webhook receiver" },
  { method: "DELETE", route: "/api/webhooks/:id", roles: { admin: "all" }, what: "remove a webhook receiver" },
  { method: "GET", route: "/api/webhooks/deliveries", roles: { admin: "all" }, what: "the webhook delivery log" },
  { method: "GET", route: "/api/openapi.json", roles: EVERYONE, what: "the API's description" },
  { method: "GET", route: "/", roles: LABELERS, what: "the labeling page" },
  { method: "GET", route: "/dashboard", roles: READERS, what: "the dashboard page" },
  { method: "GET", route: "/static/*", roles: "public", what: "the pages' scripts and styles (no project data; the login page needs them)" },
  { method: "GET", route: "/login", roles: "public", what: "the login page" },
  { method: "POST", route: "/api/login", roles: "public", what: "log in (rate-limited; see rate-limit.ts)" },
  { method: "POST", route: "/api/logout", roles: "public", what: "log out (ends the caller's session, if any)" },
  { method: "GET", route: "/api/me", roles: EVERYONE, what: "who the caller is (name, role, token or session, the session's CSRF token)" },
  // The review queue: reviewers and admins (a reviewer sees every label of an item and decides).
  { method: "GET", route: "/api/reviews", roles: REVIEWERS, what: "list the review queue" },
  { method: "GET", route: "/api/review/next", roles: REVIEWERS, what: "lease the next review (as the caller)" },
  { method: "POST", route: "/api/review/:id/resolve", roles: REVIEWERS, what: "decide an item's final label (as the caller)" },
  { method: "GET", route: "/review", roles: REVIEWERS, what: "the review page" },
];

/** The rule of a (method, route) pair; HEAD follows GET. */
export function ruleFor(method: string, route: string): RouteRule | undefined {
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return POLICY.find((r) => r.method === m && r.route === route);
}

/** The part of an account `authorize` looks at. */
export interface Caller {
  readonly role: Role;
  readonly disabled?: boolean;
}

/**
 * Whether a request may go on: "ok", 401 (no account, or a bad or disabled one, while the
 * project has accounts) or 403 (the caller's role may not).
 * @param user the account of the request's token or session (null: none, or a bad one)
 * @param projectHasAccounts whether the project has any account (none: open mode)
 */
export function authorize(user: Caller | null, method: string, route: string, projectHasAccounts: boolean): "ok" | 401 | 403 {
  const rule = ruleFor(method, route);
  if (rule?.roles === "public") return "ok";
  if (!projectHasAccounts) return "ok";
  if (user === null || user.disabled === true) return 401;
  if (rule === undefined) return user.role === "admin" ? "ok" : 403;
  return rule.roles[user.role] === undefined ? 403 : "ok";
}

/**
 * How far an allowed caller reaches on a route: "all", or "own" (the HTTP layer then limits the
 * records to the caller's: undo only their labels, per-annotator rows only theirs). Open mode
 * (no accounts, `user` null) reaches all; null when the caller may not use the route at all.
 */
export function accessOf(user: Caller | null, method: string, route: string): Access | null {
  const rule = ruleFor(method, route);
  if (rule === undefined) return user?.role === "admin" ? "all" : null;
  if (rule.roles === "public" || user === null) return "all";
  return rule.roles[user.role] ?? null;
}

/**
 * Why `serve` must not start on `host`, or null: a project without an admin is served only on
 * loopback (without accounts it is open to whoever reaches the port).
 */
export function exposureCheck(hasAdmin: boolean, host: string): string | null {
  if (hasAdmin || isLoopback(host)) return null;
  return `option --host ${host}: not loopback, and the project has no admin account: anyone who can reach the port could label and export; add one first (activelearn users DIR add NAME --role admin) or serve on 127.0.0.1`;
}
