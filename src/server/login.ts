/**
 * The web login on the server: `POST /api/login` (name and password, or a token) starts a session
 * and sets its cookie (./session-cookie.ts), `POST /api/logout` ends it, `GET /api/me` says who
 * the caller is (with the session's CSRF token), `GET /login` serves the login page.
 *
 * Failed logins are limited per name (or per token's account) and per client address (the
 * socket's address; `X-Forwarded-For` is not trusted) by a {@link LoginRateLimiter}: past the
 * limit, a 429 with `Retry-After` (seconds) before any password is checked. Attempts are checked
 * one at a time, so a burst of parallel guesses cannot slip past the count while their hashes
 * run. A wrong name, a wrong password and a disabled account get the same 401 and cost the same
 * scrypt (src/auth/authenticate.ts).
 *
 * @example
 * registerLogin(app, { store, page: () => html("login.html") });
 */
import type { TLSSocket } from "node:tls";
import type { HttpBindings } from "@hono/node-server";
import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { authenticate, loginWithPassword, VerifiedTokens } from "../auth/authenticate.js";
import { LoginRateLimiter } from "../auth/rate-limit.js";
import { createSession, csrfToken, revokeSession } from "../auth/sessions.js";
import { parseToken } from "../auth/token.js";
import { hasAccounts } from "../auth/users.js";
import { LoginBodySchema, loginRoute, logoutRoute, meRoute } from "../contract/routes.js";
import type { CallerSchema, OkSchema } from "../contract/schemas.js";
import { ActiveLearnError } from "../errors.js";
import type { Store } from "../store/types.js";
import type { AccessVariables } from "./access.js";
import { jsonResponse, readJson } from "./http.js";
import { clearedCookie, cookieValue, safeNext, SESSION_COOKIE, sessionCookie } from "./session-cookie.js";
import { check, Problems } from "./validate.js";

type Env = { Bindings: HttpBindings; Variables: AccessVariables };

export interface LoginOptions {
  readonly store: Store;
  /** The login page's response. */
  readonly page: () => Response;
  /** The clock (ms). */
  readonly now?: () => number;
}

const secureOf = (c: Context<Env>): boolean => (c.env.incoming.socket as Partial<TLSSocket>).encrypted === true;

const caller = (body: z.input<typeof CallerSchema>, headers: Record<string, string> = {}): Response => jsonResponse(200, body, headers);

/** Registers the login page and the session routes on `app`. */
export function registerLogin(app: OpenAPIHono<Env>, o: LoginOptions): void {
  const now = o.now ?? Date.now;
  const limiter = new LoginRateLimiter({ now });
  const tokens = new VerifiedTokens(100);
  let turn: Promise<unknown> = Promise.resolve();

  app.get("/login", (c) => {
    // Only a path on this server may follow a login: anything else is replaced here, before the page runs.
    const next = new URL(c.req.url).searchParams.get("next");
    if (next !== null && safeNext(next) !== next) return new Response(null, { status: 303, headers: { location: `/login?next=${encodeURIComponent(safeNext(next))}`, "cache-control": "no-store" } });
    return o.page();
  });

  app.on("POST", loginRoute.path, async (c) => {
    if (!hasAccounts(o.store)) throw new ActiveLearnError("CONFLICT", "this project has no accounts, so there is nothing to log in to (single-user mode; add an admin with: activelearn users DIR add NAME --role admin)");
    const p = new Problems();
    const b = p.parse(LoginBodySchema, await readJson(c.env.incoming), "body");
    if (b !== null) {
      if (b.token !== undefined && (b.name !== undefined || b.password !== undefined)) p.list.push('body: send either "token" or "name" and "password", not both');
      else if (b.token === undefined && (b.name === undefined || b.password === undefined)) p.list.push(`body: field "${b.name === undefined ? "name" : "password"}" is required (or send "token" alone)`);
    }
    check(p);
    const body = b!;
    const address = c.env.incoming.socket.remoteAddress ?? "unknown";
    const key = body.token !== undefined ? `token of account ${parseToken(body.token)?.userId ?? "?"}` : `name ${body.name!.normalize("NFC").trim()}`;
    // One attempt at a time: each sees the failures of those before it.
    const mine = turn.then(async () => {
      const decision = limiter.check(key, address);
      if (!decision.allowed) return { limited: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)), reason: decision.reason } as const;
      const user = body.token !== undefined ? await authenticate(o.store, body.token, tokens) : await loginWithPassword(o.store, body.name!, body.password!);
      if (user === null) limiter.fail(key, address);
      else limiter.succeed(key);
      return { user } as const;
    });
    turn = mine.catch(() => undefined);
    const outcome = await mine;
    if ("limited" in outcome) {
      const message = `too many failed logins ${outcome.reason === "name" ? "for this account" : "from this address"}: try again in ${outcome.limited} s`;
      return jsonResponse(429, { error: { code: "TOO_MANY_ATTEMPTS", message } }, { "retry-after": String(outcome.limited) });
    }
    const user = outcome.user;
    if (user === null) throw new ActiveLearnError("UNAUTHORIZED", body.token !== undefined ? "the login token is not valid (unknown, reset or removed account, or a disabled one)" : "wrong name or password");
    // A login replaces the session this browser had.
    const old = cookieValue(c.req.header("cookie"), SESSION_COOKIE);
    if (old !== null) revokeSession(o.store, old);
    const t = now();
    const session = createSession(o.store, user.id, t);
    return caller({ name: user.name, role: user.role, via: "session", csrfToken: csrfToken(session.id) }, { "set-cookie": sessionCookie(session.id, (session.expiresAt - t) / 1000, secureOf(c)) });
  });

  app.on("POST", logoutRoute.path, (c) => {
    // A live session: the access check has already asked it for its CSRF token. A dead cookie is only cleared.
    const id = c.get("sessionId");
    if (id !== null) revokeSession(o.store, id);
    return jsonResponse(200, { ok: true } satisfies z.input<typeof OkSchema>, { "set-cookie": clearedCookie(secureOf(c)) });
  });

  app.on("GET", meRoute.path, (c) => {
    const user = c.get("user");
    const sessionId = c.get("sessionId");
    if (user === null) return caller({ name: null, role: null, via: "open", csrfToken: null });
    return caller({ name: user.name, role: user.role, via: sessionId !== null ? "session" : "token", csrfToken: sessionId !== null ? csrfToken(sessionId) : null });
  });
}
