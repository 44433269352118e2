/**
 * Gold items, the settings side: admin settings on the real server, init's checks and what it
 * stores, an older project still opening, and the queue's seeded gold draw. (Serving, answers and
 * the dashboard: gold.test.ts.)
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { BadInputError, BadOptionError } from "../errors.js";
import { Rng } from "../linalg/rng.js";
import { initProject, projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import { startServer } from "./app.js";
import { LabelingProject } from "./project.js";
import { ReadyQueue } from "./queue.js";
import { call, withGoldServer, writeGoldCsv, writeSyntheticCsv } from "./testing.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../src/store/fixtures/v1-project.db");

void test("admin settings change the gold rate and threshold, every problem named by field; a project without gold items says so", async () => {
  await withGoldServer(30, 0, 5, {}, async (srv) => {
    const u = srv.url;
    assert.deepEqual(((await call(u, "GET", "/api/settings")).body as { gold: unknown }).gold, { column: "answer", rate: 0.05, threshold: 0.8 });
    const bad = await call(u, "PATCH", "/api/settings", { goldRate: 1.5, goldThreshold: -1 });
    assert.equal(bad.status, 400);
    const msg = (bad.body as { error: { message: string } }).error.message;
    assert.match(msg, /field "goldRate" must be a proportion/);
    assert.match(msg, /field "goldThreshold" must be an accuracy/);
    const ok = await call(u, "PATCH", "/api/settings", { goldRate: 0.5, goldThreshold: 0.9 });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, { overlap: null, gold: { column: "answer", rate: 0.5, threshold: 0.9 }, reviewShare: 0, consensus: "majority" });
    const d = (await call(u, "GET", "/api/dashboard")).body as { gold?: { rate: number; threshold: number } };
    assert.deepEqual([d.gold?.rate, d.gold?.threshold], [0.5, 0.9]);
  });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-gold-"));
  const dir = path.join(root, "plain");
  await initProject({ dir, data: writeSyntheticCsv(root, 10, 0), labels: ["spam", "ham"], text: "text", id: "id" });
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true });
  try {
    const r = await call(srv.url, "PATCH", "/api/settings", { goldRate: 0.1 });
    assert.equal(r.status, 400);
    assert.match((r.body as { error: { message: string } }).error.message, /field "goldRate": this project has no gold items/);
    assert.equal("gold" in ((await call(srv.url, "GET", "/api/dashboard")).body as object), false, "no gold: the dashboard is as before");
  } finally {
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test("init --gold: a value that is not a label names file, row and column; bad options are named; nothing is left behind", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-gold-"));
  try {
    const data = writeGoldCsv(root, 20, 0, 5, { row: 7, value: "maybe" });
    const dir = path.join(root, "p");
    await assert.rejects(initProject({ dir, data, labels: ["spam", "ham"], text: "text", id: "id", gold: "answer" }), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      assert.match(e.message, /items\.csv/);
      assert.match(e.message, /row 7/);
      assert.match(e.message, /column "?answer"?/);
      assert.match(e.message, /gold answer "maybe" is not one of the project's labels/);
      return true;
    });
    assert.equal(fs.existsSync(dir), false);
    await assert.rejects(initProject({ dir, data, labels: ["spam", "ham"], text: "text", gold: "nope" }), /no column named "nope"/);
    await assert.rejects(initProject({ dir, data, labels: ["spam", "ham"], text: "text", goldRate: 2, goldThreshold: 0.5 }), (e: unknown) => {
      assert.ok(e instanceof BadOptionError);
      const text = e.problems.join("\n");
      for (const s of ["--gold-rate must be a proportion", "--gold-rate needs --gold", "--gold-threshold needs --gold"]) assert.ok(text.includes(s), `${s} in ${text}`);
      return true;
    });
    await assert.rejects(initProject({ dir, data, labels: ["spam", "ham"], text: "text", gold: "text" }), /--text and --gold both name column "text"/);
    assert.equal(fs.existsSync(dir), false);
    const good = writeGoldCsv(root, 20, 4, 5);
    const summary = await initProject({ dir, data: good, labels: ["spam", "ham"], text: "text", id: "id", label: "seed_label", gold: "answer", goldRate: 0.3 });
    assert.deepEqual([summary.items, summary.goldItems, summary.seedLabels], [16, 4, 3], "item-0 is gold: its seed label is not imported");
    assert.deepEqual(summary.roles.find((r) => r.column === "answer"), { column: "answer", role: "gold", distinct: null, missing: null, note: "4 gold items (known answers, never shown)" });
    assert.deepEqual(summary.fields.map((f) => f.name), ["text", "length"]);
    const store = openStore(projectDbPath(dir), { readonly: true });
    try {
      assert.deepEqual(store.meta().gold, { column: "answer", rate: 0.3, threshold: 0.8 });
      assert.deepEqual(store.goldItems().map((g) => [g.id, g.label, Object.keys(g.data).sort().join(",")]), [["item-0", "spam", "length,text"], ["item-5", "ham", "length,text"], ["item-10", "spam", "length,text"], ["item-15", "ham", "length,text"]]);
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test("a project made before gold items (the v1 fixture) still opens and serves, with no gold figures", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-gold-"));
  const file = path.join(root, "project.db");
  fs.copyFileSync(FIXTURE, file);
  try {
    const ro = openStore(file, { readonly: true });
    try {
      assert.deepEqual(ro.goldItems(), [], "read-only, before the migration: no gold tables, no gold items");
    } finally {
      ro.close();
    }
    const p = new LabelingProject({ dbPath: file });
    try {
      assert.equal(p.dashboard().gold, undefined);
      assert.notEqual(p.next("ana"), null);
      assert.deepEqual(p.store.goldItems(), []);
    } finally {
      await p.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test("the queue's gold draw: about the rate of fresh picks, the same with the same seed, none at rate 0, each annotator their own", () => {
  const pool = 1000;
  const picks = (seed: number, rate: number): number[] => {
    const labeled = new Set<number>();
    const answered = new Set<string>();
    const q = new ReadyQueue({ remaining: (i) => (i >= pool ? Number.MAX_SAFE_INTEGER : labeled.has(i) ? 0 : 1), labeledBy: (i, a) => answered.has(`${a}:${i}`), pending: () => [] }, pool, { leaseMs: 60_000, auditEvery: 0, gold: { count: 50, rate: () => rate } });
    q.setOrder(Int32Array.from({ length: pool }, (_, i) => i));
    const rng = new Rng(seed);
    const out: number[] = [];
    for (let k = 0; k < 600; k++) {
      const who = k % 2 === 0 ? "ana" : "bo";
      const p = q.next(who, k, rng, false)!;
      out.push(p.idx);
      if (p.idx >= pool) answered.add(`${who}:${p.idx}`);
      else labeled.add(p.idx);
      q.release(p.idx, who);
    }
    return out;
  };
  const a = picks(7, 0.1);
  assert.deepEqual(picks(7, 0.1), a, "same seed, same picks");
  const gold = a.filter((i) => i >= pool);
  // 600 draws at 0.1: 60 expected (sd 7.3).
  assert.ok(gold.length >= 35 && gold.length <= 85, `${gold.length} gold picks`);
  for (const who of [0, 1]) {
    const mine = a.filter((i, k) => k % 2 === who && i >= pool);
    assert.equal(new Set(mine).size, mine.length, "an annotator gets each gold item once");
  }
  assert.equal(picks(7, 0).filter((i) => i >= pool).length, 0);
});
