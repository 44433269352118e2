/**
 * The web login on the real server: logging in (name and password, or a token), the session
 * cookie's flags, access per role through the session, CSRF on every state-changing request of a
 * session (and none for a Bearer request), the rate limit, logout, /api/me, the pages' redirects
 * to /login and the refused open redirect.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { addUser, setDisabled, setPassword } from "../auth/users.js";
import { openStore } from "../store/open.js";
import { startServer, type RunningServer } from "./app.js";
import { dbSnapshot, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

interface Res {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

interface Opts {
  readonly cookie?: string;
  readonly csrf?: string;
  readonly token?: string;
  readonly body?: unknown;
  readonly origin?: string;
}

async function req(srv: RunningServer, method: string, p: string, o: Opts = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (o.body !== undefined) headers["content-type"] = "application/json";
  if (o.cookie !== undefined) headers.cookie = o.cookie;
  if (o.csrf !== undefined) headers["x-csrf-token"] = o.csrf;
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.origin !== undefined) headers.origin = o.origin;
  const res = await fetch(new URL(p, srv.url), { method, headers, redirect: "manual", ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }) });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get("content-type") ?? "").startsWith("application/json") && text !== "" ? (JSON.parse(text) as unknown) : text, headers: res.headers };
}

const PASSWORDS = { admin: "admin-pass-1", reviewer: "reviewer-pass-1", annotator: "annotator-pass-1", viewer: "viewer-pass-1" } as const;
type Role = keyof typeof PASSWORDS;

interface Fixture {
  readonly srv: RunningServer;
  readonly dbPath: string;
  readonly tokens: Record<Role, string>;
}

async function withAccounts(fn: (f: Fixture) => Promise<void>, accounts = true): Promise<void> {
  const { dir, dbPath } = await syntheticProject(60, 6);
  const tokens = {} as Record<Role, string>;
  if (accounts) {
    const store = openStore(dbPath);
    try {
      for (const role of Object.keys(PASSWORDS) as Role[]) {
        tokens[role] = (await addUser(store, role, role)).token;
        await setPassword(store, role, PASSWORDS[role]);
      }
      await addUser(store, "gone", "annotator");
      await setPassword(store, "gone", "gone-pass-1");
      setDisabled(store, "gone", true);
    } finally {
      store.close();
    }
  }
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    await srv.project.idle();
    await fn({ srv, dbPath, tokens });
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

interface Session {
  readonly cookie: string;
  readonly csrf: string;
  readonly setCookie: string;
}

async function logIn(srv: RunningServer, body: unknown): Promise<Session> {
  const r = await req(srv, "POST", "/api/login", { body });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const setCookie = r.headers.get("set-cookie") ?? "";
  const m = /^al_session=([A-Za-z0-9_-]{43});/.exec(setCookie);
  assert.ok(m !== null, setCookie);
  return { cookie: `al_session=${m[1]}`, csrf: (r.body as { csrfToken: string }).csrfToken, setCookie };
}

void test("login with name and password, or a token: an HttpOnly, SameSite=Strict cookie and the CSRF token; /api/me says who", () =>
  withAccounts(async ({ srv, tokens }) => {
    const r = await req(srv, "POST", "/api/login", { body: { name: "annotator", password: PASSWORDS.annotator } });
    assert.equal(r.status, 200);
    const body = r.body as { name: string; role: string; via: string; csrfToken: string };
    assert.deepEqual({ name: body.name, role: body.role, via: body.via }, { name: "annotator", role: "annotator", via: "session" });
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    const flags = (r.headers.get("set-cookie") ?? "").split(";").map((f) => f.trim());
    assert.match(flags[0], /^al_session=[A-Za-z0-9_-]{43}$/);
    assert.ok(flags.includes("HttpOnly"), flags.join("; "));
    assert.ok(flags.includes("SameSite=Strict"), flags.join("; "));
    assert.ok(flags.includes("Path=/"), flags.join("; "));
    assert.ok(flags.includes("Max-Age=43200"), flags.join("; "));
    assert.ok(!flags.includes("Secure"), "plain http: no Secure flag (the browser would drop the cookie)");
    assert.ok(!JSON.stringify(r.body).includes(flags[0].slice("al_session=".length)), "the session id is in the cookie only, never in the body");

    const cookie = flags[0];
    const me = await req(srv, "GET", "/api/me", { cookie });
    assert.deepEqual(me.body, { name: "annotator", role: "annotator", via: "session", csrfToken: body.csrfToken });
    assert.deepEqual((await req(srv, "GET", "/api/me", { token: tokens.viewer })).body, { name: "viewer", role: "viewer", via: "token", csrfToken: null });
    const byToken = await logIn(srv, { token: tokens.reviewer });
    assert.equal(((await req(srv, "GET", "/api/me", { cookie: byToken.cookie })).body as { name: string }).name, "reviewer");
    // Names are matched as the CLI stores them (NFC, trimmed).
    await logIn(srv, { name: "  admin ", password: PASSWORDS.admin });
    assert.equal((await req(srv, "GET", "/api/me")).status, 401);
  }));

void test("a wrong name, password or token is a 401 that does not say which; a bad body is a 400; none sets a cookie", () =>
  withAccounts(async ({ srv, tokens }) => {
    const messages = new Set<string>();
    for (const body of [{ name: "annotator", password: "wrong-password" }, { name: "nobody", password: PASSWORDS.annotator }, { name: "gone", password: "gone-pass-1" }, { name: "viewer", password: PASSWORDS.annotator }]) {
      const r = await req(srv, "POST", "/api/login", { body });
      assert.equal(r.status, 401, JSON.stringify(body));
      assert.equal(r.headers.get("set-cookie"), null);
      messages.add((r.body as { error: { message: string } }).error.message);
    }
    assert.deepEqual([...messages], ["wrong name or password"]);
    const badToken = `${tokens.admin.slice(0, tokens.admin.indexOf(".") + 1)}${"A".repeat(43)}`;
    for (const token of [badToken, "not-a-token", ""]) {
      const r = await req(srv, "POST", "/api/login", { body: { token } });
      assert.equal(r.status, 401, token);
      assert.equal(r.headers.get("set-cookie"), null);
    }
    const bad: [unknown, RegExp][] = [
      [{}, /field "name" is required/],
      [{ name: "admin" }, /field "password" is required/],
      [{ token: tokens.admin, name: "admin" }, /either "token" or "name" and "password", not both/],
      [{ name: 3, password: [] }, /field "name" must be a string, got number[\s\S]*field "password" must be a string/],
      [{ name: "admin", password: "x", role: "admin" }, /unknown field "role"/],
      [{ name: "admin", password: "x".repeat(1025) }, /longer than 1024/],
    ];
    for (const [body, message] of bad) {
      const r = await req(srv, "POST", "/api/login", { body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match((r.body as { error: { message: string } }).error.message, message);
    }
    const form = await fetch(new URL("/api/login", srv.url), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=admin&password=admin-pass-1" });
    assert.equal(form.status, 415, "a form post (another site's page could send one) is refused");
    assert.equal(form.headers.get("set-cookie"), null);
    const foreign = await req(srv, "POST", "/api/login", { body: { name: "admin", password: PASSWORDS.admin }, origin: "http://evil.example" });
    assert.equal(foreign.status, 403, "login from another site's page is refused");
  }));

void test("a session acts as its account: per role, the acting annotator is the account", () =>
  withAccounts(async ({ srv }) => {
    const s: Record<Role, Session> = {} as Record<Role, Session>;
    for (const role of Object.keys(PASSWORDS) as Role[]) s[role] = await logIn(srv, { name: role, password: PASSWORDS[role] });
    const it = ((await req(srv, "GET", "/api/next", { cookie: s.annotator.cookie })).body as ItemReply).item;
    assert.equal((await req(srv, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { cookie: s.annotator.cookie, csrf: s.annotator.csrf, body: { label: syntheticTruth(it.id) } })).status, 201);
    assert.equal((await req(srv, "GET", "/api/export", { cookie: s.annotator.cookie })).status, 403);
    assert.equal((await req(srv, "GET", "/api/next", { cookie: s.viewer.cookie })).status, 403);
    assert.equal((await req(srv, "GET", "/api/dashboard", { cookie: s.viewer.cookie })).status, 200);
    assert.equal((await req(srv, "GET", "/", { cookie: s.viewer.cookie })).status, 403);
    assert.equal((await req(srv, "GET", "/dashboard", { cookie: s.viewer.cookie })).status, 200);
    assert.equal((await req(srv, "GET", "/", { cookie: s.annotator.cookie })).status, 200);
    const exported = (await req(srv, "GET", "/api/export", { cookie: s.admin.cookie })).body as string;
    assert.match(exported.split("\n").find((l) => l.includes(`"id":${JSON.stringify(it.id)}`)) ?? "", /"annotator":"annotator"/);
    // A bad Bearer header is judged alone, never rescued by a good cookie.
    assert.equal((await req(srv, "GET", "/api/stats", { cookie: s.admin.cookie, token: "1.bad" })).status, 401);
  }));

void test("CSRF: a session's state-changing request without its X-CSRF-Token (missing, wrong, another session's) is a 403 and changes nothing; a Bearer request needs none", () =>
  withAccounts(async ({ srv, dbPath, tokens }) => {
    const ana = await logIn(srv, { name: "annotator", password: PASSWORDS.annotator });
    const other = await logIn(srv, { name: "reviewer", password: PASSWORDS.reviewer });
    const it = ((await req(srv, "GET", "/api/next", { cookie: ana.cookie })).body as ItemReply).item;
    const at = `/api/items/${encodeURIComponent(it.id)}`;
    const before = dbSnapshot(dbPath);
    for (const [what, csrf] of [["missing", undefined], ["wrong", "x".repeat(43)], ["another session's", other.csrf], ["the session id itself", ana.cookie.slice("al_session=".length)]] as const) {
      for (const [method, p, body] of [["POST", `${at}/label`, { label: "spam" }], ["POST", `${at}/skip`, {}], ["DELETE", `${at}/label`, undefined], ["POST", "/api/predict", { items: [{ text: "x", length: 1 }] }]] as const) {
        const r = await req(srv, method, p, { cookie: ana.cookie, ...(csrf === undefined ? {} : { csrf }), ...(body === undefined ? {} : { body }) });
        assert.equal(r.status, 403, `${what} ${method} ${p}`);
        assert.match((r.body as { error: { message: string } }).error.message, /X-CSRF-Token: (missing|wrong)/);
      }
    }
    assert.equal(dbSnapshot(dbPath), before, "nothing was recorded");
    assert.equal((await req(srv, "POST", `${at}/label`, { cookie: ana.cookie, csrf: ana.csrf, body: { label: "spam" } })).status, 201);
    assert.equal((await req(srv, "DELETE", `${at}/label`, { cookie: ana.cookie, csrf: ana.csrf })).status, 200);
    // GETs need no CSRF token; a Bearer request none at all.
    assert.equal((await req(srv, "GET", "/api/stats", { cookie: ana.cookie })).status, 200);
    const bearerItem = ((await req(srv, "GET", "/api/next", { token: tokens.annotator })).body as ItemReply).item;
    assert.equal((await req(srv, "POST", `/api/items/${encodeURIComponent(bearerItem.id)}/label`, { token: tokens.annotator, body: { label: "ham" } })).status, 201);
  }));

void test("rate limit: after 5 failures for a name (and 20 from an address) a 429 with Retry-After, even with the right password; a parallel burst cannot slip past", () =>
  withAccounts(async ({ srv }) => {
    // 8 wrong guesses at once: exactly 5 are checked, 3 refused.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => req(srv, "POST", "/api/login", { body: { name: "reviewer", password: `guess-${i}` } })));
    assert.deepEqual(burst.map((r) => r.status).sort(), [401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = await req(srv, "POST", "/api/login", { body: { name: "reviewer", password: PASSWORDS.reviewer } });
    assert.equal(limited.status, 429, "the right password does not get through while limited");
    assert.equal(limited.headers.get("set-cookie"), null);
    const retry = Number(limited.headers.get("retry-after"));
    assert.ok(Number.isInteger(retry) && retry > 800 && retry <= 900, `Retry-After ${limited.headers.get("retry-after")}`);
    assert.equal((limited.body as { error: { code: string } }).error.code, "TOO_MANY_ATTEMPTS");
    assert.match((limited.body as { error: { message: string } }).error.message, /for this account/);
    // Another name still logs in (5 failures so far from this address).
    await logIn(srv, { name: "viewer", password: PASSWORDS.viewer });
    for (let i = 0; i < 15; i++) assert.equal((await req(srv, "POST", "/api/login", { body: { name: `made-up-${i}`, password: "guess" } })).status, 401);
    const byAddress = await req(srv, "POST", "/api/login", { body: { name: "admin", password: PASSWORDS.admin } });
    assert.equal(byAddress.status, 429);
    assert.match((byAddress.body as { error: { message: string } }).error.message, /from this address/);
    assert.ok(Number(byAddress.headers.get("retry-after")) > 0);
  }));

void test("logout ends the session: it needs the CSRF token, clears the cookie, and the old cookie is a 401 after", () =>
  withAccounts(async ({ srv }) => {
    const s = await logIn(srv, { name: "annotator", password: PASSWORDS.annotator });
    const keep = await logIn(srv, { name: "annotator", password: PASSWORDS.annotator });
    assert.equal((await req(srv, "POST", "/api/logout", { cookie: s.cookie })).status, 403, "no CSRF token: another site cannot log you out");
    assert.equal((await req(srv, "GET", "/api/me", { cookie: s.cookie })).status, 200, "still logged in");
    const out = await req(srv, "POST", "/api/logout", { cookie: s.cookie, csrf: s.csrf });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie") ?? "", /^al_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    const after = await req(srv, "GET", "/api/me", { cookie: s.cookie });
    assert.equal(after.status, 401);
    assert.match((after.body as { error: { message: string } }).error.message, /session has ended/);
    assert.equal((await req(srv, "POST", "/api/items/item-1/skip", { cookie: s.cookie, csrf: s.csrf, body: {} })).status, 401);
    assert.equal((await req(srv, "GET", "/", { cookie: s.cookie })).status, 303, "the page goes to the login page");
    assert.equal((await req(srv, "GET", "/api/me", { cookie: keep.cookie })).status, 200, "the account's other session holds");
    // A logout without a live session only clears the cookie.
    assert.equal((await req(srv, "POST", "/api/logout", { cookie: s.cookie })).status, 200);
    assert.equal((await req(srv, "POST", "/api/logout")).status, 200);
    // A new login replaces the session the browser had.
    const again = await logIn(srv, { name: "annotator", password: PASSWORDS.annotator });
    const replaced = await req(srv, "POST", "/api/login", { cookie: again.cookie, body: { name: "viewer", password: PASSWORDS.viewer } });
    assert.equal(replaced.status, 200);
    assert.equal((await req(srv, "GET", "/api/me", { cookie: again.cookie })).status, 401);
  }));

void test("pages without a session go to /login?next=PATH; /login refuses a next that leaves the server (no open redirect)", () =>
  withAccounts(async ({ srv }) => {
    const root = await req(srv, "GET", "/");
    assert.equal(root.status, 303);
    assert.equal(root.headers.get("location"), "/login?next=%2F");
    assert.equal((await req(srv, "GET", "/dashboard?view=curve")).headers.get("location"), `/login?next=${encodeURIComponent("/dashboard?view=curve")}`);
    const page = await req(srv, "GET", "/login?next=%2Fdashboard");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(String(page.body), /<script type="module" src="\/static\/login.js"><\/script>/);
    assert.doesNotMatch(String(page.body), /<script>/, "no inline script");
    assert.equal((await req(srv, "GET", "/static/login.js")).status, 200);
    for (const next of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "http:evil.example", "evil.example", "/login", "/api/export", " /x"]) {
      const r = await req(srv, "GET", `/login?next=${encodeURIComponent(next)}`);
      assert.equal(r.status, 303, next);
      assert.equal(r.headers.get("location"), "/login?next=%2F", next);
    }
    for (const next of ["/", "/dashboard", "/dashboard?view=curve", "/?a=b#c"]) assert.equal((await req(srv, "GET", `/login?next=${encodeURIComponent(next)}`)).status, 200, next);
    assert.equal((await req(srv, "POST", "/login")).status, 401, "a pair missing from the policy is for admins only (deny by default)");
  }));

void test("without accounts: /api/me is the open mode, /api/login a 409, the pages open as before", () =>
  withAccounts(async ({ srv }) => {
    assert.deepEqual((await req(srv, "GET", "/api/me")).body, { name: null, role: null, via: "open", csrfToken: null });
    const r = await req(srv, "POST", "/api/login", { body: { name: "ana", password: "whatever-1" } });
    assert.equal(r.status, 409);
    assert.match((r.body as { error: { message: string } }).error.message, /no accounts/);
    assert.equal((await req(srv, "GET", "/")).status, 200);
    assert.equal((await req(srv, "GET", "/login")).status, 200);
    assert.equal((await req(srv, "POST", "/api/logout")).status, 200);
    assert.equal((await req(srv, "POST", "/login")).status, 405);
  }, false));
