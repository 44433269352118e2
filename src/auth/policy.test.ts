import assert from "node:assert/strict";
import test from "node:test";
import { authenticate } from "./authenticate.js";
import { accessOf, authorize, exposureCheck, POLICY } from "./policy.js";
import { ROLES, type Role } from "./roles.js";
import { withStore } from "./test-support.js";
import { addUser, hasAccounts, setDisabled } from "./users.js";

/** Who may use each route, written out here apart from POLICY (the roles). */
const EXPECTED: Record<string, readonly Role[] | "public"> = {
  "GET /api/next": ["admin", "reviewer", "annotator"],
  "POST /api/items/:id/label": ["admin", "reviewer", "annotator"],
  "DELETE /api/items/:id/label": ["admin", "reviewer", "annotator"],
  "POST /api/items/:id/skip": ["admin", "reviewer", "annotator"],
  "DELETE /api/items/:id/skip": ["admin", "reviewer", "annotator"],
  "GET /api/items/:id/image/:field": ["admin", "reviewer", "annotator"],
  "GET /api/stats": ["admin", "reviewer", "annotator", "viewer"],
  "GET /api/dashboard": ["admin", "reviewer", "annotator", "viewer"],
  "GET /api/project": ["admin", "reviewer", "annotator", "viewer"],
  "GET /api/export": ["admin"],
  "POST /api/predict": ["admin", "reviewer"],
  "GET /api/openapi.json": ["admin", "reviewer", "annotator", "viewer"],
  "GET /": ["admin", "reviewer", "annotator"],
  "GET /dashboard": ["admin", "reviewer", "annotator", "viewer"],
  "GET /static/*": "public",
  "GET /login": "public",
  "POST /api/login": "public",
  "POST /api/logout": "public",
  "GET /api/me": ["admin", "reviewer", "annotator", "viewer"],
  "GET /api/settings": ["admin"],
  "PATCH /api/settings": ["admin"],
  "GET /api/webhooks": ["admin"],
  "POST /api/webhooks": ["admin"],
  "DELETE /api/webhooks/:id": ["admin"],
  "GET /api/webhooks/deliveries": ["admin"],
  // The review queue.
  "GET /api/reviews": ["admin", "reviewer"],
  "GET /api/review/next": ["admin", "reviewer"],
  "POST /api/review/:id/resolve": ["admin", "reviewer"],
  "GET /review": ["admin", "reviewer"],
};

void test("the policy table has exactly the routes of the expected table, once each", () => {
  const keys = POLICY.map((r) => `${r.method} ${r.route}`);
  assert.deepEqual([...keys].sort(), Object.keys(EXPECTED).sort());
  assert.equal(new Set(keys).size, keys.length);
});

void test("every route × caller (each role, no token, a bad token, a disabled account), with accounts and in open mode", () =>
  withStore(async (store) => {
    const tokens: Record<string, string | null> = { "no token": null };
    for (const role of ROLES) tokens[role] = (await addUser(store, `${role}-user`, role)).token;
    tokens["bad token"] = tokens.admin!.slice(0, -2) + (tokens.admin!.endsWith("AA") ? "BB" : "AA");
    tokens["disabled annotator"] = (await addUser(store, "gone", "annotator")).token;
    setDisabled(store, "gone", true);
    const accounts = hasAccounts(store);
    assert.equal(accounts, true);
    const wrong: string[] = [];
    for (const [route, allowed] of Object.entries(EXPECTED)) {
      const [method, path] = route.split(" ");
      for (const [caller, token] of Object.entries(tokens)) {
        const user = await authenticate(store, token);
        const role = ROLES.find((r) => r === caller);
        const want = allowed === "public" ? "ok" : role === undefined ? 401 : allowed.includes(role) ? "ok" : 403;
        const got = authorize(user, method, path, accounts);
        if (got !== want) wrong.push(`${route} as ${caller}: ${got}, want ${want}`);
        // Open mode (a project without accounts): every route answers, as today.
        if (authorize(null, method, path, false) !== "ok") wrong.push(`${route} in open mode: refused`);
      }
    }
    assert.deepEqual(wrong, []);
  }));

void test("HEAD follows GET; a route missing from the table is for admins only", () => {
  const viewer = { role: "viewer" as const };
  assert.equal(authorize(viewer, "HEAD", "/dashboard", true), "ok");
  assert.equal(authorize(viewer, "HEAD", "/", true), 403);
  assert.equal(authorize(viewer, "get", "/api/stats", true), "ok");
  assert.equal(authorize({ role: "admin" }, "PUT", "/api/next", true), "ok", "the router answers 405");
  assert.equal(authorize({ role: "reviewer" }, "GET", "/api/settings", true), 403);
  assert.equal(authorize(null, "GET", "/api/settings", true), 401);
  assert.equal(authorize({ role: "admin", disabled: true }, "GET", "/api/project", true), 401);
});

void test("annotators reach only their own records where it matters; admins reach all", () => {
  const as = (role: Role) => ({ role });
  assert.equal(accessOf(as("annotator"), "DELETE", "/api/items/:id/label"), "own");
  assert.equal(accessOf(as("reviewer"), "DELETE", "/api/items/:id/label"), "own");
  assert.equal(accessOf(as("admin"), "DELETE", "/api/items/:id/label"), "all");
  assert.equal(accessOf(as("annotator"), "GET", "/api/dashboard"), "own");
  assert.equal(accessOf(as("viewer"), "GET", "/api/dashboard"), "all");
  assert.equal(accessOf(as("viewer"), "GET", "/api/export"), null);
  assert.equal(accessOf(null, "GET", "/api/export"), "all", "open mode");
});

void test("serve beyond loopback needs an admin account", () => {
  for (const host of ["127.0.0.1", "localhost", "::1", "[::1]"]) assert.equal(exposureCheck(false, host), null, host);
  for (const host of ["0.0.0.0", "::", "192.168.1.20"]) {
    assert.match(exposureCheck(false, host) ?? "", new RegExp(`^option --host ${host.replace(/\./g, "\\.")}: not loopback, and the project has no admin account`));
    assert.equal(exposureCheck(true, host), null);
  }
});
