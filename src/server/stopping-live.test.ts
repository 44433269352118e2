import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { startServer } from "./app.js";
import type { Advice, Figure } from "./advice.js";
import { call, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../cli/main.js");

interface StatsBody {
  labeled: number;
  iterations: number;
  accuracy: { headline: Figure; others: Figure[]; importedLabels: string };
  advice: Advice;
  metrics: { accuracy: number | null; accuracyN: number; accuracyInterval: [number, number] | null };
}

const names = ["budget", "target_accuracy", "stabilizing_predictions", "overall_uncertainty", "max_uncertainty", "classification_change"];

void test("a served project fed labels through the API says keep labeling, then you can stop now when a criterion fires; status --json agrees", async () => {
  const { dir } = await syntheticProject(300, 4);
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 3, targetAccuracy: 0.8 });
  let last: StatsBody | null = null;
  let firstKeep: StatsBody | null = null;
  try {
    const u = srv.url;
    for (let i = 0; i < 250; i++) {
      const r = await call(u, "GET", "/api/next?annotator=ana");
      assert.equal(r.status, 200, r.text);
      const it = (r.body as ItemReply).item;
      assert.equal((await call(u, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id), annotator: "ana", durationMs: 800 })).status, 201);
      if (i % 5 !== 4) continue;
      await srv.project.idle();
      last = (await call(u, "GET", "/api/stats")).body as StatsBody;
      if (last.iterations > 0 && !last.advice.stop) firstKeep ??= last;
      if (last.advice.stop) break;
    }
    assert.ok(firstKeep !== null, "the advice said keep labeling at first");
    assert.match(firstKeep.advice.sentence, /^Keep labeling: /);
    assert.deepEqual(firstKeep.advice.criteria.map((c) => c.name), names);
    for (const c of firstKeep.advice.criteria) assert.ok(c.reason.length > 10 && ["fired", "waiting", "off"].includes(c.state), JSON.stringify(c));
    assert.equal(firstKeep.advice.criteria[0].state, "off", "no budget was set");

    assert.ok(last !== null && last.advice.stop, `no criterion fired in 250 labels: ${JSON.stringify(last?.advice)}`);
    const fired = last.advice.criteria.filter((c) => c.state === "fired").map((c) => c.name);
    assert.deepEqual(last.advice.agree, fired);
    assert.ok(fired.includes("target_accuracy") || fired.filter((n) => n !== "budget" && n !== "target_accuracy").length >= 2, JSON.stringify(last.advice.criteria));
    assert.match(last.advice.sentence, /^You can stop now: /);
    // The headline: accuracy over the pool, from random audit picks, with its interval.
    const h = last.accuracy.headline;
    assert.equal(h.kind, "pool");
    assert.ok(h.value !== null && h.low !== null && h.high !== null && h.low <= h.value && h.value <= h.high && h.n >= 10, JSON.stringify(h));
    assert.match(last.advice.sentence, new RegExp(`${(100 * h.value).toFixed(1)}% \\(95% interval`));
    if (fired.includes("target_accuracy")) assert.equal(last.advice.target?.reached, true);
    assert.equal(last.advice.budget, null);
    assert.ok(last.accuracy.others.some((f) => f.kind === "hard_items"));
    assert.ok(last.metrics.accuracyInterval !== null);
    // The pace comes from the labeling durations (800 ms each), not from the few ms between requests.
    const dash = (await call(u, "GET", "/api/dashboard")).body as { annotators: { name: string; perHour: number; medianMs: number }[]; advice: Advice; accuracy: { headline: Figure } };
    assert.equal(dash.annotators[0].perHour, 4500);
    assert.ok(Math.abs(dash.annotators[0].medianMs - 800) <= 4);
    assert.deepEqual(dash.advice, last.advice);
    assert.deepEqual(dash.accuracy.headline, h);
    const saved = (dash as unknown as { labelsSavedEstimate: number | null; labelsSavedRange: [number, number] | null });
    if (saved.labelsSavedEstimate !== null) {
      assert.ok(saved.labelsSavedRange !== null && saved.labelsSavedRange[0] <= saved.labelsSavedEstimate && saved.labelsSavedEstimate <= saved.labelsSavedRange[1], JSON.stringify(saved));
    } else assert.equal(saved.labelsSavedRange, null);
  } finally {
    await srv.close();
  }
  try {
    const r = spawnSync(process.execPath, [MAIN, "status", dir, "--json"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const status = JSON.parse(r.stdout) as { advice: Advice; accuracy: { headline: Figure }; targetAccuracy: number };
    assert.equal(status.advice.stop, true);
    assert.equal(status.advice.sentence, last.advice.sentence);
    assert.deepEqual(status.advice.criteria, last.advice.criteria);
    assert.deepEqual(status.accuracy.headline, last.accuracy.headline);
    assert.equal(status.targetAccuracy, 0.8, "the serve-time target is kept in the project");
    const text = spawnSync(process.execPath, [MAIN, "status", dir], { encoding: "utf8" });
    assert.match(text.stdout, /^You can stop now: /m);
    assert.match(text.stdout, /stabilizing_predictions\s+(fired|waiting)/);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("a budget set at serve time fires as soon as that many labels are given in the app", async () => {
  const { dir } = await syntheticProject(80, 4);
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0, budget: 12 });
  try {
    const u = srv.url;
    for (let i = 0; i < 12; i++) {
      const it = ((await call(u, "GET", "/api/next?annotator=ana")).body as ItemReply).item;
      await call(u, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id), annotator: "ana" });
      if (i === 10) {
        await srv.project.idle();
        const s = (await call(u, "GET", "/api/stats")).body as StatsBody;
        assert.equal(s.advice.stop, false, s.advice.sentence);
        assert.deepEqual(s.advice.budget, { limit: 12, spent: 11, reached: false });
        assert.match(s.advice.criteria[0].reason, /^11 of 12 labels given in the app\.$/);
      }
    }
    await srv.project.idle();
    const s = (await call(u, "GET", "/api/stats")).body as StatsBody;
    assert.deepEqual(s.advice.budget, { limit: 12, spent: 12, reached: true });
    assert.equal(s.advice.stop, true);
    assert.match(s.advice.sentence, /^You can stop now: the budget/);
    // No audit picks: no headline figure, said so.
    assert.equal(s.accuracy.headline.value, null);
    assert.match(s.advice.sentence, /Accuracy: not enough random picks yet \(0 of 10\)\./);
    assert.match(s.accuracy.importedLabels, /4 imported labels train the model but do not count/);
    // The OpenAPI document describes what the server sends.
    const doc = (await call(u, "GET", "/api/openapi.json")).body as {
      paths: Record<string, { get: { responses: { "200": { content: { "application/json": { schema: { $ref: string } } } } } } }>;
      components: { schemas: Record<string, { properties: Record<string, { items?: { $ref?: string }; $ref?: string }> }> };
    };
    // Each reply's schema is a named component of the document.
    const props = (p: string): Record<string, { items?: { $ref?: string }; $ref?: string }> => doc.components.schemas[doc.paths[p].get.responses["200"].content["application/json"].schema.$ref.replace("#/components/schemas/", "")].properties;
    assert.equal(props("/api/dashboard").curve.items?.$ref, "#/components/schemas/CurvePoint");
    assert.deepEqual(Object.keys(doc.components.schemas.CurvePoint.properties), ["labels", "accuracy", "n", "low", "high"]);
    for (const p of ["/api/stats", "/api/dashboard"]) {
      assert.equal(props(p).advice.$ref, "#/components/schemas/Advice");
      assert.equal(props(p).accuracy.$ref, "#/components/schemas/AccuracyReport");
    }
    const dash = (await call(u, "GET", "/api/dashboard")).body as Record<string, unknown>;
    for (const k of Object.keys(dash)) assert.ok(k in props("/api/dashboard"), `/api/dashboard field ${k} is not described`);
    for (const k of Object.keys(doc.components.schemas.Advice.properties)) assert.ok(k in s.advice, k);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("a project whose labels were all imported gets an accuracy and a curve, cross-validated on the imported labels and said so", async () => {
  const { dir } = await syntheticProject(60, 60);
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true });
  try {
    await srv.project.idle();
    const s = (await call(srv.url, "GET", "/api/stats")).body as StatsBody;
    const h = s.accuracy.headline;
    assert.equal(h.kind, "imported");
    assert.equal(h.n, 60);
    assert.ok(h.value !== null && h.value >= 0.7 && h.low !== null && h.high !== null && h.low <= h.value && h.value <= h.high, JSON.stringify(h));
    assert.match(h.label, /cross-validated on the imported labels/);
    assert.match(s.accuracy.importedLabels, /^All 60 labels were imported and nothing is left to label/);
    assert.ok(s.accuracy.others.some((f) => f.kind === "pool" && f.value === null), "the random-pick estimate is shown as missing");
    assert.equal(s.advice.stop, true);
    assert.match(s.advice.sentence, /^You can stop now: every item is labeled\. Estimated accuracy: cross-validated on the imported labels/);
    const dash = (await call(srv.url, "GET", "/api/dashboard")).body as { curve: { labels: number; accuracy: number; n: number; low: number; high: number }[]; curveSource: string; curveMethod: string };
    assert.equal(dash.curveSource, "imported");
    assert.match(dash.curveMethod, /imported labels/);
    assert.ok(dash.curve.length >= 3, JSON.stringify(dash.curve));
    for (let i = 1; i < dash.curve.length; i++) assert.ok(dash.curve[i].labels > dash.curve[i - 1].labels);
    for (const p of dash.curve) assert.ok(p.n > 0 && p.low <= p.accuracy && p.accuracy <= p.high && p.labels + p.n / 2 <= 60, JSON.stringify(p));
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
