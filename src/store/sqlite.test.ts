import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { syntheticProject } from "../server/testing.js";
import { SCHEMA_VERSION } from "./migrations.js";
import { SqliteStore } from "./sqlite.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../cli/main.js");

void test("a database from before the assessment column: status reads it, and opening it for writing adds the column", async () => {
  const { dir, dbPath } = await syntheticProject(30, 4);
  try {
    // Make it look like an older project: no schema version, no assessment column, one iteration.
    const db = new Database(dbPath);
    db.exec("ALTER TABLE iterations DROP COLUMN assessment");
    db.exec("DROP INDEX annotations_created");
    db.pragma("user_version = 0");
    db.prepare("INSERT INTO iterations (iteration, created_at, labeled, accuracy, accuracy_n, holdout_accuracy, holdout_n, train_ms) VALUES (1, 1700000000000, 4, 0.75, 8, 0.9, 20, 3)").run();
    db.close();

    const ro = SqliteStore.open(dbPath, { readonly: true });
    const [it] = ro.iterations();
    assert.equal(it.assessment, null);
    assert.equal(it.holdoutAccuracy, 0.9);
    ro.close();
    const r = spawnSync(process.execPath, [MAIN, "status", dir, "--json"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const status = JSON.parse(r.stdout) as { accuracy: { headline: { value: number; n: number } }; advice: { criteria: unknown[]; sentence: string } };
    assert.equal(status.accuracy.headline.value, 0.9);
    assert.equal(status.accuracy.headline.n, 20);
    assert.deepEqual(status.advice.criteria, []);
    assert.match(status.advice.sentence, /^Keep labeling: the stopping criteria have not been checked on this model yet/);

    const rw = SqliteStore.open(dbPath);
    assert.equal(rw.schemaVersion, SCHEMA_VERSION);
    rw.addIteration({ iteration: 2, createdAt: 1700000001000, labeled: 9, accuracy: null, accuracyN: 0, holdoutAccuracy: null, holdoutN: 0, trainMs: 2, assessment: { criteria: [{ name: "budget", state: "off", reason: "none" }], kappa: 0.5, randomCurve: null, imported: null, importedCurve: null } });
    assert.equal(rw.iterations()[1].assessment?.kappa, 0.5);
    rw.close();
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
