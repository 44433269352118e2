import assert from "node:assert/strict";
import test from "node:test";
import { BadOptionError } from "../errors.js";
import { backoffMs } from "./delivery.js";
import { sign, verifySignature } from "./signature.js";
import { webhookEvents, webhookSecret, webhookUrl } from "./url.js";

const SECRET = "0123456789abcdef0123";
const BODY = '{"id":"evt_1","event":"label.created","createdAt":"2026-01-01T00:00:00.000Z","data":{}}';

void test("a signature verifies with its secret, body and recent timestamp, and fails on any change", () => {
  const now = 1_800_000_000_000;
  const ts = Math.floor(now / 1000);
  const signature = sign(SECRET, ts, BODY);
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);
  const ok = { secret: SECRET, body: BODY, timestamp: String(ts), signature, now };
  assert.equal(verifySignature(ok), true);
  assert.equal(verifySignature({ ...ok, body: Buffer.from(BODY) }), true, "raw bytes as well as a string");
  assert.equal(verifySignature({ ...ok, body: BODY.replace("label.created", "label.createe") }), false, "tampered body");
  assert.equal(verifySignature({ ...ok, secret: SECRET + "x" }), false, "wrong secret");
  assert.equal(verifySignature({ ...ok, timestamp: String(ts + 1) }), false, "the timestamp is signed");
  assert.equal(verifySignature({ ...ok, now: now + 301_000 }), false, "a replay after the tolerance");
  assert.equal(verifySignature({ ...ok, now: now + 299_000 }), true, "within the tolerance");
  assert.equal(verifySignature({ ...ok, signature: signature.slice(0, -1) }), false, "a shorter signature");
  assert.equal(verifySignature({ ...ok, signature: undefined }), false);
  assert.equal(verifySignature({ ...ok, timestamp: ["1", "2"] }), false);
  assert.equal(verifySignature({ ...ok, timestamp: "1e9" }), false);
});

void test("webhook URLs: http(s) with a host, loopback allowed; other schemes and credentials refused naming the option", () => {
  assert.equal(webhookUrl("http://127.0.0.1:9000/hook"), "http://127.0.0.1:9000/hook");
  assert.equal(webhookUrl("https://hooks.example.com/x?y=1"), "https://hooks.example.com/x?y=1");
  for (const [bad, words] of [
    ["ftp://x/y", /scheme "ftp"/],
    ["file:///etc/passwd", /scheme "file"/],
    ["not a url", /must be an http:\/\/ or https:\/\/ URL/],
    ["http://user:pw@127.0.0.1/", /user name or password/],
    ["http://127.0.0.1/#x", /fragment/],
  ] as const) {
    assert.throws(() => webhookUrl(bad, "URL"), (e: unknown) => e instanceof BadOptionError && e.message.startsWith("URL") && words.test(e.message), bad);
  }
});

void test("webhook events and secrets are checked, every unknown event named", () => {
  assert.equal(webhookEvents(undefined), "*");
  assert.equal(webhookEvents(["*"]), "*");
  assert.deepEqual(webhookEvents(["label.created", "model.retrained", "label.created"]), ["label.created", "model.retrained"]);
  assert.throws(() => webhookEvents(["label.create", "nope"]), (e: unknown) => e instanceof BadOptionError && e.problems.length === 2 && e.message.includes('--events: unknown event "label.create"'));
  assert.throws(() => webhookSecret("short"), /--secret must be at least 16/);
  assert.equal(webhookSecret(SECRET), SECRET);
});

void test("backoff doubles per attempt up to the cap, with jitter in [0.5, 1) of it", () => {
  assert.equal(backoffMs(1, 1000, 60_000, 0), 500);
  assert.equal(backoffMs(1, 1000, 60_000, 0.999), 1000);
  assert.equal(backoffMs(3, 1000, 60_000, 0), 2000);
  assert.equal(backoffMs(20, 1000, 60_000, 0), 30_000, "capped");
  const draws = [0.1, 0.9, 0.5].map((u) => backoffMs(2, 1000, 60_000, u));
  assert.deepEqual(draws, [1100, 1900, 1500]);
});
