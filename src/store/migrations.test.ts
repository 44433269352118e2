import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { BadInputError } from "../errors.js";
import { MIGRATIONS, SCHEMA_VERSION, checkReadable, migrate, schemaVersion, type Migration } from "./migrations.js";
import { openStore } from "./open.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../src/store/fixtures/v1-project.db");

function withTemp(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-migrate-"));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const userVersion = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma("user_version", { simple: true }) as number;
  } finally {
    db.close();
  }
};

const indexes = (db: Database.Database): string[] =>
  db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((r) => r.name);

void test("steps are numbered in increasing order from 1 (gaps allowed)", () => {
  // Strictly increasing from 1 (a gap is a number reserved for a step written elsewhere).
  assert.equal(MIGRATIONS[0].version, 1);
  for (let i = 1; i < MIGRATIONS.length; i++) assert.ok(MIGRATIONS[i].version > MIGRATIONS[i - 1].version, `step ${MIGRATIONS[i].version} after ${MIGRATIONS[i - 1].version}`);
  assert.equal(SCHEMA_VERSION, MIGRATIONS[MIGRATIONS.length - 1].version);
  assert.ok(SCHEMA_VERSION >= 2);
});

void test("the v1 fixture is version 1; a read-only open leaves it so, a write-open migrates it to the current version", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    assert.equal(userVersion(file), 0, "the fixture predates user_version");
    const ro = openStore(file, { readonly: true });
    assert.equal(ro.schemaVersion, 1);
    assert.equal(ro.annotationCount(), 13);
    ro.close();
    assert.equal(userVersion(file), 0, "a read-only open writes nothing");
    const rw = openStore(file);
    assert.equal(rw.schemaVersion, SCHEMA_VERSION);
    rw.close();
    assert.equal(userVersion(file), SCHEMA_VERSION);
    const db = new Database(file, { readonly: true });
    assert.ok(indexes(db).includes("annotations_created"));
    db.close();
    const again = openStore(file, { readonly: true });
    assert.equal(again.schemaVersion, SCHEMA_VERSION);
    assert.equal(again.annotationCount(), 13);
    again.close();
  });
});

void test("a fresh database is at the current version", () => {
  withTemp((dir) => {
    const file = path.join(dir, "new.db");
    openStore(file, { create: true }).close();
    assert.equal(userVersion(file), SCHEMA_VERSION);
  });
});

void test("a database newer than the code is refused, read or write, naming both versions", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    for (const readonly of [true, false]) {
      assert.throws(
        () => openStore(file, { readonly }),
        (e: unknown) => e instanceof BadInputError && e.message.includes(`schema version ${SCHEMA_VERSION + 5}`) && e.message.includes(`up to ${SCHEMA_VERSION}`) && e.message.includes(file),
      );
    }
    assert.equal(userVersion(file), SCHEMA_VERSION + 5, "left as it was");
  });
});

void test("a step that fails mid-way leaves the database at the last whole step; rerunning completes it", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    const db = new Database(file);
    try {
      let crash = true;
      const extra: Migration = {
        version: SCHEMA_VERSION + 1,
        description: "test: a table and a column, crashing between them",
        up(d) {
          d.exec("CREATE TABLE IF NOT EXISTS extra (x INTEGER)");
          if (crash) throw new Error("power cut");
          d.exec("ALTER TABLE extra ADD COLUMN y INTEGER");
        },
      };
      const steps = [...MIGRATIONS, extra];
      assert.throws(() => migrate(db, file, steps), /power cut/);
      assert.equal(schemaVersion(db), SCHEMA_VERSION, "the whole steps before it are kept");
      assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'extra'").get(), undefined, "nothing of the failed step is left");
      crash = false;
      assert.deepEqual(migrate(db, file, steps), { from: SCHEMA_VERSION, to: SCHEMA_VERSION + 1 });
      assert.equal(schemaVersion(db), SCHEMA_VERSION + 1);
      assert.deepEqual(migrate(db, file, steps), { from: SCHEMA_VERSION + 1, to: SCHEMA_VERSION + 1 }, "nothing left to do");
    } finally {
      db.close();
    }
  });
});

void test("every step is idempotent: rerunning it on a database that has it changes nothing", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    const db = new Database(file);
    try {
      migrate(db, file);
      const schema = (): unknown => db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").all();
      const before = schema();
      const rows = db.prepare("SELECT count(*) AS n FROM annotations").get();
      for (const step of MIGRATIONS) db.transaction(() => step.up(db))();
      assert.deepEqual(schema(), before);
      assert.deepEqual(db.prepare("SELECT count(*) AS n FROM annotations").get(), rows);
    } finally {
      db.close();
    }
  });
});

void test("a file that is not a project is not given the schema", () => {
  withTemp((dir) => {
    const file = path.join(dir, "other.db");
    const db = new Database(file);
    db.exec("CREATE TABLE t (x)");
    db.close();
    assert.throws(() => openStore(file), (e: unknown) => e instanceof BadInputError && /not an activelearn project database/.test(e.message));
    const check = new Database(file, { readonly: true });
    assert.equal(check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'").get(), undefined);
    check.close();
  });
});

void test("a read-only open of a version readers no longer follow says it needs one write-open", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    const db = new Database(file, { readonly: true });
    try {
      checkReadable(db, file);
      assert.throws(() => checkReadable(db, file, 2), (e: unknown) => e instanceof BadInputError && /schema version 1; read-only, this activelearn reads version 2 and later: open it once for writing \(activelearn serve DIR\)/.test(e.message));
    } finally {
      db.close();
    }
  });
});

void test("step 3 converts the v1 fixture to the append-only history, losing nothing, as a read-only open of it reads it", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    const view = (store: ReturnType<typeof openStore>): unknown[] =>
      store.historyPage(0, 1000).map(({ itemId, record: r }) => [itemId, r.annotator, r.kind, r.label, r.createdAt, r.durationMs, r.audit, r.undoes]);
    const ro = openStore(file, { readonly: true });
    const before = view(ro);
    const labelsBefore = ro.currentLabels();
    const annotationsBefore = [...ro.annotations()];
    ro.close();
    const rw = openStore(file);
    try {
      assert.deepEqual(view(rw), before, "the migrated history is what the read-only reader derived");
      assert.deepEqual(rw.currentLabels(), labelsBefore);
      assert.deepEqual([...rw.annotations()], annotationsBefore);
      const kinds = new Map<string, number>();
      for (const { record } of rw.historyPage(0, 1000)) kinds.set(`${record.annotator}:${record.kind}`, (kinds.get(`${record.annotator}:${record.kind}`) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(kinds), { "import:import": 6, "ana:label": 4, "bo:label": 3, "ana:skip": 1 });
      assert.deepEqual(rw.skips(), [{ itemIdx: 14, annotator: "ana" }]);
      // The skip is a record like any other now: it can be taken back, and the table is gone.
      assert.equal(rw.removeSkip(14, "ana", 1), true);
      assert.deepEqual(rw.skips(), []);
    } finally {
      rw.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'skips'").get(), undefined);
      assert.ok(indexes(db).includes("annotations_undoes"));
    } finally {
      db.close();
    }
  });
});

void test("step 3 on a database with relabels: a second label by the same annotator becomes a relabel", () => {
  withTemp((dir) => {
    const file = path.join(dir, "project.db");
    fs.copyFileSync(FIXTURE, file);
    const db = new Database(file);
    try {
      db.prepare("INSERT INTO annotations (item_idx, annotator, label, created_at, duration_ms, predicted, audit) VALUES (32, 'ana', 'ham', 9, NULL, NULL, 0), (32, 'bo', 'spam', 10, NULL, NULL, 0), (0, 'ana', 'ham', 11, NULL, NULL, 0)").run();
      migrate(db, file);
      const rows = db.prepare<[], { item_idx: number; annotator: string; kind: string }>("SELECT item_idx, annotator, kind FROM annotations WHERE created_at IN (9, 10, 11) ORDER BY id").all();
      assert.deepEqual(rows.map((r) => r.kind), ["relabel", "label", "label"], "ana had item 32 labeled; bo had not; item 0 was the import's");
    } finally {
      db.close();
    }
  });
});

void test("a gap in the step numbers (a number reserved elsewhere) is stepped over: the database goes to the last step's version", () => {
  withTemp((dir) => {
    const file = path.join(dir, "gap.db");
    const db = new Database(file);
    try {
      const ran: number[] = [];
      const step = (version: number): Migration => ({ version, description: `test step ${version}`, up: () => void ran.push(version) });
      assert.deepEqual(migrate(db, file, [step(1), step(2), step(5)]), { from: 0, to: 5 });
      assert.deepEqual(ran, [1, 2, 5]);
      assert.equal(userVersion(file), 5);
      assert.deepEqual(migrate(db, file, [step(1), step(2), step(5)]), { from: 5, to: 5 });
      assert.deepEqual(ran, [1, 2, 5], "nothing reruns");
    } finally {
      db.close();
    }
  });
});
