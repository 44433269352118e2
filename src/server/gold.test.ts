/**
 * Gold items on the real server (init --gold COL): served blind at the gold rate (never the known
 * answer, never the gold column, shaped like any item), answers kept apart from the pool (not in
 * counts, exports, training or the annotations), each annotator's accuracy with its Wilson
 * interval on the dashboard and flagged below the threshold, undo and skip as on any item.
 * Settings, init and migration: gold-settings.test.ts.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import test from "node:test";
import { addUser } from "../auth/users.js";
import { wilson } from "../eval/metrics.js";
import { projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import { startServer } from "./app.js";
import { LabelingProject } from "./project.js";
import { call, goldProject, isGoldId, syntheticTruth, withGoldServer, type ItemReply } from "./testing.js";

const other = (l: string): string => (l === "spam" ? "ham" : "spam");
const next = async (url: string, who: string, ahead = false): Promise<ItemReply["item"] | null> => {
  const r = await call(url, "GET", `/api/next?annotator=${who}${ahead ? "&ahead=1" : ""}`);
  if (r.status === 204) return null;
  assert.equal(r.status, 200, r.text);
  return (r.body as ItemReply).item;
};

interface GoldBody {
  gold?: { items: number; rate: number; threshold: number; flagged: number; annotators: { name: string; answered: number; correct: number; accuracy: number; low: number; high: number; flagged: boolean }[]; method: string };
  labeled: number;
  total: number;
}

void test("gold items never reach the page's data unblinded: over many nexts they come at about the rate, shaped like any item, without the answer; answers stay out of counts, exports and training", async () => {
  const n = 400;
  await withGoldServer(n, 6, 10, { goldRate: 0.2 }, async (srv, dbPath) => {
    const u = srv.url;
    const info = (await call(u, "GET", "/api/project")).body as { fields: string[]; total: number };
    assert.deepEqual(info.fields, ["text", "length"], "the gold column is no field");
    assert.equal(info.total, n - n / 10, "gold rows are not in the pool");
    const reasonsOf = { gold: new Set<string>(), pool: new Set<string>() };
    let served = 0;
    let gold = 0;
    let labeledBefore = ((await call(u, "GET", "/api/stats")).body as { labeled: number }).labeled;
    assert.equal(labeledBefore, 5, "six seed rows, but item-0 is a gold row: its seed label is not imported");
    for (let k = 0; k < 200; k++) {
      // A model by then (retraining runs off the request path: on a busy machine it could lag all 200).
      if (k === 20) await srv.project.idle();
      const r = await call(u, "GET", "/api/next?annotator=ana");
      assert.equal(r.status, 200, r.text);
      // Nothing of the answer anywhere in the reply: no gold column, no known label, no marker.
      assert.doesNotMatch(r.text, /answer|gold/i);
      const item = (r.body as ItemReply).item;
      assert.deepEqual(Object.keys(item).sort(), ["data", "id", "reason", "score", "strategy", "suggestion"]);
      assert.deepEqual(Object.keys(item.data).sort(), ["length", "text"]);
      const isGold = isGoldId(item.id, 10);
      served++;
      if (isGold) gold++;
      if (item.suggestion !== null) reasonsOf[isGold ? "gold" : "pool"].add(`${item.strategy}: ${item.reason}`);
      const l = await call(u, "POST", `/api/items/${item.id}/label`, { label: syntheticTruth(item.id), annotator: "ana", durationMs: 900 });
      assert.equal(l.status, 201, l.text);
      const labeled = (l.body as { labeled: number }).labeled;
      assert.deepEqual(Object.keys(l.body as object).sort(), ["labeled", "ok"], "the same reply shape");
      assert.equal(labeled, isGold ? labeledBefore : labeledBefore + 1, isGold ? "a gold answer is no label" : "a pool label counts");
      labeledBefore = labeled;
    }
    // Seeded draws at rate 0.2: about 40 of 200 (binomial sd 5.7).
    assert.ok(gold >= 20 && gold <= 60, `${gold} gold items of ${served}`);
    // Once there is a model a gold item looks like a random audit pick, whose reason pool items also have.
    assert.ok(reasonsOf.gold.size > 0);
    for (const r of reasonsOf.gold) assert.ok(reasonsOf.pool.has(r), `gold reason "${r}" is one pool items have too`);

    await srv.project.idle();
    const stats = (await call(u, "GET", "/api/stats")).body as { total: number; labeled: number };
    assert.equal(stats.total, n - 40);
    assert.equal(stats.labeled, 5 + served - gold, "seed labels and pool labels only");
    const exported = (await call(u, "GET", "/api/export?format=jsonl")).text;
    assert.equal(exported.trim().split("\n").length, stats.labeled);
    for (const line of exported.trim().split("\n")) assert.equal(isGoldId((JSON.parse(line) as { id: string }).id, 10), false, "no gold item in the export");
    assert.doesNotMatch(exported, /answer/);
    const dash = (await call(u, "GET", "/api/dashboard")).body as GoldBody;
    assert.equal(dash.total, n - 40);
    assert.equal(dash.gold?.items, 40);
    assert.deepEqual(dash.gold?.annotators.map((a) => [a.name, a.answered, a.correct]), [["ana", gold, gold]]);
    // Training, pool counts and history see pool items only: annotations and features name pool indices.
    const store = openStore(dbPath, { readonly: true });
    try {
      assert.equal(store.itemCount(), n - 40);
      assert.equal([...store.featureRows()].length, n - 40);
      for (const a of store.annotations()) assert.ok(a.itemIdx < n - 40 && !isGoldId(store.item(a.itemIdx)!.id, 10));
      assert.equal(store.goldAnswers().length, gold);
      assert.ok(store.goldItems().every((g) => !("answer" in g.data) && !("seed_label" in g.data)));
    } finally {
      store.close();
    }
  });
});

void test("the dashboard has each annotator's gold accuracy with its Wilson interval; a wrong annotator is flagged, a right one not, a few misses are not enough; an annotator sees only their row", async () => {
  const { dir, root } = await goldProject(60, 0, 3, { goldRate: 1, goldThreshold: 0.8 });
  const store = openStore(projectDbPath(dir));
  const tokens: Record<string, string> = {};
  try {
    for (const [name, role] of [["ana", "annotator"], ["bo", "annotator"], ["cy", "annotator"], ["boss", "admin"]] as const) tokens[name] = (await addUser(store, name, role)).token;
  } finally {
    store.close();
  }
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
  const as = async (who: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(new URL(p, srv.url), { method, headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
  };
  try {
    // Rate 1: every fresh pick is a gold item until an annotator has answered all 20.
    const answer = async (who: string, k: number, right: (i: number) => boolean): Promise<void> => {
      for (let i = 0; i < k; i++) {
        const it = ((await as(who, "GET", "/api/next")).body as ItemReply).item;
        assert.ok(isGoldId(it.id, 3), `${who} gets gold items at rate 1 (${it.id})`);
        const truth = syntheticTruth(it.id);
        assert.equal((await as(who, "POST", `/api/items/${it.id}/label`, { label: right(i) ? truth : other(truth) })).status, 201);
      }
    };
    await answer("ana", 20, () => true);
    await answer("bo", 20, () => false);
    await answer("cy", 3, (i) => i !== 0);
    // ana has answered every gold item: she gets pool items now.
    assert.equal(isGoldId(((await as("ana", "GET", "/api/next")).body as ItemReply).item.id, 3), false);
    const d = (await as("boss", "GET", "/api/dashboard")).body as GoldBody;
    const g = d.gold!;
    assert.equal(g.items, 20);
    assert.equal(g.rate, 1);
    assert.equal(g.threshold, 0.8);
    const row = (name: string) => g.annotators.find((a) => a.name === name)!;
    const w = (k: number, m: number) => wilson(k, m);
    assert.deepEqual([row("ana").answered, row("ana").correct, row("ana").accuracy, row("ana").flagged], [20, 20, 1, false]);
    assert.ok(Math.abs(row("ana").low - w(20, 20).low) < 1e-4 && row("ana").high === 1);
    assert.deepEqual([row("bo").answered, row("bo").correct, row("bo").accuracy, row("bo").flagged], [20, 0, 0, true]);
    assert.ok(Math.abs(row("bo").high - w(0, 20).high) < 1e-4);
    // 2 of 3: accuracy 0.67 under the threshold, but the interval reaches above it: not flagged.
    assert.deepEqual([row("cy").answered, row("cy").correct, row("cy").flagged], [3, 2, false]);
    assert.ok(row("cy").high > 0.8 && Math.abs(row("cy").low - w(2, 3).low) < 1e-4);
    assert.equal(g.flagged, 1);
    // An annotator sees only their own row.
    const own = ((await as("bo", "GET", "/api/dashboard")).body as GoldBody).gold!;
    assert.deepEqual(own.annotators.map((a) => a.name), ["bo"]);
    assert.equal(own.flagged, 1);
    assert.deepEqual(((await as("ana", "GET", "/api/dashboard")).body as GoldBody).gold!.annotators.map((a) => a.name), ["ana"]);
    // The flag never pauses anyone: bo is still served.
    assert.equal((await as("bo", "GET", "/api/next")).status, 200);
  } finally {
    await srv.close();
  }
  // The answers survive a restart (replayed from the store).
  const p = new LabelingProject({ dbPath: projectDbPath(dir) });
  try {
    assert.deepEqual(p.dashboard().gold?.annotators.map((a) => [a.name, a.answered, a.correct, a.flagged]), [["ana", 20, 20, false], ["bo", 20, 0, true], ["cy", 3, 2, false]]);
  } finally {
    await p.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test("undo and skip on a gold item behave as on any item: undo serves it again first, skip not again (until unskipped); another annotator is never blocked", async () => {
  await withGoldServer(40, 0, 4, { goldRate: 1 }, async (srv) => {
    const u = srv.url;
    const g = (await next(u, "ana"))!;
    assert.ok(isGoldId(g.id, 4));
    // Fetched ahead: another gold item.
    const ahead = (await next(u, "ana", true))!;
    assert.ok(isGoldId(ahead.id, 4) && ahead.id !== g.id);
    // bo may answer the gold item ana holds: each answers on their own.
    assert.equal((await call(u, "POST", `/api/items/${g.id}/label`, { label: "spam", annotator: "bo" })).status, 201);
    assert.equal((await call(u, "POST", `/api/items/${g.id}/label`, { label: syntheticTruth(g.id), annotator: "ana" })).status, 201);
    const undo = await call(u, "DELETE", `/api/items/${g.id}/label?annotator=ana`);
    assert.equal(undo.status, 200, undo.text);
    assert.deepEqual(undo.body, { ok: true, labeled: 0 });
    assert.equal((await next(u, "ana"))!.id, g.id, "an undone gold item is served to them again, first");
    assert.equal((await call(u, "DELETE", `/api/items/${g.id}/label?annotator=ana`)).status, 404, "nothing left to undo");
    assert.equal((await call(u, "POST", `/api/items/${g.id}/skip`, { annotator: "ana" })).status, 200);
    const seen: string[] = [];
    for (let k = 0; k < 40; k++) {
      const it = await next(u, "ana");
      if (it === null) break;
      seen.push(it.id);
      assert.equal((await call(u, "POST", `/api/items/${it.id}/label`, { label: syntheticTruth(it.id), annotator: "ana" })).status, 201);
    }
    assert.equal(seen.includes(g.id), false, "a skipped gold item is not offered again");
    assert.equal(new Set(seen).size, seen.length, "nothing twice");
    assert.equal(seen.filter((id) => isGoldId(id, 4)).length, 9, "the other gold items, each once");
    assert.equal((await call(u, "DELETE", `/api/items/${g.id}/skip?annotator=ana`)).status, 200);
    assert.equal((await next(u, "ana"))!.id, g.id, "unskipped: offered again");
    const d = (await call(u, "GET", "/api/dashboard")).body as GoldBody;
    assert.deepEqual(d.gold?.annotators.map((a) => [a.name, a.answered, a.correct]), [["ana", 9, 9], ["bo", 1, syntheticTruth(g.id) === "spam" ? 1 : 0]]);
  }, 0);
});
