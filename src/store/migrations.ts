/**
 * Schema migrations of the SQLite project database. The schema version is `PRAGMA user_version`;
 * {@link MIGRATIONS} lists the steps, step N taking a database from the version before it to N (numbers may leave gaps for steps reserved elsewhere). Opening a
 * database for writing runs the missing steps in order, each in its own (immediate) transaction
 * that also sets `user_version`, so a crash mid-way leaves the database at the last whole step
 * and the next write-open resumes from there. Every step is also idempotent on its own (IF NOT
 * EXISTS, column checks), so rerunning one is harmless.
 *
 * Databases written before migrations existed (release 0.1) have `user_version` 0 and the tables:
 * they are version 1 (step 1 only adds what such a database may lack). A fresh database has
 * `user_version` 0 and no tables: step 1 creates them.
 *
 * Read-only opens never migrate. A database at or above {@link MIN_READABLE_VERSION} (every
 * version so far) is read as it is: the reader tolerates what later steps add (a missing index,
 * the iterations' `assessment` column; before step 3, annotations without `kind` and `undoes`
 * and skips in their own table: the SQLite store reads those with the kinds of
 * {@link LEGACY_KIND_SQL}, every annotation live, as step 3 would lay them out). A step that readers of older databases cannot follow must
 * raise MIN_READABLE_VERSION; such a database then gets a clear error asking for one write-open
 * (`activelearn serve DIR`) first. A database newer than {@link SCHEMA_VERSION} is refused, read or
 * write, naming both versions.
 *
 * @example
 * migrate(db); // { from: 0, to: 2 } on a release-0.1 database
 */
import type Database from "better-sqlite3";
import { BadInputError } from "../errors.js";
import { csrBlockOf } from "./feature-blocks.js";

/** One numbered step of the schema. */
export interface Migration {
  /** The version the database has after this step. */
  readonly version: number;
  readonly description: string;
  /** Applies the step (runs inside the migration's transaction; must be idempotent). */
  up(db: Database.Database): void;
}

/** Version 1: the tables of release 0.1, as the fixture (fixtures/v1-project.db) has them. */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS features (idx INTEGER PRIMARY KEY, row BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS annotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  item_idx INTEGER NOT NULL,
  annotator TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  duration_ms INTEGER,
  predicted TEXT,
  audit INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS annotations_item ON annotations (item_idx, id);
CREATE TABLE IF NOT EXISTS skips (item_idx INTEGER NOT NULL, annotator TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (item_idx, annotator));
CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, labeled INTEGER NOT NULL, model TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS iterations (
  iteration INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  labeled INTEGER NOT NULL,
  accuracy REAL,
  accuracy_n INTEGER NOT NULL DEFAULT 0,
  holdout_accuracy REAL,
  holdout_n INTEGER NOT NULL DEFAULT 0,
  train_ms REAL NOT NULL,
  assessment TEXT
);
`;

/**
 * Version 5: accounts. Secrets are stored only as hashes: `token_hash` and `password_hash` in
 * the scrypt format of src/auth/hash.ts, a session by the SHA-256 of its random id.
 */
const SCHEMA_ACCOUNTS = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  token_hash TEXT NOT NULL,
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
`;

/** Version 4: webhooks (src/webhooks): receivers, the event outbox, deliveries and their attempts. */
const SCHEMA_WEBHOOKS = `
CREATE TABLE IF NOT EXISTS webhooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_events (id TEXT PRIMARY KEY, event TEXT NOT NULL, created_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  webhook_id TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  UNIQUE (event_id, webhook_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE TABLE IF NOT EXISTS webhook_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status INTEGER,
  error TEXT,
  duration_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
`;

/**
 * Version 6: the review queue (src/server/reviews.ts). One row per time an item entered review;
 * at most one open review per item (the partial unique index). `version` is the item's version
 * when it entered review; `annotation_id` the history record of kind "review" holding the
 * decision; `votes` each annotator's label of the item when the decision was taken (JSON).
 */
const SCHEMA_REVIEWS = `
CREATE TABLE IF NOT EXISTS reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  item_idx INTEGER NOT NULL,
  reason TEXT NOT NULL,
  details TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  decision TEXT,
  annotation_id INTEGER,
  votes TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS reviews_open_item ON reviews (item_idx) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS reviews_item ON reviews (item_idx, id);
`;

/**
 * Version 7: gold items (`init --gold COL`), kept outside the pool (never in items, features,
 * annotations or exports), and every annotator's answers to them, append-only apart from the
 * undo mark (`undone_at`); a skip is an answer without a label (its undo mark takes it back).
 */
const SCHEMA_GOLD = `
CREATE TABLE IF NOT EXISTS gold_items (id TEXT PRIMARY KEY, data TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS gold_answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  gold_id TEXT NOT NULL,
  annotator TEXT NOT NULL,
  label TEXT,
  created_at INTEGER NOT NULL,
  duration_ms INTEGER,
  undone_at INTEGER
);
CREATE INDEX IF NOT EXISTS gold_answers_by ON gold_answers (gold_id, annotator, id);
`;

/**
 * Version 8: feature rows in blocks (feature-blocks.ts): one row per block of consecutive pool
 * rows, dense or CSR, instead of one BLOB per item.
 */
const SCHEMA_FEATURE_BLOCKS = `
CREATE TABLE IF NOT EXISTS feature_blocks (start INTEGER PRIMARY KEY, rows INTEGER NOT NULL, cols INTEGER NOT NULL, vals BLOB NOT NULL, indptr BLOB, indices BLOB);
`;

/** Rows per block when step 8 regroups per-item feature rows. */
export const MIGRATED_BLOCK_ROWS = 4096;

/**
 * Step 8's move: the per-item feature rows become CSR blocks of up to {@link MIGRATED_BLOCK_ROWS}
 * consecutive pool indices (a gap starts a new block), and leave `features`.
 */
function featuresToBlocks(db: Database.Database): void {
  const meta = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'project'").get();
  let cols = meta === undefined ? NaN : Number((JSON.parse(meta.value) as { featureWidth?: unknown }).featureWidth);
  const insert = db.prepare<[number, number, number, Uint8Array, Uint8Array | null, Uint8Array | null]>("INSERT INTO feature_blocks (start, rows, cols, vals, indptr, indices) VALUES (?, ?, ?, ?, ?, ?)");
  let start = -1;
  let rows: Uint8Array[] = [];
  const flush = (): void => {
    if (rows.length === 0) return;
    if (!Number.isInteger(cols)) cols = 0;
    const b = csrBlockOf(start, cols, rows);
    insert.run(b.start, b.rows, b.cols, b.values, b.indptr, b.indices);
    rows = [];
  };
  // A page at a time: the connection cannot insert while a query is being iterated.
  const page = db.prepare<[number, number], { idx: number; row: Buffer }>("SELECT idx, row FROM features WHERE idx > ? ORDER BY idx LIMIT ?");
  for (let after = -Infinity; ; ) {
    const got = page.all(after, MIGRATED_BLOCK_ROWS);
    for (const r of got) {
      if (rows.length === MIGRATED_BLOCK_ROWS || (rows.length > 0 && r.idx !== start + rows.length)) flush();
      if (rows.length === 0) start = r.idx;
      rows.push(new Uint8Array(r.row));
    }
    if (got.length < MIGRATED_BLOCK_ROWS) break;
    after = got[got.length - 1].idx;
  }
  flush();
  db.exec("DELETE FROM features");
}

/** Whether `table` has `column`. */
export function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return db.prepare<[string], { name: string }>("SELECT name FROM pragma_table_info(?)").all(table).some((c) => c.name === column);
}

/**
 * The kind of an annotation written before version 3, as SQL over the row `a` of `annotations`:
 * `import` for the import annotator's seed labels ("import", IMPORT_ANNOTATOR in
 * project/init.ts), `relabel` when the same annotator has an earlier annotation on the item (in
 * those databases an undo deleted its annotation, so every earlier one is live), else `label`.
 * Step 3 stores it; a read-only open of an older database reads it on the fly.
 */
export const LEGACY_KIND_SQL =
  "CASE WHEN a.annotator = 'import' THEN 'import' WHEN EXISTS (SELECT 1 FROM annotations b WHERE b.item_idx = a.item_idx AND b.annotator = a.annotator AND b.id < a.id) THEN 'relabel' ELSE 'label' END";

/**
 * The steps, in increasing order of version. Versions may leave gaps (a number reserved for a
 * step still being written elsewhere): a database goes to the last step's version. Append only:
 * never edit a released step.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "the tables of release 0.1 (creates them in a fresh database; adds iterations.assessment to databases older than it)",
    up(db) {
      db.exec(SCHEMA_V1);
      if (!hasColumn(db, "iterations", "assessment")) db.exec("ALTER TABLE iterations ADD COLUMN assessment TEXT");
    },
  },
  {
    version: 2,
    description: "index annotations by time (the test-then-train count since the latest retrain, read at every start, no longer scans every annotation)",
    up(db) {
      db.exec("CREATE INDEX IF NOT EXISTS annotations_created ON annotations (created_at)");
    },
  },
  {
    version: 3,
    description:
      "append-only history: annotations get a kind (label, relabel, import, undo, skip, unskip, ...) and undo records name the record they take back (undoes); the skips become skip records in annotations and the skips table goes",
    up(db) {
      if (!hasColumn(db, "annotations", "kind")) {
        db.exec("ALTER TABLE annotations ADD COLUMN kind TEXT NOT NULL DEFAULT 'label'");
        // Only on the first run: later records have their kind from the code that wrote them.
        db.exec(`UPDATE annotations AS a SET kind = ${LEGACY_KIND_SQL}`);
      }
      if (!hasColumn(db, "annotations", "undoes")) db.exec("ALTER TABLE annotations ADD COLUMN undoes INTEGER");
      db.exec("CREATE INDEX IF NOT EXISTS annotations_undoes ON annotations (undoes) WHERE undoes IS NOT NULL");
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'skips'").get() !== undefined) {
        db.exec(
          "INSERT INTO annotations (item_idx, annotator, label, created_at, duration_ms, predicted, audit, kind) SELECT item_idx, annotator, '', created_at, NULL, NULL, 0, 'skip' FROM skips ORDER BY created_at, item_idx, annotator",
        );
        db.exec("DROP TABLE skips");
      }
    },
  },
  {
    version: 4,
    description: "webhooks: the configured receivers, an outbox of events, one delivery row per event and receiver, and every delivery attempt",
    up(db) {
      db.exec(SCHEMA_WEBHOOKS);
    },
  },
  {
    version: 5,
    description: "accounts: users (role, scrypt hashes of the login token and password, disabled flag) and login sessions (hashed ids with an expiry)",
    up(db) {
      db.exec(SCHEMA_ACCOUNTS);
    },
  },
  {
    version: 6,
    description: "the review queue: reviews (item, reason, details, when opened, the item's version then; when resolved, by whom, the decision and its history record, the annotators' labels it was taken over)",
    up(db) {
      db.exec(SCHEMA_REVIEWS);
    },
  },
  {
    version: 7,
    description: "gold items: known answers kept outside the pool (gold_items) and the annotators' answers to them (gold_answers: label or skip, with an undo mark)",
    up(db) {
      db.exec(SCHEMA_GOLD);
    },
  },
  {
    version: 8,
    description: "feature rows in blocks: feature_blocks holds consecutive pool rows per row (dense or CSR), loaded with one copy per block; the per-item rows of features move there",
    up(db) {
      db.exec(SCHEMA_FEATURE_BLOCKS);
      featuresToBlocks(db);
    },
  },
];

/** The version a database has after the last of `steps` (0 with none). */
export function lastVersion(steps: readonly Migration[]): number {
  return steps.length === 0 ? 0 : steps[steps.length - 1].version;
}

/** The schema version this code writes. */
export const SCHEMA_VERSION = lastVersion(MIGRATIONS);

/** The oldest version a read-only open can read without migrating. */
export const MIN_READABLE_VERSION = 1;

const userVersion = (db: Database.Database): number => db.pragma("user_version", { simple: true }) as number;

/** The stored version: `user_version`, with release-0.1 databases (0, tables present) as 1. */
export function schemaVersion(db: Database.Database): number {
  const v = userVersion(db);
  if (v !== 0) return v;
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() === undefined ? 0 : 1;
}

/** Refuses a database newer than this code (it may hold data this code would misread or lose). */
export function checkNotNewer(db: Database.Database, file: string, known = SCHEMA_VERSION): number {
  const v = schemaVersion(db);
  if (v > known) {
    throw new BadInputError(`the project database has schema version ${v}, but this activelearn knows versions up to ${known}: upgrade activelearn to open it`, { file });
  }
  return v;
}

/** Refuses, for a read-only open, a database too old to read without migrating. */
export function checkReadable(db: Database.Database, file: string, minReadable = MIN_READABLE_VERSION): void {
  const v = checkNotNewer(db, file);
  if (v > 0 && v < minReadable) {
    throw new BadInputError(`the project database has schema version ${v}; read-only, this activelearn reads version ${minReadable} and later: open it once for writing (activelearn serve DIR) to migrate it`, { file });
  }
}

/**
 * Brings a database to the latest version of `steps`, one transaction per step.
 * @returns the version before and after
 * @throws BadInputError when the database is newer than `steps` know
 */
export function migrate(db: Database.Database, file: string, steps: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const target = lastVersion(steps);
  const from = checkNotNewer(db, file, target);
  for (const step of steps) {
    // By user_version, not schemaVersion: a release-0.1 database (0) runs step 1, which adds
    // only what it may lack.
    if (step.version <= userVersion(db)) continue;
    db.transaction(() => {
      // Another process may have migrated meanwhile: re-read the version under the write lock.
      if (userVersion(db) >= step.version) return;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, target) };
}
