import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { openStore } from "../store/open.js";
import { addWebhook } from "../webhooks/config.js";
import type { ModelRetrained, StoppingAdviceChanged } from "../webhooks/events.js";
import { startReceiver, type Receiver } from "../webhooks/testing.js";
import { startServer } from "./app.js";
import { call, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

const SECRET = "server-test-secret-0123";

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function projectWith(rx: Receiver, events?: string[]): Promise<{ dir: string; dbPath: string }> {
  const p = await syntheticProject(60, 4, { retrainEvery: 5 });
  const store = openStore(p.dbPath);
  try {
    addWebhook(store, { url: rx.url, secret: SECRET, ...(events !== undefined ? { events } : {}) });
  } finally {
    store.close();
  }
  return p;
}

void test("a served project sends label.created for every label, model.retrained and stopping.advice, each once and signed", async () => {
  const rx = await startReceiver(SECRET);
  const { dir, dbPath } = await projectWith(rx);
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
  try {
    const labeled: string[] = [];
    for (let i = 0; i < 12; i++) {
      const item = ((await call(srv.url, "GET", "/api/next?annotator=ana")).body as ItemReply).item;
      const r = await call(srv.url, "POST", `/api/items/${item.id}/label`, { label: syntheticTruth(item.id), annotator: "ana" });
      assert.ok(r.status >= 200 && r.status < 300, r.text);
      labeled.push(item.id);
    }
    await srv.project.idle();
    await until("the label events", () => rx.received.filter((r) => r.body.event === "label.created").length >= 12);
    await until("a model.retrained event", () => rx.received.some((r) => r.body.event === "model.retrained"));
    await srv.project.webhooksIdle();
    assert.ok(rx.received.every((r) => r.verified), "every signature verifies");
    const ids = rx.received.map((r) => r.body.id);
    assert.equal(new Set(ids).size, ids.length, "each event once");
    const labels = rx.received.filter((r) => r.body.event === "label.created").map((r) => r.body.data as { itemId: string; annotator: string; label: string });
    assert.deepEqual(labels.map((l) => l.itemId).sort(), [...labeled].sort());
    assert.ok(labels.every((l) => l.annotator === "ana" && l.label === syntheticTruth(l.itemId)));
    const retrained = rx.received.filter((r) => r.body.event === "model.retrained").map((r) => r.body.data as ModelRetrained);
    assert.ok(retrained.length >= 1);
    assert.ok(retrained[0].iteration >= 1 && retrained[0].labels >= 4 && retrained[0].total === 60);
    assert.equal(typeof retrained[0].accuracy.text, "string");
    assert.ok(retrained[0].accuracy.n >= 0);
    const advice = rx.received.filter((r) => r.body.event === "stopping.advice").map((r) => r.body.data as StoppingAdviceChanged);
    assert.ok(advice.length >= 1, "the first advice is announced");
    assert.equal(advice[0].previousStop, null);
    assert.match(advice[0].sentence, /Keep labeling|You can stop/i);
    for (let i = 1; i < advice.length; i++) assert.ok(advice[i].stop !== advice[i - 1].stop || advice[i].sentence !== advice[i - 1].sentence, "announced only when it changed");
  } finally {
    await srv.close();
    await rx.close();
    fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
  }
});

void test("a receiver that hangs does not slow /api/next or label POSTs (each well under the 5 s delivery timeout)", async (t) => {
  const rx = await startReceiver(SECRET, () => "hang");
  const { dir, dbPath } = await projectWith(rx, ["label.created"]);
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
  try {
    const step = async (): Promise<number> => {
      const t0 = performance.now();
      const item = ((await call(srv.url, "GET", "/api/next?annotator=bo")).body as ItemReply).item;
      const r = await call(srv.url, "POST", `/api/items/${item.id}/label`, { label: syntheticTruth(item.id), annotator: "bo" });
      assert.ok(r.status >= 200 && r.status < 300, r.text);
      return performance.now() - t0;
    };
    await step();
    // The receiver now holds a delivery open (it never answers).
    await until("the receiver to hold a delivery", () => rx.received.length >= 1);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push(await step());
    const hung = rx.received.length;
    const sorted = [...times].sort((a, b) => a - b);
    t.diagnostic(`next + label while ${hung} deliveries hung: median ${sorted[10].toFixed(1)} ms, max ${sorted[19].toFixed(1)} ms (20 pairs)`);
    assert.ok(hung >= 1, "deliveries were hanging while labeling");
    // A generous bound: a request that waited on the receiver would take the 5,000 ms timeout.
    assert.ok(Math.max(...times) < 1500, `next + label took up to ${Math.max(...times).toFixed(0)} ms while the receiver hung`);
    const log = srv.project.store.deliveryLog(100);
    assert.equal(log.length, 21, "every label's event is in the outbox");
  } finally {
    await srv.close();
    await rx.close();
    fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
  }
});
