import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { margin } from "../strategies/uncertainty.js";
import { selectRemote } from "../strategies/remote.js";
import { BackendNotifier } from "./remote-notify.js";
import { ModelBackendError, RemoteModel, remotePool } from "./remote.js";

/**
 * An ML backend speaking Label Studio's protocol. Its prediction for a task is computed from the
 * text: p(spam) = (1 + spam words) / (2 + words), sent as a `probabilities` map, or (style
 * "score") as the chosen label with that probability as its score. `mode` switches it to
 * hanging, failing or lying; it records /setup, /predict and /webhook calls.
 */
interface Backend {
  url: string;
  port: number;
  mode: "ok" | "hang" | "500" | "503" | "400" | "malformed" | "down-status";
  style: "probabilities" | "score";
  /** Replaces the computed reply of /predict when set. */
  lie: ((tasks: { id: unknown; data: { text: string } }[]) => string) | null;
  delayMs: number;
  setups: Record<string, unknown>[];
  predicts: { id: unknown; data: { text: string } }[][];
  webhooks: { action: string; annotation?: { id: number; result: { value: { choices: string[] } }[] }; task?: { id: unknown } }[];
  webhookAttempts: number;
  maxInFlight: number;
  close(): Promise<void>;
  reopen(): Promise<void>;
}

const SPAM = new Set(["win", "cash", "free", "prize", "now"]);
const LABELS = ["ham", "spam"];
const pSpam = (text: string): number => {
  const words = text.split(/\s+/).filter((w) => w !== "");
  return (1 + words.filter((w) => SPAM.has(w)).length) / (2 + words.length);
};

async function startBackend(port = 0): Promise<Backend> {
  const hanging = new Set<http.ServerResponse>();
  let inFlight = 0;
  const b: Backend = {
    url: "",
    port: 0,
    mode: "ok",
    style: "probabilities",
    lie: null,
    delayMs: 0,
    setups: [],
    predicts: [],
    webhooks: [],
    webhookAttempts: 0,
    maxInFlight: 0,
    close: () => Promise.resolve(),
    reopen: () => Promise.resolve(),
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, body: string): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
      };
      if (req.url === "/webhook") b.webhookAttempts++;
      if (b.mode === "hang") {
        hanging.add(res);
        return;
      }
      if (b.mode === "500") return send(500, "Traceback (most recent call last):\n  KeyError: 'text'");
      if (b.mode === "503") return send(503, "starting");
      if (b.mode === "400" && req.url === "/webhook") return send(400, "{}");
      if (b.mode === "malformed") return send(200, '{"results": [');
      if (req.method === "GET" && req.url === "/health") return send(200, JSON.stringify({ status: b.mode === "down-status" ? "DOWN" : "UP", model_class: "SpamWords" }));
      const body = JSON.parse(raw) as Record<string, unknown>;
      if (req.url === "/setup") {
        b.setups.push(body);
        return send(200, JSON.stringify({ model_version: "words-1" }));
      }
      if (req.url === "/webhook") {
        b.webhooks.push(body as Backend["webhooks"][number]);
        return send(201, "{}");
      }
      if (req.url === "/predict") {
        const tasks = body.tasks as { id: unknown; data: { text: string } }[];
        b.predicts.push(tasks);
        inFlight++;
        b.maxInFlight = Math.max(b.maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          if (b.lie !== null) return send(200, b.lie(tasks));
          const results = tasks.map((t) => {
            const p = pSpam(t.data.text);
            const value = b.style === "probabilities" ? { choices: [p >= 0.5 ? "spam" : "ham"], probabilities: { ham: 1 - p, spam: p } } : { choices: [p >= 0.5 ? "spam" : "ham"] };
            return { result: [{ type: "choices", from_name: "label", to_name: "text", value, ...(b.style === "score" ? { score: Math.max(p, 1 - p) } : {}) }], model_version: "words-1" };
          });
          send(200, JSON.stringify({ results }));
        }, b.delayMs);
        return;
      }
      send(404, "{}");
    });
  };
  let server = http.createServer(handler);
  const listen = (p: number): Promise<void> => new Promise((resolve) => server.listen(p, "127.0.0.1", resolve));
  await listen(port);
  b.port = (server.address() as AddressInfo).port;
  b.url = `http://127.0.0.1:${b.port}`;
  b.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  b.reopen = async () => {
    server = http.createServer(handler);
    await listen(b.port);
  };
  return b;
}

const texts = (n: number): string[] => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `win cash now ${"x ".repeat(i % 5)}` : `meeting at ${i} ${"win ".repeat(i % 4)}notes`).trim());

function model(b: Backend, pool: string[], o: Partial<ConstructorParameters<typeof RemoteModel>[0]> = {}): RemoteModel {
  return new RemoteModel({ url: b.url, labels: LABELS, poolSize: pool.length, item: (i) => ({ text: pool[i] }), taskId: (i) => `t${i}`, ...o });
}

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

async function rejects(p: Promise<unknown>): Promise<ModelBackendError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ModelBackendError, `a ModelBackendError, got ${String(e)}`);
    assert.equal(e.code, "MODEL_BACKEND");
    return e;
  }
  assert.fail("expected a rejection");
}

void test("setup sends the labels and config; predictions arrive in batches with bounded concurrency and become the backend's probabilities", async () => {
  const b = await startBackend();
  b.delayMs = 30;
  const pool = texts(150);
  const m = model(b, pool, { batchSize: 64, concurrency: 2, fields: ["text"] });
  try {
    assert.deepEqual(await m.setup(), { modelVersion: "words-1" });
    assert.equal(b.setups.length, 1);
    assert.deepEqual(b.setups[0].labels, LABELS);
    assert.match(String(b.setups[0].schema), /<Choices name="label" toName="text" choice="single">[\s\S]*<Choice value="spam"\/>/);
    const report = await m.prefetch(all(150));
    assert.deepEqual([report.fetched, report.cached, report.requests, report.noPrediction], [150, 0, 3, 0]);
    assert.deepEqual(b.predicts.map((t) => t.length), [64, 64, 22]);
    assert.equal(b.maxInFlight, 2, "two requests at once, never three");
    assert.deepEqual(b.predicts.flat().slice(0, 2), [{ id: "t0", data: { text: pool[0] } }, { id: "t1", data: { text: pool[1] } }]);
    const rows = Int32Array.of(5, 0, 149);
    const p = m.predictProba(remotePool(150), rows);
    rows.forEach((i, r) => {
      assert.ok(Math.abs(p[r * 2 + 1] - pSpam(pool[i])) < 1e-12, `row ${i}`);
      assert.ok(Math.abs(p[r * 2] + p[r * 2 + 1] - 1) < 1e-12);
    });
    const again = await m.prefetch(all(150));
    assert.deepEqual([again.fetched, again.cached, again.requests], [0, 150, 0]);
    assert.equal(b.predicts.length, 3, "cached rows are not asked again");
    m.invalidate();
    assert.throws(() => m.predictProba(remotePool(150), Int32Array.of(3)), /pool item 3 have no prediction|pool item 3 .*prefetch/);
  } finally {
    await b.close();
  }
});

void test("a chosen label with a score gets that score and the rest spread evenly; no score = certain; an empty result = uniform", async () => {
  const b = await startBackend();
  b.style = "score";
  const pool = ["win cash", "meeting notes today ok"];
  const three = model(b, pool, { labels: ["ham", "spam", "other"] });
  try {
    await three.prefetch(all(2));
    const p = three.predictProba(remotePool(2));
    const s0 = Math.max(pSpam(pool[0]), 1 - pSpam(pool[0]));
    assert.deepEqual(Array.from(p.subarray(0, 3), (x) => Math.round(x * 1e9) / 1e9), [(1 - s0) / 2, s0, (1 - s0) / 2].map((x) => Math.round(x * 1e9) / 1e9));
    b.lie = (tasks) =>
      JSON.stringify({
        results: tasks.map((_, t) => ({ result: t === 0 ? [{ type: "choices", value: { choices: ["ham"] } }] : t === 1 ? [] : [{ type: "choices", value: { choices: ["other"] }, score: 0.1 }] })),
      });
    const m = model(b, ["a", "b", "c"], { labels: ["ham", "spam", "other"] });
    const r = await m.prefetch(all(3));
    assert.equal(r.noPrediction, 1);
    const q = m.predictProba(remotePool(3));
    assert.deepEqual(Array.from(q.subarray(0, 3)), [1, 0, 0], "no score: certain");
    assert.deepEqual(Array.from(q.subarray(3, 6)), [1 / 3, 1 / 3, 1 / 3], "no prediction: uniform");
    assert.ok(Array.from(q.subarray(6, 9)).every((x) => Math.abs(x - 1 / 3) < 1e-12), "a score below 1/K is floored there");
  } finally {
    await b.close();
  }
});

void test("margin selects through the remote model: the items the backend is least sure of, from a candidate subsample when asked", async () => {
  const b = await startBackend();
  const pool = texts(90);
  const m = model(b, pool, { batchSize: 16 });
  try {
    const labeled = Int32Array.of(0, 1);
    const unlabeled = all(90).filter((i) => i > 1);
    const sel = await selectRemote({ model: m, strategy: margin, unlabeled, labeled, labels: Int32Array.of(1, 0), rng: new Rng(3), k: 5 });
    const expected = Array.from(unlabeled)
      .map((i) => ({ i, u: 1 - Math.abs(2 * pSpam(pool[i]) - 1) }))
      .sort((a, c) => c.u - a.u || a.i - c.i)
      .slice(0, 5);
    assert.deepEqual(Array.from(sel.indices), expected.map((e) => e.i));
    sel.scores.forEach((s, t) => assert.ok(Math.abs(s - expected[t].u) < 1e-12));
    assert.equal(sel.candidates, 88);
    assert.equal(b.predicts.flat().length, 88, "labeled items are not predicted");

    const m2 = model(b, pool, { batchSize: 16 });
    const before = b.predicts.flat().length;
    const sub = await selectRemote({ model: m2, strategy: margin, unlabeled, labeled, labels: Int32Array.of(1, 0), rng: new Rng(3), k: 5, maxCandidates: 20 });
    assert.equal(sub.candidates, 20);
    assert.equal(b.predicts.flat().length - before, 20, "only the candidates are asked of the backend");
    assert.ok(Array.from(sub.indices).every((i) => m2.has(i)));
    await assert.rejects(selectRemote({ model: m2, strategy: { name: "typiclust", description: "", select: () => assert.fail("must not run") }, unlabeled, labeled, labels: Int32Array.of(1, 0), rng: new Rng(3), k: 5 }), /needs feature vectors: give --features or use the built-in model/);
  } finally {
    await b.close();
  }
});

void test("a backend that hangs gives the timeout error within the timeout", async () => {
  const b = await startBackend();
  b.mode = "hang";
  const m = model(b, texts(10), { timeoutMs: 300 });
  try {
    const t0 = performance.now();
    const e = await rejects(m.prefetch(all(10)));
    const took = performance.now() - t0;
    assert.equal(e.failure, "timeout");
    assert.equal(e.message, `the model backend at ${b.url} did not answer within 300 ms (POST /predict, 10 tasks)`);
    assert.ok(took >= 290 && took < 1500, `took ${took} ms`);
    const t1 = performance.now();
    const h = await m.health(200);
    assert.ok(performance.now() - t1 < 1200);
    assert.equal(h.up, false);
    assert.equal(h.failure, "timeout");
    assert.match(h.message ?? "", /did not answer within 200 ms \(GET \/health\)/);
    assert.deepEqual(m.state().lastError?.failure, "timeout");
    assert.equal(new RemoteModel({ url: b.url, labels: LABELS, poolSize: 1, item: () => ({}) }).state().url, b.url);
  } finally {
    await b.close();
  }
});

void test("a 500, malformed JSON and a dead backend become clear typed errors", async () => {
  const b = await startBackend();
  const m = model(b, texts(4));
  try {
    b.mode = "500";
    let e = await rejects(m.prefetch(all(4)));
    assert.equal(e.failure, "http");
    assert.equal(e.status, 500);
    assert.equal(e.message, `the model backend at ${b.url} answered HTTP 500 to POST /predict, 4 tasks: Traceback (most recent call last): KeyError: 'text'`);
    b.mode = "malformed";
    e = await rejects(m.prefetch(all(4)));
    assert.equal(e.failure, "malformed");
    assert.match(e.message, new RegExp(`^the model backend at ${b.url} answered POST /predict, 4 tasks with malformed JSON \\(.+\\): \\{"results": \\[$`));
    await b.close();
    e = await rejects(m.prefetch(all(4)));
    assert.equal(e.failure, "unreachable");
    assert.match(e.message, new RegExp(`^the model backend at ${b.url} cannot be reached \\(.*(ECONNREFUSED|other side closed).*; POST /predict, 4 tasks\\)$`));
    assert.equal(m.has(0), false, "nothing cached from failed replies");
  } finally {
    await b.close().catch(() => undefined);
  }
});

void test("hostile predictions are refused whole, naming the backend and the task", async () => {
  const b = await startBackend();
  const pool = texts(3);
  const ok = (extra: object = {}) => ({ result: [{ type: "choices", value: { choices: ["spam"], ...extra } }] });
  const cases: [string, () => string, RegExp][] = [
    ["wrong count", () => JSON.stringify({ results: [ok(), ok()] }), /answered 2 predictions for 3 tasks \(POST \/predict, 3 tasks, tasks t0 … t2\); it must answer one per task, in order/],
    ["unknown label", () => JSON.stringify({ results: [ok(), { result: [{ type: "choices", value: { choices: ["eggs"] } }] }, ok()] }), /prediction for task t1 \(pool item 1\): results\[1\]\.result\[0\]\.value\.choices: "eggs" is not one of the project's labels \(ham, spam\)/],
    ["non-finite score", () => `{"results": [${JSON.stringify(ok())}, ${JSON.stringify(ok())}, {"result": [{"type": "choices", "value": {"choices": ["spam"]}, "score": 1e999}]}]}`, /task t2 \(pool item 2\): results\[2\]\.result\[0\]\.score: must be a finite number/],
    ["score above 1", () => JSON.stringify({ results: [ok(), ok(), { result: [{ type: "choices", value: { choices: ["ham"] } }], score: 7 }] }), /task t2 .*score 7 is not a probability in \[0, 1\]/],
    ["negative probability", () => JSON.stringify({ results: [ok({ probabilities: { ham: -0.5, spam: 1.5 } }), ok(), ok()] }), /task t0 .*probabilities\["ham"\]: -0.5 is negative/],
    ["unknown label in probabilities", () => JSON.stringify({ results: [ok(), ok({ probabilities: { spam: 0.5, eggs: 0.5 } }), ok()] }), /task t1 .*probabilities: "eggs" is not one of the project's labels/],
    ["no results list", () => JSON.stringify({ predictions: [] }), /answered POST \/predict, 3 tasks without a "results" list/],
    ["result not a list", () => JSON.stringify({ results: [ok(), { result: "spam" }, ok()] }), /task t1 .*results\[1\]\.result: must be a list of result entries/],
    ["two choices", () => JSON.stringify({ results: [ok(), ok(), { result: [{ type: "choices", value: { choices: ["ham", "spam"] } }] }] }), /task t2 .*expected one label, got 2/],
    ["no choices entry", () => JSON.stringify({ results: [{ result: [{ type: "labels", value: {} }] }, ok(), ok()] }), /task t0 .*has no "choices" entry from "label" \(it has labels\)|task t0 .*has no "choices" entry/],
  ];
  try {
    for (const [name, lie, re] of cases) {
      b.lie = lie;
      const m = model(b, pool);
      const e = await rejects(m.prefetch(all(3)));
      assert.equal(e.failure, "invalid", name);
      assert.ok(e.message.startsWith(`the model backend at ${b.url} `), `${name}: ${e.message}`);
      assert.match(e.message, re, name);
      assert.equal([0, 1, 2].some((i) => m.has(i)), false, `${name}: no row of a bad reply is cached`);
    }
  } finally {
    await b.close();
  }
});

void test("health reports up, a status other than UP, down when the backend is gone, and up again when it is back", async () => {
  const b = await startBackend();
  const m = model(b, texts(2));
  try {
    let h = await m.health();
    assert.deepEqual([h.up, h.status, h.modelClass, h.message], [true, "UP", "SpamWords", null]);
    b.mode = "down-status";
    h = await m.health();
    assert.deepEqual([h.up, h.status], [false, "DOWN"]);
    assert.match(h.message ?? "", /reports status "DOWN", not "UP"/);
    b.mode = "ok";
    await b.close();
    h = await m.health();
    assert.equal(h.up, false);
    assert.equal(h.failure, "unreachable");
    assert.match(h.message ?? "", /^the model backend at http:\/\/127\.0\.0\.1:\d+ cannot be reached/);
    await b.reopen();
    h = await m.health();
    assert.equal(h.up, true);
  } finally {
    await b.close();
  }
});

const notice = (i: number) => ({ annotationId: i, taskId: `t${i}`, data: { text: `item ${i}` }, label: i % 2 === 0 ? "spam" : "ham", annotator: "ana", createdAt: new Date(1000 * i).toISOString(), durationMs: 1500 });

void test("annotation events reach the backend in order, in Label Studio's shape, and are retried until it is back", async () => {
  const b = await startBackend();
  const n = new BackendNotifier({ url: b.url, baseDelayMs: 20, maxDelayMs: 80, labelConfig: "<View/>" });
  try {
    b.mode = "503";
    for (let i = 1; i <= 5; i++) n.annotationCreated(notice(i));
    await new Promise((r) => setTimeout(r, 150));
    const st = n.status();
    assert.equal(st.pending, 5);
    assert.equal(st.delivered, 0);
    assert.ok(st.down && st.failures >= 2, `retried while down (${st.failures} failures)`);
    assert.match(st.lastError ?? "", /answered HTTP 503 to POST \/webhook/);
    b.mode = "ok";
    await n.idle();
    assert.deepEqual(b.webhooks.map((w) => w.annotation?.id), [1, 2, 3, 4, 5]);
    assert.ok(b.webhookAttempts > 5);
    const first = b.webhooks[0] as Record<string, unknown>;
    assert.deepEqual(first, {
      action: "ANNOTATION_CREATED",
      annotation: { id: 1, result: [{ type: "choices", value: { choices: ["ham"] }, from_name: "label", to_name: "text" }], completed_by: "ana", created_at: new Date(1000).toISOString(), lead_time: 1.5 },
      task: { id: "t1", data: { text: "item 1" } },
      project: { id: "activelearn", label_config: "<View/>" },
    });
    assert.deepEqual([n.status().delivered, n.status().pending, n.status().down], [5, 0, false]);

    // A backend that is gone (connection refused) and comes back on the same port.
    await b.close();
    n.annotationCreated(notice(6));
    n.startTraining();
    await new Promise((r) => setTimeout(r, 100));
    assert.match(n.status().lastError ?? "", /cannot be reached \(.*ECONNREFUSED/);
    await b.reopen();
    n.retryNow();
    await n.idle();
    assert.deepEqual(b.webhooks.slice(5).map((w) => w.action), ["ANNOTATION_CREATED", "START_TRAINING"]);
    assert.equal(b.webhooks[5].annotation?.id, 6);
  } finally {
    await n.close();
    await b.close();
  }
});

void test("notifying never waits on a hanging backend; a refused event does not block the next; a full queue drops the oldest", async () => {
  const b = await startBackend();
  const n = new BackendNotifier({ url: b.url, timeoutMs: 200, baseDelayMs: 10, maxDelayMs: 20, capacity: 3 });
  try {
    b.mode = "hang";
    const t0 = performance.now();
    for (let i = 1; i <= 5; i++) n.annotationCreated(notice(i));
    assert.ok(performance.now() - t0 < 50, "queueing is immediate");
    assert.deepEqual([n.status().pending, n.status().dropped], [3, 2]);
    await new Promise((r) => setTimeout(r, 350));
    assert.match(n.status().lastError ?? "", /did not answer within 200 ms \(POST \/webhook\)/);
    b.mode = "400";
    await n.idle();
    assert.deepEqual([n.status().refused, n.status().delivered], [3, 0]);
    b.mode = "ok";
    n.annotationCreated(notice(9));
    await n.idle();
    assert.deepEqual(b.webhooks.map((w) => w.annotation?.id), [9]);
  } finally {
    await n.close();
    await b.close();
  }
});
