/**
 * The migration fixture: a project database made by the release before schema migrations
 * (fixtures/README.md) must open in this code, read-only for `status`/`export` and read-write
 * for `serve`, with every label, annotation, skip, model and iteration intact.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { startServer } from "../server/app.js";
import { call } from "../server/testing.js";
import { projectDbPath } from "../project/init.js";
import { openStore } from "./open.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(HERE, "../../../src/store/fixtures/v1-project.db");
const MAIN = path.resolve(HERE, "../cli/main.js");

/** A copy of the fixture as the database of a fresh project folder. */
function fixtureProject(): { base: string; dir: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-fixture-"));
  const dir = path.join(base, "proj");
  fs.mkdirSync(dir);
  fs.copyFileSync(FIXTURE, projectDbPath(dir));
  return { base, dir };
}

const SPAM = [0, 2, 4, 32, 38];
const HAM = [1, 3, 5, 7, 15, 19, 25, 29];

/** Checks the fixture's content through the Store interface. */
function checkContent(dbPath: string, readonly: boolean): void {
  const store = openStore(dbPath, { readonly });
  try {
    assert.equal(store.itemCount(), 40);
    assert.equal(store.item(7)?.id, "item-7");
    assert.equal([...store.featureRows()].length, 40);
    assert.equal(store.annotationCount(), 13);
    const byWho = new Map<string, number>();
    for (const a of store.annotations()) byWho.set(a.annotator, (byWho.get(a.annotator) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(byWho), { import: 6, ana: 4, bo: 3 });
    assert.equal([...store.annotations()].filter((a) => a.audit).length, 2);
    const labels = new Map(store.currentLabels().map((l) => [l.itemIdx, l.label]));
    assert.deepEqual([...labels.keys()].sort((a, b) => a - b), [...SPAM, ...HAM].sort((a, b) => a - b));
    for (const i of SPAM) assert.equal(labels.get(i), "spam");
    for (const i of HAM) assert.equal(labels.get(i), "ham");
    assert.deepEqual(store.skips(), [{ itemIdx: 14, annotator: "ana" }]);
    assert.deepEqual(store.iterations().map((it) => it.labeled), [6, 9, 10, 13]);
    assert.ok(store.iterations().every((it) => it.assessment !== null && it.assessment !== undefined), "assessments survive");
    assert.equal(store.latestModel()?.labeled, 13);
    const meta = store.meta();
    assert.deepEqual(meta.labels, ["spam", "ham"]);
    assert.equal(meta.retrainEvery, 3);
    assert.notEqual(store.stateValue("stop_predictions"), undefined);
  } finally {
    store.close();
  }
}

void test("the v1 fixture reads through the store, read-only and read-write", () => {
  const { base, dir } = fixtureProject();
  try {
    checkContent(projectDbPath(dir), true);
    checkContent(projectDbPath(dir), false);
    checkContent(projectDbPath(dir), true);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("status and export of the v1 fixture", () => {
  const { base, dir } = fixtureProject();
  try {
    let r = spawnSync(process.execPath, [MAIN, "status", dir, "--json"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const status = JSON.parse(r.stdout) as { byLabel: unknown; labeled: number; total: number };
    assert.deepEqual(status.byLabel, { spam: 5, ham: 8 });
    assert.equal(status.labeled, 13);
    r = spawnSync(process.execPath, [MAIN, "export", dir, "--format", "jsonl"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: string; label: string });
    assert.equal(rows.length, 13);
    assert.deepEqual(rows.find((x) => x.id === "item-32")?.label, "spam");
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

void test("serving the v1 fixture keeps its labels and takes new ones", async () => {
  const { base, dir } = fixtureProject();
  try {
    const server = await startServer({ projectDir: dir, port: 0, quiet: true });
    try {
      // Serving retrains at once: the 4 stored iterations and the new one.
      await server.project.idle();
      let r = await call(server.url, "GET", "/api/stats");
      assert.equal(r.status, 200, r.text);
      assert.equal((r.body as { labeled: number }).labeled, 13);
      assert.equal((r.body as { iterations: number }).iterations, 5);
      r = await call(server.url, "GET", "/api/next?annotator=cy");
      assert.equal(r.status, 200, r.text);
      const id = (r.body as { item: { id: string } }).item.id;
      r = await call(server.url, "POST", `/api/items/${id}/label`, { label: "ham", annotator: "cy" });
      assert.equal(r.status, 201, r.text);
      assert.equal((r.body as { labeled: number }).labeled, 14);
      await server.project.idle();
    } finally {
      await server.close();
    }
    const store = openStore(projectDbPath(dir), { readonly: true });
    try {
      assert.equal(store.annotationCount(), 14);
      assert.equal(store.skips().length, 1);
      assert.deepEqual(store.iterations().slice(0, 4).map((it) => it.labeled), [6, 9, 10, 13]);
      assert.equal(store.iterations()[4].labeled, 13);
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
