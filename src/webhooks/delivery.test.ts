import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";
import { addWebhook } from "./config.js";
import { WebhookDelivery } from "./delivery.js";
import { emitEvent } from "./events.js";
import { startReceiver } from "./testing.js";

const SECRET = "test-secret-0123456789";

function tempStore(): { store: Store; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-webhooks-"));
  const file = path.join(dir, "project.db");
  return { store: openStore(file, { create: true }), file };
}

const labelData = (i: number) => ({ itemId: `item-${i}`, label: "spam", annotator: "ana", annotationId: i, createdAt: new Date(1000 + i).toISOString(), audit: false, durationMs: 800 });

void test("each event reaches a subscribed receiver once, signed, with its id; unsubscribed events are not stored", async () => {
  const { store } = tempStore();
  const rx = await startReceiver(SECRET);
  try {
    addWebhook(store, { url: rx.url, events: ["label.created"], secret: SECRET });
    const ids = [0, 1, 2].map((i) => emitEvent(store, "label.created", labelData(i), 1000 + i)?.id);
    assert.ok(ids.every((id) => typeof id === "string"));
    assert.equal(new Set(ids).size, 3, "distinct ids");
    assert.equal(emitEvent(store, "model.retrained", { iteration: 1, labels: 3, labeled: 3, total: 9, accuracy: { kind: "pool", value: null, n: 0, low: null, high: null, text: "-" }, trainMs: 1 }, 2000), null, "no receiver wants it");
    const loop = new WebhookDelivery({ store });
    assert.equal(await loop.runOnce(), 3);
    assert.equal(await loop.runOnce(), 0, "delivered ones are not sent again");
    await loop.close();
    assert.deepEqual(rx.received.map((r) => r.body.id).sort(), [...ids].sort());
    assert.ok(rx.received.every((r) => r.verified), "every signature verifies");
    const first = rx.received.find((r) => r.body.id === ids[0]);
    assert.deepEqual(first?.body.data, labelData(0));
    assert.equal(first?.body.event, "label.created");
    assert.equal(first?.headers["x-activelearn-event"], "label.created");
    assert.equal(first?.headers["x-activelearn-id"], ids[0]);
    assert.equal(first?.headers["content-type"], "application/json");
    const log = store.deliveryLog(10);
    assert.equal(log.length, 3);
    assert.ok(log.every((d) => d.state === "delivered" && d.attempts.length === 1 && d.attempts[0].status === 200 && d.attempts[0].durationMs >= 0));
  } finally {
    await rx.close();
    store.close();
  }
});

void test("a 500 is retried after an exponential, jittered backoff from the injected clock and draws, with every attempt logged", async () => {
  const { store } = tempStore();
  const rx = await startReceiver(SECRET, (n) => (n < 2 ? 500 : 204));
  // The real time, so that the receiver's replay check (against its own clock) passes.
  let clock = Date.now();
  const draws = [0, 0.5];
  try {
    addWebhook(store, { url: rx.url, secret: SECRET, now: 0 });
    const body = emitEvent(store, "label.created", labelData(7), clock);
    const loop = new WebhookDelivery({ store, now: () => clock, random: () => draws.shift() ?? 0, baseDelayMs: 1000, maxAttempts: 5 });
    assert.equal(await loop.runOnce(), 1);
    let [d] = store.deliveryLog(1);
    assert.equal(d.state, "pending");
    assert.equal(d.nextAt, clock + 500, "first retry: 1000 ms x jitter 0.5");
    clock += 499;
    assert.equal(await loop.runOnce(), 0, "not before its time");
    clock += 1;
    assert.equal(await loop.runOnce(), 1);
    [d] = store.deliveryLog(1);
    assert.equal(d.nextAt, clock + 1500, "second retry: 2000 ms x jitter 0.75");
    clock += 1500;
    assert.equal(await loop.runOnce(), 1);
    [d] = store.deliveryLog(1);
    assert.equal(d.state, "delivered");
    assert.deepEqual(d.attempts.map((a) => [a.attempt, a.status, a.error]), [[1, 500, "HTTP 500"], [2, 500, "HTTP 500"], [3, 204, null]]);
    assert.equal(rx.received.length, 3);
    assert.ok(rx.received.every((r) => r.body.id === body?.id && r.raw === rx.received[0].raw), "the same body, the same id, every time");
    assert.ok(rx.received.every((r) => r.verified));
    await loop.close();
  } finally {
    await rx.close();
    store.close();
  }
});

void test("after N failed attempts a delivery is dead, visible in the log, and never sent again", async () => {
  const { store } = tempStore();
  const rx = await startReceiver(SECRET, () => 503);
  let clock = 0;
  try {
    addWebhook(store, { url: rx.url, secret: SECRET });
    emitEvent(store, "label.created", labelData(1), clock);
    const loop = new WebhookDelivery({ store, now: () => clock, baseDelayMs: 10, maxAttempts: 3 });
    for (let i = 0; i < 6; i++) {
      await loop.runOnce();
      clock += 1_000_000;
    }
    const [d] = store.deliveryLog(1);
    assert.equal(d.state, "dead");
    assert.equal(d.attempts.length, 3);
    assert.equal(d.nextAt, null);
    assert.equal(rx.received.length, 3);
    await loop.close();
  } finally {
    await rx.close();
    store.close();
  }
});

void test("a receiver that never answers times out; a dead port is an error; both are logged with the reason", async () => {
  const { store } = tempStore();
  const rx = await startReceiver(SECRET, () => "hang");
  try {
    addWebhook(store, { url: rx.url, secret: SECRET });
    addWebhook(store, { url: "http://127.0.0.1:1/none", secret: SECRET });
    emitEvent(store, "label.created", labelData(1), 0);
    const loop = new WebhookDelivery({ store, now: () => 0, timeoutMs: 200 });
    assert.equal(await loop.runOnce(), 2);
    const log = store.deliveryLog(10);
    const errors = log.map((d) => d.attempts[0].error ?? "").sort();
    assert.match(errors.find((e) => e.includes("timed out")) ?? "", /timed out after 200 ms/);
    assert.ok(errors.some((e) => /ECONNREFUSED/.test(e)), errors.join("; "));
    assert.ok(log.every((d) => d.state === "pending" && d.attempts[0].status === null));
    await loop.close();
  } finally {
    await rx.close();
    store.close();
  }
});

void test("the outbox survives a restart: events stored before a crash are delivered by the next process", async () => {
  const { store, file } = tempStore();
  const rx = await startReceiver(SECRET);
  try {
    addWebhook(store, { url: rx.url, secret: SECRET });
    // Written in the caller's transaction, then the process "dies" before any delivery.
    store.transaction(() => {
      for (let i = 0; i < 4; i++) emitEvent(store, "label.created", labelData(i), i);
    });
    store.close();
    const reopened = openStore(file);
    try {
      const loop = new WebhookDelivery({ store: reopened });
      assert.equal(await loop.runOnce(), 4);
      await loop.close();
      assert.deepEqual(rx.received.map((r) => r.body.data).map((d) => (d as { itemId: string }).itemId).sort(), ["item-0", "item-1", "item-2", "item-3"]);
      assert.ok(reopened.deliveryLog(10).every((d) => d.state === "delivered"));
    } finally {
      reopened.close();
    }
  } finally {
    await rx.close();
  }
});

void test("an event emitted in a transaction that throws is not stored; removing a webhook ends its pending deliveries", async () => {
  const { store } = tempStore();
  const rx = await startReceiver(SECRET);
  try {
    const { webhook } = addWebhook(store, { url: rx.url, secret: SECRET });
    assert.throws(() =>
      store.transaction(() => {
        emitEvent(store, "label.created", labelData(1), 0);
        throw new Error("the label failed");
      }),
    );
    assert.equal(store.deliveryLog(10).length, 0);
    emitEvent(store, "label.created", labelData(2), 0);
    assert.equal(store.removeWebhook(webhook.id, 5), true);
    assert.equal(store.removeWebhook(webhook.id, 5), false);
    const loop = new WebhookDelivery({ store });
    assert.equal(await loop.runOnce(), 0);
    const [d] = store.deliveryLog(1);
    assert.equal(d.state, "dead");
    assert.equal(d.url, null);
    assert.equal(rx.received.length, 0);
  } finally {
    await rx.close();
    store.close();
  }
});

void test("a release-0.1 project (the v1 fixture) gains the webhook tables on its first write-open and delivers", async () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-webhooks-v1-"));
  const file = path.join(dir, "project.db");
  fs.copyFileSync(path.resolve(here, "../../../src/store/fixtures/v1-project.db"), file);
  const store = openStore(file);
  const rx = await startReceiver(SECRET);
  try {
    assert.ok(store.schemaVersion >= 4);
    assert.deepEqual(store.webhooks(), []);
    addWebhook(store, { url: rx.url, secret: SECRET });
    emitEvent(store, "label.created", labelData(1), Date.now());
    const loop = new WebhookDelivery({ store });
    assert.equal(await loop.runOnce(), 1);
    await loop.close();
    assert.equal(rx.received.length, 1);
    assert.ok(rx.received[0].verified);
  } finally {
    await rx.close();
    store.close();
  }
});

void test("events committed by a process killed with SIGKILL before any delivery are delivered by the next one", async () => {
  const { store, file } = tempStore();
  const rx = await startReceiver(SECRET);
  try {
    addWebhook(store, { url: rx.url, secret: SECRET });
    store.close();
    const here = path.dirname(fileURLToPath(import.meta.url));
    const open = pathToFileURL(path.resolve(here, "../store/open.js")).href;
    const events = pathToFileURL(path.resolve(here, "events.js")).href;
    // A child commits three labels' events, then dies at once (no close, no delivery).
    const script = `
      const { openStore } = await import(${JSON.stringify(open)});
      const { emitEvent } = await import(${JSON.stringify(events)});
      const store = openStore(${JSON.stringify(file)});
      for (let i = 0; i < 3; i++) store.transaction(() => emitEvent(store, "label.created", { itemId: "item-" + i, label: "spam", annotator: "ana", annotationId: i, createdAt: new Date().toISOString(), audit: false, durationMs: null }, Date.now()));
      process.stdout.write("committed");
      process.kill(process.pid, "SIGKILL");
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(child.signal, "SIGKILL", child.stderr);
    assert.equal(child.stdout.trim(), "committed");
    const reopened = openStore(file);
    try {
      const loop = new WebhookDelivery({ store: reopened });
      assert.equal(await loop.runOnce(), 3);
      await loop.close();
      assert.deepEqual(rx.received.map((r) => (r.body.data as { itemId: string }).itemId).sort(), ["item-0", "item-1", "item-2"]);
      assert.ok(rx.received.every((r) => r.verified));
    } finally {
      reopened.close();
    }
  } finally {
    await rx.close();
  }
});

void test("the delivery log keeps finished deliveries for the retention, then prunes them (at most once an hour); pending ones stay", async () => {
  const { store } = tempStore();
  const rx = await startReceiver(SECRET);
  try {
    addWebhook(store, { url: rx.url, secret: SECRET });
    let clock = Date.now();
    const loop = new WebhookDelivery({ store, now: () => clock, retainMs: 60_000 });
    emitEvent(store, "label.created", labelData(0), clock);
    assert.equal(await loop.runOnce(), 1);
    assert.equal(loop.prune(), 0, "a minute's retention: nothing is old enough yet");
    clock += 2 * 3600_000;
    emitEvent(store, "label.created", labelData(1), clock);
    assert.equal(loop.prune(), 1, "the delivery finished two hours ago");
    assert.deepEqual(store.deliveryLog(10).map((d) => d.state), ["pending"], "the pending one stays");
    assert.equal(await loop.runOnce(), 1);
    clock += 5 * 60_000;
    assert.equal(loop.prune(), 0, "pruned once an hour at most");
    assert.equal(loop.prune(true), 1);
    assert.deepEqual(store.deliveryLog(10), []);
    await loop.close();
  } finally {
    await rx.close();
    store.close();
  }
});
