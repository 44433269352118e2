/**
 * Accounts on the HTTP API: per request, the account of its `Authorization: Bearer` token
 * (src/auth/authenticate.ts, with one {@link VerifiedTokens} cache per server), then the role ×
 * route table (src/auth/policy.ts) on the route as hono writes it: 401 with `WWW-Authenticate:
 * Bearer` without a good token, 403 for a role that may not. In open mode (no accounts) nothing
 * changes. The pages (`/`, `/dashboard`) also take the token once as `?token=` on their URL, since
 * a browser opening a link sends no Authorization header.
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
import { bearerToken } from "../auth/token.js";
import { hasAccounts, type User } from "../auth/users.js";
import { API_ROUTES } from "../contract/routes.js";
import { ActiveLearnError } from "../errors.js";
import type { Store } from "../store/types.js";
import { errorReply, jsonResponse } from "./http.js";
import type { Problems } from "./validate.js";

/** What the access check leaves on the request's context for the handlers. */
export interface AccessVariables {
  /** The caller's account; null in open mode (no accounts). */
  readonly user: User | null;
  /** How far the caller reaches on this route ("own": only their own records). */
  readonly access: Access;
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
  return pathname;
}

const refuse = (status: 401 | 403, message: string): Response => {
  const code = status === 401 ? "UNAUTHORIZED" : "FORBIDDEN";
  const { body } = errorReply(new ActiveLearnError(code, message));
  return jsonResponse(status, body, status === 401 ? { "www-authenticate": 'Bearer realm="activelearn"' } : {});
};

/** The hono middleware that authenticates and authorizes every request on `store`'s accounts. */
export function accessControl(store: Store): MiddlewareHandler<{ Variables: AccessVariables }> {
  const cache = new VerifiedTokens();
  return async (c, next) => {
    const url = new URL(c.req.url);
    const route = routeIdOf(url.pathname);
    const accounts = hasAccounts(store);
    let user: User | null = null;
    if (accounts) {
      const header = c.req.header("authorization");
      // A page link carries the token as ?token= (the page keeps it and sends it as a header after).
      const pageToken = route === "/" || route === "/dashboard" || route === "/review" ? url.searchParams.get("token") : null;
      const bearer = header !== undefined ? bearerToken(header) : pageToken;
      user = (await identify(store, { bearer, sessionId: null }, Date.now(), cache))?.user ?? null;
      const verdict = authorize(user, c.req.method, route, true);
      if (verdict === 401) return refuse(401, header === undefined && pageToken === null ? "this project has accounts: send Authorization: Bearer TOKEN (activelearn users DIR add NAME --role ROLE prints one)" : "the token is not valid (unknown, reset or removed account, or a disabled one)");
      if (verdict === 403) return refuse(403, `${user!.role} "${user!.name}" may not ${c.req.method} ${route}`);
    }
    c.set("user", user);
    c.set("access", accessOf(user, c.req.method, route) ?? "all");
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
