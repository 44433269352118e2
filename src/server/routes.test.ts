import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { startServer } from "./app.js";
import { call, dbSnapshot, syntheticProject } from "./testing.js";

void test("HEAD on /api/* is a 405 that leases nothing; HEAD on pages is GET without a body; 405s say Allow", async () => {
  const { dir } = await syntheticProject(3, 1);
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    const head = await fetch(new URL("/api/next?annotator=ana", srv.url), { method: "HEAD" });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get("allow"), "GET");
    // Two unlabeled items: had the HEAD leased one to ana, cy would get a 204.
    assert.equal((await call(srv.url, "GET", "/api/next?annotator=bob")).status, 200);
    assert.equal((await call(srv.url, "GET", "/api/next?annotator=cy")).status, 200);
    const page = await fetch(srv.url, { method: "HEAD" });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal(await page.text(), "");
    const put = await call(srv.url, "PUT", "/api/stats");
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET");
    const options = await call(srv.url, "OPTIONS", "/api/items/item-1/label");
    assert.equal(options.status, 405);
    assert.equal(options.headers.get("allow"), "POST, DELETE");
    assert.match((options.body as { error: { message: string } }).error.message, /OPTIONS is not allowed on \/api\/items\/item-1\/label/);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("the test-only fault hook answers in the error shape, sees every request, and a faulted label changes nothing", async () => {
  const { dir, dbPath } = await syntheticProject(10, 2);
  const seen: string[] = [];
  let armed = true;
  const srv = await startServer({
    projectDir: dir,
    port: 0,
    quiet: true,
    auditEvery: 0,
    faults: {
      intercept(method, p) {
        seen.push(`${method} ${p}`);
        if (!armed || method !== "POST") return null;
        armed = false;
        return { status: 503, code: "INJECTED", message: "Injected failure (503)" };
      },
    },
  });
  try {
    const item = ((await call(srv.url, "GET", "/api/next?annotator=ana")).body as { item: { id: string } }).item;
    const before = dbSnapshot(dbPath);
    const failed = await call(srv.url, "POST", `/api/items/${item.id}/label`, { label: "spam", annotator: "ana" });
    assert.equal(failed.status, 503);
    assert.deepEqual(failed.body, { error: { code: "INJECTED", message: "Injected failure (503)" } });
    assert.equal(dbSnapshot(dbPath), before);
    assert.equal((await call(srv.url, "POST", `/api/items/${item.id}/label`, { label: "spam", annotator: "ana" })).status, 201);
    assert.deepEqual(seen, ["GET /api/next?annotator=ana", `POST /api/items/${item.id}/label`, `POST /api/items/${item.id}/label`]);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
