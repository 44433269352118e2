/**
 * Accounts on the real server: every API route and page × every caller (each role, no token, a
 * bad token), with the expected statuses written out here from the role rules (not read
 * from POLICY); the acting annotator is the token's user; an annotator cannot undo another's label.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { addUser } from "../auth/users.js";
import { openStore } from "../store/open.js";
import { startServer, type RunningServer } from "./app.js";
import { dbSnapshot, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

type Caller = "admin" | "reviewer" | "annotator" | "viewer" | "no token" | "bad token";
const CALLERS: readonly Caller[] = ["admin", "reviewer", "annotator", "viewer", "no token", "bad token"];

/** A request with a token (or none) and its status and JSON body. */
async function as(srv: RunningServer, token: string | null, method: string, p: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(new URL(p, srv.url), { method, headers, redirect: "manual", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text !== "" && (res.headers.get("content-type") ?? "").startsWith("application/json") ? (JSON.parse(text) as unknown) : text, headers: res.headers };
}

async function withAccounts(fn: (srv: RunningServer, tokens: Record<Caller, string | null>, dbPath: string) => Promise<void>): Promise<void> {
  const { dir, dbPath } = await syntheticProject(80, 6);
  const store = openStore(dbPath);
  const tokens: Record<Caller, string | null> = { admin: null, reviewer: null, annotator: null, viewer: null, "no token": null, "bad token": null };
  try {
    for (const role of ["admin", "reviewer", "annotator", "viewer"] as const) tokens[role] = (await addUser(store, `${role}-1`, role)).token;
    await addUser(store, "bob", "annotator").then((r) => (tokens["bad token"] = `${r.token.slice(0, r.token.indexOf(".") + 1)}${"A".repeat(r.token.length - r.token.indexOf(".") - 1)}`));
  } finally {
    store.close();
  }
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    await srv.project.idle();
    await fn(srv, tokens, dbPath);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

// Who may do what (the issue: admin everything; reviewer labels, reviews and reads; annotator
// labels, skips and undoes their own; viewer reads the dashboard; nobody without a valid token).
const LABELERS: readonly Caller[] = ["admin", "reviewer", "annotator"];
const READERS: readonly Caller[] = ["admin", "reviewer", "annotator", "viewer"];
const REVIEWERS: readonly Caller[] = ["admin", "reviewer"];
const expect = (allowed: readonly Caller[] | "public", caller: Caller, ok: number, page = false): number =>
  allowed === "public" ? ok : caller === "no token" ? (page ? 303 : 401) : caller === "bad token" ? 401 : allowed.includes(caller) ? ok : 403;

void test("every route × role on the real server: the statuses of the issue's role rules; 401s say Bearer", () =>
  withAccounts(async (srv, tokens) => {
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const caller of CALLERS) {
      const t = tokens[caller];
      const got = async (route: string, allowed: readonly Caller[] | "public", ok: number, method: string, p: string, body?: unknown): Promise<unknown> => {
        const r = await as(srv, t, method, p, body);
        seen.add(route);
        // A page without any credentials sends the browser to the login page.
        const want = expect(allowed, caller, ok, method === "GET" && !p.startsWith("/api/") && !p.startsWith("/static/"));
        if (r.status !== want) wrong.push(`${caller} ${route}: got ${r.status}, want ${want} (${JSON.stringify(r.body).slice(0, 160)})`);
        if (r.status === 401 && !/^Bearer/.test(r.headers.get("www-authenticate") ?? "")) wrong.push(`${caller} ${route}: 401 without WWW-Authenticate: Bearer`);
        if (r.status === 401 || r.status === 403) {
          const e = (r.body as { error?: { code?: string } }).error;
          if (e?.code !== (r.status === 401 ? "UNAUTHORIZED" : "FORBIDDEN")) wrong.push(`${caller} ${route}: error body ${JSON.stringify(r.body)}`);
        }
        return r.status < 300 ? r.body : null;
      };
      const next = (await got("GET /api/next", LABELERS, 200, "GET", "/api/next")) as ItemReply | null;
      const id = encodeURIComponent(next?.item.id ?? "item-79");
      await got("POST /api/items/:id/label", LABELERS, 201, "POST", `/api/items/${id}/label`, { label: syntheticTruth(next?.item.id ?? "item-79") });
      await got("DELETE /api/items/:id/label", LABELERS, 200, "DELETE", `/api/items/${id}/label`);
      await got("POST /api/items/:id/skip", LABELERS, 200, "POST", `/api/items/${id}/skip`, {});
      await got("DELETE /api/items/:id/skip", LABELERS, 200, "DELETE", `/api/items/${id}/skip`);
      // A text project has no image column: allowed, then a 404 naming the field.
      await got("GET /api/items/:id/image/:field", LABELERS, 404, "GET", `/api/items/${id}/image/text`);
      await got("GET /api/stats", READERS, 200, "GET", "/api/stats");
      await got("GET /api/dashboard", READERS, 200, "GET", "/api/dashboard");
      await got("GET /api/project", READERS, 200, "GET", "/api/project");
      await got("GET /api/export", ["admin"], 200, "GET", "/api/export");
      await got("POST /api/predict", ["admin", "reviewer"], 200, "POST", "/api/predict", { items: [{ text: "cheap pills", length: 11 }] });
      await got("GET /api/settings", ["admin"], 200, "GET", "/api/settings");
      await got("PATCH /api/settings", ["admin"], 200, "PATCH", "/api/settings", { overlap: 1 });
      const hook = (await got("POST /api/webhooks", ["admin"], 201, "POST", "/api/webhooks", { url: "http://127.0.0.1:9/hook" })) as { webhook: { id: string } } | null;
      await got("GET /api/webhooks", ["admin"], 200, "GET", "/api/webhooks");
      await got("GET /api/webhooks/deliveries", ["admin"], 200, "GET", "/api/webhooks/deliveries");
      await got("DELETE /api/webhooks/:id", ["admin"], 200, "DELETE", `/api/webhooks/${hook?.webhook.id ?? "wh_000000000000"}`);
      await got("GET /api/openapi.json", READERS, 200, "GET", "/api/openapi.json");
      await got("GET /", LABELERS, 200, "GET", "/");
      await got("GET /dashboard", READERS, 200, "GET", "/dashboard");
      await got("GET /static/*", "public", 200, "GET", "/static/api.js");
      await got("GET /login", "public", 200, "GET", "/login");
      await got("GET /api/me", READERS, 200, "GET", "/api/me");
      await got("POST /api/login", "public", 400, "POST", "/api/login", {});
      await got("POST /api/logout", "public", 200, "POST", "/api/logout");
      // The review queue: reviewers and admins only (a 404 for the unknown review: allowed, then refused by the queue).
      await got("GET /api/reviews", REVIEWERS, 200, "GET", "/api/reviews?status=open");
      await got("GET /api/review/next", REVIEWERS, 200, "GET", "/api/review/next");
      await got("POST /api/review/:id/resolve", REVIEWERS, 404, "POST", "/api/review/999999/resolve", { label: "spam", seen: 0 });
      await got("GET /review", REVIEWERS, 200, "GET", "/review");
    }
    assert.deepEqual(wrong, []);
    // Every API route of the contract was in the table.
    const { API_ROUTES } = await import("../contract/routes.js");
    for (const r of API_ROUTES) assert.ok(seen.has(`${r.method.toUpperCase()} ${r.path.replace(/\{([^}]+)\}/g, ":$1")}`), `${r.method} ${r.path} is not in the table`);
  }));

void test("the acting annotator is the token's user: another name is a 403; an annotator cannot undo another's label; an admin can", () =>
  withAccounts(async (srv, tokens, dbPath) => {
    const ana = tokens.annotator!;
    const item = ((await as(srv, ana, "GET", "/api/next")).body as ItemReply).item;
    const at = `/api/items/${encodeURIComponent(item.id)}/label`;
    assert.equal((await as(srv, ana, "POST", at, { label: "spam", annotator: "someone-else" })).status, 403);
    assert.equal((await as(srv, ana, "GET", "/api/next?annotator=someone-else")).status, 403);
    assert.equal((await as(srv, ana, "POST", at, { label: "spam", annotator: "annotator-1" })).status, 201, "the caller's own name is fine");
    const exported = String((await as(srv, tokens.admin, "GET", "/api/export")).body);
    assert.match(exported.split("\n").find((l) => l.includes(`"id":${JSON.stringify(item.id)}`)) ?? "", /"annotator":"annotator-1"/);

    // Another annotator: naming the first is a 403; without a name there is nothing of theirs to undo.
    const bob = (await (async () => {
      const store = openStore(dbPath);
      try {
        return (await addUser(store, "cy", "annotator")).token;
      } finally {
        store.close();
      }
    })());
    const before = dbSnapshot(dbPath);
    const refused = await as(srv, bob, "DELETE", `${at}?annotator=annotator-1`);
    assert.equal(refused.status, 403);
    assert.match(JSON.stringify(refused.body), /signed in as \\"cy\\"/);
    assert.equal((await as(srv, bob, "DELETE", at)).status, 404);
    assert.equal(dbSnapshot(dbPath), before, "the label is still there, nothing recorded");
    // A reviewer undoes only their own too; an admin may name whose label to undo.
    assert.equal((await as(srv, tokens.reviewer, "DELETE", `${at}?annotator=annotator-1`)).status, 403);
    assert.equal((await as(srv, tokens.admin, "DELETE", `${at}?annotator=annotator-1`)).status, 200);
  }));

void test("an annotator's dashboard shows only their own row of the annotator table; an admin's and a viewer's every row", () =>
  withAccounts(async (srv, tokens) => {
    for (const who of ["annotator", "reviewer"] as const) {
      const it = ((await as(srv, tokens[who], "GET", "/api/next")).body as ItemReply).item;
      assert.equal((await as(srv, tokens[who], "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id) })).status, 201);
    }
    const rows = async (caller: Caller): Promise<string[]> => ((await as(srv, tokens[caller], "GET", "/api/dashboard")).body as { annotators: { name: string }[] }).annotators.map((a) => a.name).sort();
    assert.deepEqual(await rows("annotator"), ["annotator-1"]);
    assert.deepEqual(await rows("admin"), ["annotator-1", "reviewer-1"]);
    assert.deepEqual(await rows("viewer"), ["annotator-1", "reviewer-1"]);
  }));

void test("a token link (/?token=) goes to the login page with the token in the fragment; query tokens never authenticate", () =>
  withAccounts(async (srv, tokens) => {
    const t = tokens.annotator!;
    const link = await as(srv, null, "GET", `/?token=${encodeURIComponent(t)}`);
    assert.equal(link.status, 303);
    assert.equal(link.headers.get("location"), `/login?next=%2F#token=${encodeURIComponent(t)}`);
    const dash = await as(srv, null, "GET", `/dashboard?view=1&token=${encodeURIComponent(tokens.viewer!)}`);
    assert.equal(dash.headers.get("location"), `/login?next=${encodeURIComponent("/dashboard?view=1")}#token=${encodeURIComponent(tokens.viewer!)}`);
    assert.equal((await as(srv, null, "GET", "/")).status, 303);
    // The query token counts nowhere: not on the API, not as a page's credential.
    assert.equal((await as(srv, null, "GET", `/api/stats?token=${encodeURIComponent(tokens.admin!)}`)).status, 401);
    assert.equal((await as(srv, tokens.annotator, "GET", "/")).status, 200, "a Bearer header still opens a page");
  }));
