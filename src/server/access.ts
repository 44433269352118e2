/**
 * Accounts on the HTTP API and the pages: per request, the account of its `Authorization:
 * Bearer` token (src/auth/authenticate.ts, with one {@link VerifiedTokens} cache per server), else
 * of its session cookie (`al_session`, set by the web login: ./login.ts); then the role × route
 * table (src/auth/policy.ts) on the route as hono writes it: 401 with `WWW-Authenticate: Bearer`
 * without a good token or session, 403 for a role that may not. A request with an Authorization
 * header is judged by it alone (a bad token never falls back to the cookie). In open mode (no
 * accounts) nothing changes.
 *
 * CSRF: the cookie is sent by the browser on its own, so every state-changing request (anything
 * but GET, HEAD, OPTIONS) authenticated by the session must carry the session's CSRF token as the
 * `X-CSRF-Token` header (src/auth/sessions.ts; GET /api/me and the login reply give it), else 403
 * and nothing changes. A Bearer request needs none: no page of another site can add that header.
 * POST /api/login is exempt (it checks credentials, not the cookie).
 *
 * Pages: `/` and `/dashboard` without a valid session (and without an Authorization header) are a
 * 303 to `/login?next=PATH`; a token link (`/?token=T`, the form the CLI's links had) is a 303 to
 * `/login?next=PATH#token=T`, whose script trades the token for a session cookie (the token never
 * stays in the tab's storage, and leaves the address bar at once).
 *
 * The acting annotator of an authenticated request is the account's name: an `annotator` query
 * or body field may be left out or repeat it; naming someone else is a 403 (only an admin's undo
 * may name whose label to undo).
 *
 * @example
 * app.use("*", accessControl(store));
 * const who = actingAnnotator(c, named, "query", problems); // the account's name, or `named` in open mode
 */
import type { MiddlewareHandler } from "hono";
import { identify, VerifiedTokens } from "../auth/authenticate.js";
import { accessOf, authorize, type Access } from "../auth/policy.js";
import { checkCsrf } from "../auth/sessions.js";
import { bearerToken } from "../auth/token.js";
import { hasAccounts, type User } from "../auth/users.js";
import { API_ROUTES } from "../contract/routes.js";
import { ActiveLearnError } from "../errors.js";
import type { Store } from "../store/types.js";
import { errorReply, jsonResponse } from "./http.js";
import { cookieValue, safeNext, SESSION_COOKIE } from "./session-cookie.js";
import type { Problems } from "./validate.js";

/** What the access check leaves on the request's context for the handlers. */
export interface AccessVariables {
  /** The caller's account; null in open mode (no accounts). */
  readonly user: User | null;
  /** How far the caller reaches on this route ("own": only their own records). */
  readonly access: Access;
  /** How the caller was authenticated: "open" without accounts; null when not at all (a public route). */
  readonly via: "token" | "session" | "open" | null;
  /** The session id of a request authenticated by the session cookie, else null. */
  readonly sessionId: string | null;
}

const API_PATTERNS = API_ROUTES.map((r) => ({ method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`), id: r.path.replace(/\{([^}]+)\}/g, ":$1") }));

/** The route id of a path as policy.ts writes it (hono's pattern), or the path itself for an unknown one. */
export function routeIdOf(pathname: string): string {
  const api = API_PATTERNS.find((r) => r.pattern.test(pathname));
  if (api !== undefined) return api.id;
  if (pathname === "/") return "/";
  if (/^\/dashboard\/?$/.test(pathname)) return "/dashboard";
  if (/^\/review\/?$/.test(pathname)) return "/review";
  if (pathname.startsWith("/static/")) return "/static/*";
  if (pathname === "/login") return "/login";
  return pathname;
}

const refuse = (status: 401 | 403, message: string): Response => {
  const code = status === 401 ? "UNAUTHORIZED" : "FORBIDDEN";
  const { body } = errorReply(new ActiveLearnError(code, message));
  return jsonResponse(status, body, status === 401 ? { "www-authenticate": 'Bearer realm="activelearn"' } : {});
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A 303 to `location` (a path on this server). */
const seeOther = (location: string): Response => new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });

/** The login page's URL for a page request to `url` (its `token` parameter dropped). */
function loginUrl(url: URL): string {
  const rest = new URLSearchParams(url.searchParams);
  rest.delete("token");
  const query = rest.toString();
  return `/login?next=${encodeURIComponent(safeNext(url.pathname + (query === "" ? "" : `?${query}`)))}`;
}

/** The hono middleware that authenticates and authorizes every request on `store`'s accounts. */
export function accessControl(store: Store): MiddlewareHandler<{ Variables: AccessVariables }> {
  const cache = new VerifiedTokens();
  return async (c, next) => {
    const url = new URL(c.req.url);
    const route = routeIdOf(url.pathname);
    const method = c.req.method.toUpperCase();
    let user: User | null = null;
    let via: AccessVariables["via"] = "open";
    let sessionId: string | null = null;
    if (hasAccounts(store)) {
      const header = c.req.header("authorization");
      const page = (route === "/" || route === "/dashboard" || route === "/review") && header === undefined;
      // A token link: the login page trades the token for a session (in the fragment: not sent again).
      const linkToken = page ? url.searchParams.get("token") : null;
      if (linkToken !== null && linkToken !== "") return seeOther(`${loginUrl(url)}#token=${encodeURIComponent(linkToken)}`);
      // With an Authorization header the header alone counts: a bad token never falls back to the cookie.
      const cookie = header === undefined ? cookieValue(c.req.header("cookie"), SESSION_COOKIE) : null;
      const who = await identify(store, { bearer: header !== undefined ? bearerToken(header) : null, sessionId: cookie }, Date.now(), cache);
      user = who?.user ?? null;
      via = who?.via ?? null;
      sessionId = who?.via === "session" ? cookie : null;
      if (sessionId !== null && !SAFE_METHODS.has(method) && route !== "/api/login" && !checkCsrf(sessionId, c.req.header("x-csrf-token"))) {
        return refuse(403, `header X-CSRF-Token: ${c.req.header("x-csrf-token") === undefined ? "missing" : "wrong"}: a ${method} with the session cookie must send the session's CSRF token (GET /api/me gives it); nothing was changed`);
      }
      const verdict = authorize(user, method, route, true);
      if (verdict === 401) {
        if (page) return seeOther(loginUrl(url));
        const message =
          header !== undefined
            ? "the token is not valid (unknown, reset or removed account, or a disabled one)"
            : cookie !== null
              ? "the session has ended (logged out, expired, or the account was reset, removed or disabled): log in again at /login"
              : "this project has accounts: log in at /login, or send Authorization: Bearer TOKEN (activelearn users DIR add NAME --role ROLE prints one)";
        return refuse(401, message);
      }
      if (verdict === 403) return refuse(403, `${user!.role} "${user!.name}" may not ${method} ${route}`);
    }
    c.set("user", user);
    c.set("via", via);
    c.set("sessionId", sessionId);
    c.set("access", accessOf(user, method, route) ?? "all");
    await next();
  };
}

/**
 * Who acts: in open mode the named annotator (a problem listed when none is named); with an
 * account, its name. Naming someone else is a 403, unless `mayNameOthers` (an admin's undo).
 * @param where "query" or "body", for the messages
 */
export function actingAnnotator(user: User | null, named: string | undefined, where: "query" | "body", p: Problems, mayNameOthers = false): string {
  if (user === null) {
    if (named === undefined) p.list.push(`${where}: field "annotator" is required`);
    return named ?? "";
  }
  if (named === undefined || named === user.name || mayNameOthers) return named ?? user.name;
  throw new ActiveLearnError("FORBIDDEN", `${where}: field "annotator": you are signed in as "${user.name}" and may not act as "${named}" (leave the field out)`);
}
