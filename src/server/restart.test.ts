import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { startServer } from "./app.js";
import { call, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

interface Metrics {
  accuracy: number | null;
  accuracyN: number;
  accuracyInterval: [number, number] | null;
}

void test("the test-then-train accuracy of labels given since the last retrain, and the stop-set predictions, survive a server restart", async () => {
  const { dir } = await syntheticProject(80, 4, { retrainEvery: 20 });
  const open = (): ReturnType<typeof startServer> => startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
  try {
    let srv = await open();
    await srv.project.idle(); // the first model, from the 4 seed labels
    for (let i = 0; i < 8; i++) {
      const it = ((await call(srv.url, "GET", "/api/next?annotator=ana")).body as ItemReply).item;
      // Every other label contradicts the truth, so the accuracy is not trivially 0 or 1.
      const label = i % 2 === 0 ? syntheticTruth(it.id) : syntheticTruth(it.id) === "spam" ? "ham" : "spam";
      assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label, annotator: "ana" })).status, 201);
    }
    const before = ((await call(srv.url, "GET", "/api/stats")).body as { metrics: Metrics }).metrics;
    assert.equal(before.accuracyN, 8);
    assert.ok(before.accuracy !== null && before.accuracyInterval !== null);
    await srv.close();

    srv = await open();
    try {
      const after = ((await call(srv.url, "GET", "/api/stats")).body as { metrics: Metrics }).metrics;
      assert.deepEqual(after, { ...before, estimate: (after as unknown as { estimate: string }).estimate });
      // The retrain at start-up closes that model's estimate with the same counts.
      await srv.project.idle();
      const dash = (await call(srv.url, "GET", "/api/dashboard")).body as { hardCurve: { labels: number; accuracy: number; n: number }[] };
      const point = dash.hardCurve.find((p) => p.labels === 4);
      assert.ok(point !== undefined, JSON.stringify(dash.hardCurve));
      assert.equal(point.n, 8);
      assert.equal(point.accuracy, before.accuracy);
      // The stop-set predictions of the model before the restart were kept: the new model is compared with them.
      const advice = ((await call(srv.url, "GET", "/api/stats")).body as { advice: { criteria: { name: string; reason: string }[] } }).advice;
      const stab = advice.criteria.find((c) => c.name === "stabilizing_predictions");
      assert.match(stab?.reason ?? "", /^1 of 3 successive-model agreements measured \(mean kappa -?[\d.]+\)\.$/);
    } finally {
      await srv.close();
    }
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
