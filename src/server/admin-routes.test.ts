/**
 * The admin API on the real server: overlap settings changed while serving (two annotators then
 * get every item, blind; a refused change names each field and changes nothing; the change
 * survives a restart), and webhook receivers added, listed and removed with their delivery log.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import test from "node:test";
import { startServer } from "./app.js";
import { call, dbSnapshot, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

void test("PATCH /api/settings turns overlap on while serving: two annotators each get every item; bad changes name the field and change nothing; a restart keeps it", async () => {
  const { dir, dbPath } = await syntheticProject(12, 0, { retrainEvery: 1000 });
  let srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    assert.deepEqual((await call(srv.url, "GET", "/api/settings")).body, { overlap: null, reviewShare: 0, consensus: "majority" });
    const before = dbSnapshot(dbPath);
    const bad = await call(srv.url, "PATCH", "/api/settings", { overlapShare: 0.5, overlapOn: "sure", colour: "red" });
    assert.equal(bad.status, 400);
    const msg = (bad.body as { error: { message: string } }).error.message;
    assert.match(msg, /unknown field "colour"/);
    const bad2 = await call(srv.url, "PATCH", "/api/settings", { overlapShare: 1.5, overlapOn: "sure" });
    const msg2 = (bad2.body as { error: { message: string } }).error.message;
    for (const f of ['field "overlapShare" must be a proportion', 'field "overlapOn" must be one of random, uncertain', 'needs body: field "overlap" 2 or more']) assert.ok(msg2.includes(f), `${f} in ${msg2}`);
    assert.equal(dbSnapshot(dbPath), before, "a refused change changes nothing");

    const on = await call(srv.url, "PATCH", "/api/settings", { overlap: 2, overlapShare: 1 });
    assert.equal(on.status, 200);
    assert.deepEqual(on.body, { overlap: { annotators: 2, share: 1, on: "random", adaptiveMax: 2 }, reviewShare: 0, consensus: "majority" });
    // Both annotators label every item; neither is given one twice.
    const seen: Record<string, string[]> = { ana: [], bob: [] };
    for (let round = 0; round < 30; round++) {
      for (const who of ["ana", "bob"]) {
        const r = await call(srv.url, "GET", `/api/next?annotator=${who}`);
        if (r.status === 204) continue;
        const id = (r.body as ItemReply).item.id;
        assert.ok(!seen[who].includes(id), `${who} got ${id} twice`);
        seen[who].push(id);
        assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(id)}/label`, { label: syntheticTruth(id), annotator: who })).status, 201);
      }
    }
    assert.equal(seen.ana.length, 12);
    assert.equal(seen.bob.length, 12);
    assert.equal((await call(srv.url, "GET", "/api/stats")).body !== null, true);
    const overlap = ((await call(srv.url, "GET", "/api/stats")).body as { overlap?: { complete: number } }).overlap;
    assert.equal(overlap?.complete, 12);

    // A third annotator now: the items need a third label once overlap goes to 3.
    assert.equal((await call(srv.url, "PATCH", "/api/settings", { overlap: 3 })).status, 200);
    const third = await call(srv.url, "GET", "/api/next?annotator=cy");
    assert.equal(third.status, 200, "a complete item needs another label after the change");
    assert.equal((await call(srv.url, "GET", "/api/next?annotator=ana")).status, 204, "ana labeled everything already");

    await srv.close();
    srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
    assert.deepEqual((await call(srv.url, "GET", "/api/settings")).body, { overlap: { annotators: 3, share: 1, on: "random", adaptiveMax: 3 }, reviewShare: 0, consensus: "majority" });
    // Off again: overlap 1, the rest falls away.
    assert.deepEqual((await call(srv.url, "PATCH", "/api/settings", { overlap: 1 })).body, { overlap: null, reviewShare: 0, consensus: "majority" });
    assert.equal((await call(srv.url, "GET", "/api/next?annotator=cy")).status, 204, "without overlap every labeled item is done");
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("PATCH /api/settings sets the review spot-check share: a bad one is refused by name and changes nothing; from then on labeled items are spot-checked; a restart keeps it", async () => {
  const { dir, dbPath } = await syntheticProject(30, 0, { retrainEvery: 1000 });
  let srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  const labelNext = async (who: string): Promise<string> => {
    const r = await call(srv.url, "GET", `/api/next?annotator=${who}`);
    const id = (r.body as ItemReply).item.id;
    assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(id)}/label`, { label: syntheticTruth(id), annotator: who })).status, 201);
    return id;
  };
  const open = async (): Promise<string[]> => ((await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { reviews: { itemId: string; reason: string }[] }).reviews.filter((r) => r.reason === "spot_check").map((r) => r.itemId);
  try {
    await labelNext("ana");
    assert.deepEqual(await open(), [], "share 0: no spot checks");
    const before = dbSnapshot(dbPath);
    for (const bad of [1.5, -0.1, "half"]) {
      const r = await call(srv.url, "PATCH", "/api/settings", { reviewShare: bad });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.match((r.body as { error: { message: string } }).error.message, /field "reviewShare"/);
    }
    assert.equal(dbSnapshot(dbPath), before, "a refused change changes nothing");
    const on = await call(srv.url, "PATCH", "/api/settings", { reviewShare: 1, consensus: "majority" });
    assert.deepEqual(on.body, { overlap: null, reviewShare: 1, consensus: "majority" });
    const ids = [await labelNext("ana"), await labelNext("ana")];
    assert.deepEqual((await open()).sort(), ids.sort(), "share 1: every item labeled from now on is spot-checked, none from before");
    await srv.close();
    srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
    assert.deepEqual((await call(srv.url, "GET", "/api/settings")).body, { overlap: null, reviewShare: 1, consensus: "majority" });
    const third = await labelNext("ana");
    assert.ok((await open()).includes(third), "kept after a restart");
    assert.deepEqual((await call(srv.url, "PATCH", "/api/settings", { reviewShare: 0 })).body, { overlap: null, reviewShare: 0, consensus: "majority" });
    const fourth = await labelNext("ana");
    assert.ok(!(await open()).includes(fourth), "share 0 again: no more spot checks");
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("webhooks over the admin API: added (secret once), listed without it, delivered and logged, removed", async () => {
  const got: string[] = [];
  const receiver = http.createServer((req, res) => {
    let b = "";
    req.on("data", (d: Buffer) => (b += d.toString()));
    req.on("end", () => {
      got.push(b);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const port = (receiver.address() as AddressInfo).port;
  const { dir } = await syntheticProject(20, 0, { retrainEvery: 1000 });
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    const add = await call(srv.url, "POST", "/api/webhooks", { url: `http://127.0.0.1:${port}/hook`, events: ["label.created"] });
    assert.equal(add.status, 201);
    const { webhook, secret } = add.body as { webhook: { id: string; events: string[] }; secret?: string };
    assert.match(secret ?? "", /^[0-9a-f]{64}$/, "a generated secret is shown once");
    assert.deepEqual(webhook.events, ["label.created"]);
    const list = (await call(srv.url, "GET", "/api/webhooks")).body as { webhooks: Record<string, unknown>[] };
    assert.equal(list.webhooks.length, 1);
    assert.equal("secret" in list.webhooks[0], false, "the list never shows the secret");
    const badEvent = await call(srv.url, "POST", "/api/webhooks", { url: `http://127.0.0.1:${port}/`, events: ["label.eaten"] });
    assert.equal(badEvent.status, 400);
    assert.match((badEvent.body as { error: { message: string } }).error.message, /label\.eaten/);

    const it = ((await call(srv.url, "GET", "/api/next?annotator=ana")).body as ItemReply).item;
    await call(srv.url, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: "spam", annotator: "ana" });
    await srv.project.webhooksIdle();
    for (let i = 0; i < 50 && got.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await srv.project.webhooksIdle();
    }
    assert.equal(got.length, 1);
    assert.equal((JSON.parse(got[0]) as { event: string }).event, "label.created");
    const log = (await call(srv.url, "GET", "/api/webhooks/deliveries")).body as { deliveries: { state: string; webhookId: string; attempts: { status: number }[] }[] };
    assert.equal(log.deliveries[0].state, "delivered");
    assert.equal(log.deliveries[0].attempts[0].status, 200);
    assert.equal((await call(srv.url, "DELETE", `/api/webhooks/${webhook.id}`)).status, 200);
    assert.equal((await call(srv.url, "DELETE", `/api/webhooks/${webhook.id}`)).status, 404);
    assert.deepEqual(((await call(srv.url, "GET", "/api/webhooks")).body as { webhooks: unknown[] }).webhooks, []);
  } finally {
    await srv.close();
    receiver.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
