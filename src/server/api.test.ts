import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { initProject, projectDbPath } from "../project/init.js";
import { startServer, type RunningServer } from "./app.js";
import { call, dbSnapshot, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

async function withServer(n: number, seeds: number, fn: (srv: RunningServer, dbPath: string) => Promise<void>, opts: { auditEvery?: number; leaseMs?: number; strategy?: string } = {}): Promise<void> {
  const { dir, dbPath } = await syntheticProject(n, seeds, opts.strategy !== undefined ? { strategy: opts.strategy } : {});
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: opts.auditEvery ?? 0, ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}) });
  try {
    await fn(srv, dbPath);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

const next = async (url: string, who: string): Promise<ItemReply["item"]> => {
  const r = await call(url, "GET", `/api/next?annotator=${who}`);
  assert.equal(r.status, 200, r.text);
  return (r.body as ItemReply).item;
};

void test("project, next, label, idempotent re-label, leases, skip, undo, stats, dashboard", async () => {
  await withServer(60, 4, async (srv, dbPath) => {
    const u = srv.url;
    const proj = (await call(u, "GET", "/api/project")).body as Record<string, unknown>;
    assert.deepEqual(proj, { name: "proj", labels: ["spam", "ham"], textColumn: "text", imageColumn: null, fields: ["text", "length"], strategy: "typical_variance", model: "logreg", total: 60, retrainEvery: 5, budget: null, targetAccuracy: null });

    const a = await next(u, "ana");
    assert.equal(typeof a.id, "string");
    assert.equal(typeof a.data.text, "string");
    assert.ok(!("seed_label" in a.data), "the label column is not shown");
    assert.equal(typeof a.reason, "string");
    assert.equal(typeof a.strategy, "string");
    // Same annotator again: the same item; another annotator: a different one.
    assert.equal((await next(u, "ana")).id, a.id);
    const b = await next(u, "bob");
    assert.notEqual(b.id, a.id);

    // Bob cannot label Ana's item; nothing changes.
    const before = dbSnapshot(dbPath);
    const clash = await call(u, "POST", `/api/items/${a.id}/label`, { label: "spam", annotator: "bob" });
    assert.equal(clash.status, 409);
    assert.match(JSON.stringify(clash.body), /being labeled by ana/);
    assert.equal(dbSnapshot(dbPath), before);

    const l1 = await call(u, "POST", `/api/items/${a.id}/label`, { label: syntheticTruth(a.id), annotator: "ana", durationMs: 1200 });
    assert.equal(l1.status, 201);
    assert.deepEqual(l1.body, { ok: true, labeled: 5 });
    const once = dbSnapshot(dbPath);
    const l2 = await call(u, "POST", `/api/items/${a.id}/label`, { label: syntheticTruth(a.id), annotator: "ana", durationMs: 1300 });
    assert.equal(l2.status, 201);
    assert.deepEqual(l2.body, { ok: true, labeled: 5 });
    assert.equal(dbSnapshot(dbPath), once, "the same label twice is stored once");

    // Ana moves on to a new item; she skips it, and it is not offered to her again, but Bob may get it.
    const c = await next(u, "ana");
    assert.notEqual(c.id, a.id);
    assert.equal((await call(u, "POST", `/api/items/${c.id}/skip`, { annotator: "ana" })).status, 200);
    const d = await next(u, "ana");
    assert.notEqual(d.id, c.id);
    await call(u, "POST", `/api/items/${b.id}/skip`, { annotator: "bob" });
    const bobs: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await call(u, "GET", "/api/next?annotator=bob");
      if (r.status === 204) break;
      const it = (r.body as ItemReply).item;
      bobs.push(it.id);
      if (it.id === c.id) break;
      await call(u, "POST", `/api/items/${it.id}/skip`, { annotator: "bob" });
    }
    assert.ok(bobs.includes(c.id), "an item skipped by ana still reaches bob");

    // Undo: the label goes, and the item comes back to Ana first.
    const undo = await call(u, "DELETE", `/api/items/${a.id}/label?annotator=ana`);
    assert.equal(undo.status, 200);
    assert.deepEqual(undo.body, { ok: true, labeled: 4 });
    assert.equal((await next(u, "ana")).id, a.id);
    assert.equal((await call(u, "DELETE", `/api/items/${a.id}/label?annotator=ana`)).status, 404, "nothing left to undo");

    const stats = (await call(u, "GET", "/api/stats")).body as Record<string, unknown>;
    assert.equal(stats.total, 60);
    assert.equal(stats.labeled, 4);
    assert.deepEqual(stats.byLabel, { spam: 2, ham: 2 });
    assert.equal(typeof stats.iterations, "number");
    assert.ok("lastRetrainAt" in stats && "metrics" in stats);

    const dash = (await call(u, "GET", "/api/dashboard")).body as Record<string, unknown>;
    for (const k of ["curve", "byLabel", "labelsSavedEstimate", "labeled", "total", "annotators", "iterations", "lastRetrainAt"]) assert.ok(k in dash, k);
    assert.ok(Array.isArray(dash.curve));
  });
});

void test("labels train the model in the background; suggestions, curve, export and predict follow", async () => {
  await withServer(80, 4, async (srv) => {
    const u = srv.url;
    for (let i = 0; i < 30; i++) {
      const it = await next(u, "ana");
      const r = await call(u, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id), annotator: "ana", durationMs: 500 + i });
      assert.equal(r.status, 201);
      if (i % 10 === 9) await srv.project.idle();
    }
    await srv.project.idle();
    const it = await next(u, "ana");
    assert.notEqual(it.suggestion, null);
    // The default strategy, typical_variance, is in its margin phase past 5 labels a class.
    assert.equal(it.strategy, "margin");
    assert.match(it.reason, /^the model is unsure \((spam|ham) at \d+%\)$/);
    assert.ok(it.suggestion !== null && it.suggestion.confidence >= 0.5 && it.suggestion.confidence <= 1);
    const stats = (await call(u, "GET", "/api/stats")).body as { labeled: number; iterations: number; lastRetrainAt: string | null; metrics: { accuracy: number | null } };
    assert.equal(stats.labeled, 34);
    assert.ok(stats.iterations >= 3, `iterations ${stats.iterations}`);
    assert.notEqual(stats.lastRetrainAt, null);
    const dash = (await call(u, "GET", "/api/dashboard")).body as {
      curve: { labels: number; accuracy: number; n: number }[];
      hardCurve: { labels: number; accuracy: number; n: number }[];
      annotators: { name: string; labels: number; medianMs: number }[];
    };
    // Holdout points: accuracy on the random audit picks (every 3rd pick here) of a model fitted
    // without them; this synthetic spam/ham task is easy, so the last point is well above chance.
    // Points measured on fewer than 10 audit picks are not drawn (0% or 100% from one or two items).
    for (const p of dash.curve) assert.ok(p.accuracy >= 0 && p.accuracy <= 1 && p.n >= 10 && p.n <= 10, JSON.stringify(p));
    if (dash.curve.length > 0) assert.ok(dash.curve[dash.curve.length - 1].accuracy >= 0.7, JSON.stringify(dash.curve));
    const early = (dash as unknown as { accuracy: { headline: { value: number | null; n: number; text: string } } }).accuracy.headline;
    if (early.value === null) assert.match(early.text, /^not enough random picks yet \(\d of 10\)$/);
    for (const p of dash.hardCurve) assert.ok(p.accuracy >= 0 && p.accuracy <= 1 && p.n > 0);
    assert.deepEqual(dash.annotators.map((a) => [a.name, a.labels]), [["ana", 30]]);
    assert.ok(dash.annotators[0].medianMs >= 500 && dash.annotators[0].medianMs < 600);

    const jsonl = await call(u, "GET", "/api/export?format=jsonl");
    assert.equal(jsonl.status, 200);
    assert.match(jsonl.headers.get("content-type") ?? "", /ndjson/);
    const rows = jsonl.text.trim().split("\n").map((l) => JSON.parse(l) as { id: string; label: string; annotator: string; data: { text: string } });
    assert.equal(rows.length, 34);
    for (const r of rows) assert.equal(r.label, syntheticTruth(r.id));
    assert.equal(rows.filter((r) => r.annotator === "import").length, 4);
    const csv = await call(u, "GET", "/api/export?format=csv");
    const lines = csv.text.trim().split("\r\n");
    assert.equal(lines[0], "id,text,length,label,annotator,labeled_at");
    assert.equal(lines.length, 35);
    assert.equal((await call(u, "GET", "/api/export?format=xml")).status, 400);

    const pred = await call(u, "POST", "/api/predict", { items: [{ text: "cheap pills winner prize free money casino viagra offer", length: 50 }, { text: "meeting kernel patch review lunch report schedule build notes", length: 50 }] });
    assert.equal(pred.status, 200, pred.text);
    const ps = (pred.body as { predictions: { label: string; probabilities: Record<string, number> }[] }).predictions;
    assert.equal(ps.length, 2);
    assert.ok(ps[0].probabilities.spam > ps[1].probabilities.spam, JSON.stringify(ps));
    for (const p of ps) assert.ok(Math.abs(p.probabilities.spam + p.probabilities.ham - 1) < 1e-5);

    // Field names the model was not trained on: a 400 naming them, never prior-only predictions.
    const typo = await call(u, "POST", "/api/predict", { items: [{ text: "cheap pills", length: 5 }, { txt: "cheap pills", length: 5 }] });
    assert.equal(typo.status, 400, typo.text);
    const msg = (typo.body as { error: { message: string } }).error.message;
    assert.match(msg, /fields the model was trained with are missing: "text"/);
    assert.match(msg, /fields the model was not trained on: "txt"/);
    assert.match(msg, /the model's fields: "text", "length"/);
    assert.match(msg, /"text" \(first in items\[1\]\)/);
    const none = await call(u, "POST", "/api/predict", { items: [{ colour: "red" }] });
    assert.equal(none.status, 400, none.text);
    assert.match((none.body as { error: { message: string } }).error.message, /missing: "text", "length"[\s\S]*not trained on: "colour"/);
    // An explicit null is a missing value the model handles.
    assert.equal((await call(u, "POST", "/api/predict", { items: [{ text: "cheap pills", length: null }] })).status, 200);
  }, { auditEvery: 3 });
});

void test("204 when every item is labeled", async () => {
  await withServer(6, 2, async (srv) => {
    const u = srv.url;
    for (let i = 0; i < 4; i++) {
      const it = await next(u, "ana");
      assert.equal((await call(u, "POST", `/api/items/${it.id}/label`, { label: syntheticTruth(it.id), annotator: "ana" })).status, 201);
    }
    const r = await call(u, "GET", "/api/next?annotator=ana");
    assert.equal(r.status, 204);
    assert.equal(r.text, "");
  });
});

void test("ahead=1 hands out the item after the current one, for fetching in advance", async () => {
  await withServer(10, 2, async (srv) => {
    const u = srv.url;
    const cur = await next(u, "ana");
    const ahead = (await call(u, "GET", "/api/next?annotator=ana&ahead=1")).body as ItemReply;
    assert.notEqual(ahead.item.id, cur.id);
    assert.equal((await next(u, "ana")).id, cur.id, "a plain ask still returns the current item");
    assert.ok(![cur.id, ahead.item.id].includes((await next(u, "bob")).id), "held items are not handed to others");
    assert.equal((await call(u, "POST", `/api/items/${cur.id}/label`, { label: syntheticTruth(cur.id), annotator: "ana" })).status, 201);
    assert.equal((await next(u, "ana")).id, ahead.item.id, "after the label, the look-ahead is current");
    const bad = await call(u, "GET", "/api/next?annotator=ana&ahead=2");
    assert.equal(bad.status, 400);
    assert.match(bad.text, /ahead must be 0 or 1/);
  });
});

void test("an expired lease frees the item for another annotator", async () => {
  await withServer(3, 1, async (srv) => {
    const u = srv.url;
    const a = await next(u, "ana");
    const b = await next(u, "bob");
    assert.notEqual(a.id, b.id);
    assert.equal((await call(u, "GET", "/api/next?annotator=cy")).status, 204, "both remaining items are leased");
    await new Promise((r) => setTimeout(r, 120));
    const c = await next(u, "cy");
    assert.ok([a.id, b.id].includes(c.id));
  }, { leaseMs: 100 });
});

void test("bad requests get a 4xx with a clear message and change nothing", async () => {
  await withServer(20, 2, async (srv, dbPath) => {
    const u = srv.url;
    const it = await next(u, "ana");
    const before = dbSnapshot(dbPath);
    const cases: [string, string, unknown, string | undefined, number, RegExp][] = [
      ["POST", "/api/items/no-such-item/label", { label: "spam", annotator: "ana" }, undefined, 404, /no item with id "no-such-item"/],
      ["POST", `/api/items/${it.id}/label`, { label: "eggs", annotator: "ana" }, undefined, 400, /unknown label "eggs"/],
      ["POST", `/api/items/${it.id}/label`, undefined, '{"label": "spam", "annotator": ', 400, /malformed JSON/],
      ["POST", `/api/items/${it.id}/label`, undefined, "[1,2]", 400, /must be an object/],
      ["POST", `/api/items/${it.id}/label`, { label: "spam" }, undefined, 400, /"annotator" is required/],
      ["POST", `/api/items/${it.id}/label`, { label: 3, annotator: "" }, undefined, 400, /"label" must be a string[\s\S]*"annotator" must not be empty/],
      ["POST", `/api/items/${it.id}/label`, { label: "spam", annotator: "ana", durationMs: -5 }, undefined, 400, /durationMs/],
      ["POST", `/api/items/${it.id}/label`, { label: "spam", annotator: "ana", durationMs: 86_400_001 }, undefined, 400, /"durationMs" must be an integer/],
      ["POST", `/api/items/${it.id}/label`, { label: "spam", annotator: "ana", durationMs: 1.5 }, undefined, 400, /"durationMs" must be an integer/],
      ["POST", `/api/items/${it.id}/label`, { label: "spam", annotator: "ad\u202emin" }, undefined, 400, /body: field "annotator" must not contain bidirectional control/],
      ["POST", `/api/items/${it.id}/skip`, { annotator: "a\u0000b" }, undefined, 400, /body: field "annotator" must not contain control/],
      ["GET", "/api/next?annotator=a%0Ab", undefined, undefined, 400, /query: field "annotator" must not contain control/],
      ["DELETE", `/api/items/${it.id}/label?annotator=%E2%80%AEx`, undefined, undefined, 400, /query: field "annotator" must not contain bidirectional/],
      ["POST", `/api/items/${it.id}/label`, { label: "spam", annotator: "ana", colour: "red" }, undefined, 400, /unknown field "colour"/],
      ["POST", `/api/items/${it.id}/label`, undefined, JSON.stringify({ label: "spam", annotator: "ana", pad: "x".repeat(2 << 20) }), 413, /over the limit/],
      ["POST", "/api/items/no-such-item/skip", { annotator: "ana" }, undefined, 404, /no item/],
      ["POST", `/api/items/${it.id}/skip`, {}, undefined, 400, /"annotator" is required/],
      ["DELETE", `/api/items/${it.id}/label`, undefined, undefined, 400, /"annotator" is required/],
      ["DELETE", "/api/items/no-such-item/label?annotator=ana", undefined, undefined, 404, /no item/],
      ["GET", "/api/next", undefined, undefined, 400, /"annotator" is required/],
      ["PUT", "/api/stats", undefined, undefined, 405, /not allowed/],
      ["GET", "/api/nothing-here", undefined, undefined, 404, /nothing at/],
      ["POST", "/api/predict", { items: "text" }, undefined, 400, /"items" must be an array/],
      ["POST", "/api/predict", { items: [{ text: { nested: 1 } }] }, undefined, 400, /items\[0\]\.text/],
      ["GET", "/api/items/%E0%A4%A/label", undefined, undefined, 405, /not allowed/],
      ["POST", "/api/items/%E0%A4%A/label", { label: "spam", annotator: "ana" }, undefined, 400, /percent-encoding/],
    ];
    for (const [method, p, body, raw, status, message] of cases) {
      const r = await call(u, method, p, body, raw);
      assert.equal(r.status, status, `${method} ${p}: ${r.text}`);
      const err = (r.body as { error: { code: string; message: string } }).error;
      assert.equal(typeof err.code, "string");
      assert.match(err.message, message, `${method} ${p}`);
      assert.equal(dbSnapshot(dbPath), before, `${method} ${p} changed the database`);
    }
    // The server still works after all that.
    assert.equal((await call(u, "POST", `/api/items/${it.id}/label`, { label: "spam", annotator: "ana" })).status, 201);
  });
});

void test("web pages: placeholder or UI at / and /dashboard with a CSP forbidding inline scripts; no traversal", async () => {
  await withServer(5, 1, async (srv) => {
    const u = srv.url;
    for (const p of ["/", "/dashboard"]) {
      const r = await call(u, "GET", p);
      assert.equal(r.status, 200);
      assert.match(r.headers.get("content-type") ?? "", /text\/html/);
      const csp = r.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    }
    for (const p of ["/static/../package.json", "/static/%2e%2e/package.json", "/static/..%2fpackage.json", "/static/%2fetc%2fpasswd", "/static/.%2e/.%2e/package.json"]) {
      const r = await call(u, "GET", p);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.text, /"name": "activelearn"/);
    }
    const doc = await call(u, "GET", "/api/openapi.json");
    assert.equal(doc.status, 200);
    const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
    for (const p of ["/api/next", "/api/items/{id}/label", "/api/items/{id}/skip", "/api/stats", "/api/project", "/api/dashboard", "/api/export", "/api/predict"]) assert.ok(paths.includes(p), p);
  });
});

void test("the default strategy's picks name the phase that chose them: typiclust first, margin later", async () => {
  await withServer(80, 4, async (srv) => {
    const u = srv.url;
    for (let i = 0; i < 5; i++) {
      const it = await next(u, "ana");
      assert.equal((await call(u, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id), annotator: "ana" })).status, 201);
    }
    await srv.project.idle();
    const early = await next(u, "ana");
    assert.equal(early.strategy, "typiclust");
    assert.match(early.reason, /^typiclust: the most typical item of the largest clusters not yet covered by labels \(low budgets\) \(the model says (spam|ham) at \d+%\)$/);
  });
});

void test("a pick of a non-uncertainty strategy says what that strategy prefers, and what the model says", async () => {
  await withServer(80, 4, async (srv) => {
    const u = srv.url;
    for (let i = 0; i < 10; i++) {
      const it = await next(u, "ana");
      assert.equal((await call(u, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id), annotator: "ana" })).status, 201);
    }
    await srv.project.idle();
    const it = await next(u, "ana");
    assert.equal(it.strategy, "representative");
    assert.match(it.reason, /^representative: k-means over the 10k most uncertain items; the item nearest each centroid \(the model says (spam|ham) at \d+%\)$/);
  }, { strategy: "representative" });
});

void test("a three-class tabular project walks through typical_variance's phases: typiclust, variance reduction, margin", async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-test-"));
  // Three Gaussian blobs in four features, 120 rows; the class is kept out of the file.
  const rng = new Rng(7);
  const names = ["red", "green", "blue"];
  const truth = new Map<string, string>();
  const lines = ["id,a,b,c,d"];
  for (let i = 0; i < 120; i++) {
    const c = i % 3;
    const x = [0, 1, 2, 3].map((j) => ((j === c ? 2 : 0) + rng.next() * 3 - 1.5).toFixed(3));
    lines.push([`r${i}`, ...x].join(","));
    truth.set(`r${i}`, names[c]);
  }
  const data = path.join(tmp, "blobs.csv");
  fs.writeFileSync(data, lines.join("\n") + "\n");
  const dir = path.join(tmp, "proj");
  await initProject({ dir, data, labels: names, id: "id", retrainEvery: 5 });
  assert.ok(fs.existsSync(projectDbPath(dir)));
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
  try {
    const seen: string[] = [];
    for (let i = 0; i < 90; i++) {
      const it = await next(srv.url, "ana");
      if (i > 0 && i % 5 === 0 && it.suggestion !== null && seen.at(-1) !== it.strategy) {
        seen.push(it.strategy);
        if (it.strategy === "variance_reduction") assert.match(it.reason, /^variance reduction: largest fall of the pool's predictive variance .*\(the model says (red|green|blue) at \d+%\)$/);
        if (it.strategy === "margin") assert.match(it.reason, /^the model is unsure \((red|green|blue) at \d+%\)$/);
      }
      assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: truth.get(it.id), annotator: "ana" })).status, 201);
      if (i % 5 === 4) await srv.project.idle();
    }
    assert.deepEqual(seen, ["typiclust", "variance_reduction", "margin"]);
  } finally {
    await srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
