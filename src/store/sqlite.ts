/**
 * The SQLite store: one database file per project (better-sqlite3, WAL journal). Every write is
 * its own transaction, committed (written to the WAL file) before the call returns, so a label the
 * server acknowledged survives `kill -9` or any crash of the server process. With the default
 * `synchronous=NORMAL` the WAL is not fsynced per commit: an operating-system crash or power loss
 * may lose the last moments of labels (never corrupting the file). `synchronous: "full"` fsyncs
 * every commit (power-loss safe), at about 1 ms per label on this class of disk, which halves the
 * server's label throughput under load.
 *
 * @example
 * const store = SqliteStore.open("proj/project.db"); // callers outside src/store: openStore (open.ts)
 * const id = store.addAnnotation({ itemIdx: 0, annotator: "ana", label: "spam", createdAt: Date.now(), durationMs: null, predicted: null, audit: false });
 * store.undoAnnotation(id, "ana", Date.now()); // a record of its own: the label stays in the history
 */
import Database from "better-sqlite3";
import { ActiveLearnError, BadInputError, ConflictError } from "../errors.js";
import type { Cell } from "../data/jsonl.js";
import type { SavedModel } from "../models/types.js";
import { SqliteReviews } from "./sqlite-reviews.js";
import { GoldTables } from "./gold-sqlite.js";
import { blockRows, type FeatureBlock } from "./feature-blocks.js";
import { LEGACY_KIND_SQL, checkReadable, hasColumn, migrate, schemaVersion } from "./migrations.js";
import { LABEL_KINDS, type Annotation, type Assessment, type DeliveryAttempt, type DeliveryLogEntry, type DueDelivery, type GoldAnswer, type GoldItem, type HistoryRecord, type Item, type Iteration, type LabelKind, type NewAnnotation, type NewGoldAnswer, type NewReview, type OutboxEvent, type Review, type ReviewOutcome, type ProjectMeta, type RecordKind, type Role, type Store, type StoredSession, type StoredUser, type StoreOptions, type Webhook } from "./types.js";

/** The schema version with the append-only history (kind, undoes; skips as records). */
const HISTORY_VERSION = 3;

const LABEL_KIND_LIST = LABEL_KINDS.map((k) => `'${k}'`).join(", ");

/** SQL: the annotations row `a` is a live label record (a label kind, named by no undo). */
const live = (a: string): string => `${a}.kind IN (${LABEL_KIND_LIST}) AND NOT EXISTS (SELECT 1 FROM annotations u WHERE u.undoes = ${a}.id)`;

/** Model snapshots kept (older ones are pruned when a new one is saved). */
const KEEP_MODELS = 3;

interface AnnotationRow {
  id: number;
  item_idx: number;
  annotator: string;
  label: string;
  created_at: number;
  duration_ms: number | null;
  predicted: string | null;
  audit: number;
  kind: string;
  undoes: number | null;
}

interface IterationRow {
  iteration: number;
  created_at: number;
  labeled: number;
  accuracy: number | null;
  accuracy_n: number;
  holdout_accuracy: number | null;
  holdout_n: number;
  train_ms: number;
  /** Absent in databases written before the column existed (opened read-only). */
  assessment?: string | null;
}

const toAnnotation = (r: AnnotationRow): Annotation => ({
  id: r.id,
  itemIdx: r.item_idx,
  annotator: r.annotator,
  label: r.label,
  createdAt: r.created_at,
  durationMs: r.duration_ms,
  predicted: r.predicted,
  audit: r.audit === 1,
  kind: r.kind as LabelKind,
});

const toRecord = (r: AnnotationRow): HistoryRecord => ({
  id: r.id,
  itemIdx: r.item_idx,
  annotator: r.annotator,
  kind: r.kind as RecordKind,
  label: r.kind === "skip" || r.kind === "unskip" ? null : r.label,
  createdAt: r.created_at,
  durationMs: r.duration_ms,
  audit: r.audit === 1,
  undoes: r.undoes,
});

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  secret: string;
  created_at: number;
}

const toWebhook = (r: WebhookRow): Webhook => ({ id: r.id, url: r.url, events: r.events === "*" ? "*" : r.events.split(",").filter((e) => e !== ""), secret: r.secret, createdAt: r.created_at });

/** A stored assessment, or null when absent or unreadable (a damaged row must not stop `status`). */
function parseAssessment(text: string | null | undefined): Assessment | null {
  if (typeof text !== "string") return null;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null && Array.isArray((v as { criteria?: unknown }).criteria) ? (v as Assessment) : null;
  } catch {
    return null;
  }
}

interface UserRow {
  id: number;
  name: string;
  role: string;
  created_at: number;
  token_hash: string;
  password_hash: string | null;
  disabled: number;
}

const toUser = (r: UserRow): StoredUser => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at,
  tokenHash: r.token_hash,
  passwordHash: r.password_hash,
  disabled: r.disabled === 1,
});

/** The account statements (prepared on first use: an older database opened read-only has no such tables). */
function prepareAccounts(db: Database.Database) {
  return {
    add: db.prepare<[string, string, number, string, string | null, number]>("INSERT INTO users (name, role, created_at, token_hash, password_hash, disabled) VALUES (?, ?, ?, ?, ?, ?)"),
    byId: db.prepare<[number], UserRow>("SELECT * FROM users WHERE id = ?"),
    byName: db.prepare<[string], UserRow>("SELECT * FROM users WHERE name = ?"),
    all: db.prepare<[], UserRow>("SELECT * FROM users ORDER BY id"),
    update: db.prepare<[string, string, string | null, number, number]>("UPDATE users SET role = ?, token_hash = ?, password_hash = ?, disabled = ? WHERE id = ?"),
    remove: db.prepare<[number]>("DELETE FROM users WHERE id = ?"),
    addSession: db.prepare<[string, number, number, number]>("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)"),
    session: db.prepare<[string], { id_hash: string; user_id: number; created_at: number; expires_at: number }>("SELECT * FROM sessions WHERE id_hash = ?"),
    deleteSession: db.prepare<[string]>("DELETE FROM sessions WHERE id_hash = ?"),
    deleteSessionsOf: db.prepare<[number]>("DELETE FROM sessions WHERE user_id = ?"),
    deleteExpired: db.prepare<[number]>("DELETE FROM sessions WHERE expires_at <= ?"),
  };
}

export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly st: ReturnType<SqliteStore["prepare"]>;
  /** The review queue's statements (sqlite-reviews.ts). */
  private readonly rv: SqliteReviews;

  /** The schema version of the database (see migrations.ts). */
  readonly schemaVersion: number;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.schemaVersion = schemaVersion(db);
    this.st = this.prepare();
    this.rv = new SqliteReviews(db, this.schemaVersion >= HISTORY_VERSION || hasColumn(db, "annotations", "kind"));
    this.gold = new GoldTables(db);
  }

  private readonly gold: GoldTables;

  /**
   * Opens (or with `create`, creates) a project database.
   * @throws BadInputError when the file is missing or not a project database
   */
  static open(path: string, options: StoreOptions = {}): SqliteStore {
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: options.create !== true, readonly: options.readonly === true });
    } catch (e) {
      throw new BadInputError(`cannot open the project database: ${e instanceof Error ? e.message : String(e)}`, { file: path });
    }
    try {
      // An existing file must already be a project: never add the schema to another database.
      if (options.create !== true && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() === undefined) throw new Error("it has no project metadata");
      if (options.readonly === true) checkReadable(db, path);
      else {
        if (options.bulk === true && options.create === true) {
          db.pragma("journal_mode = OFF");
          db.pragma("synchronous = OFF");
        } else {
          db.pragma("journal_mode = WAL");
          db.pragma(options.synchronous === "full" ? "synchronous = FULL" : "synchronous = NORMAL");
        }
        db.pragma("busy_timeout = 5000");
        migrate(db, path);
      }
    } catch (e) {
      db.close();
      if (e instanceof BadInputError) throw e;
      throw new BadInputError(`not an activelearn project database (${e instanceof Error ? e.message : String(e)})`, { file: path });
    }
    db.pragma("busy_timeout = 5000");
    try {
      return new SqliteStore(path, db);
    } catch (e) {
      db.close();
      throw new BadInputError(`not an activelearn project database (${e instanceof Error ? e.message : String(e)})`, { file: path });
    }
  }

  private prepare() {
    const db = this.db;
    // A database before the history (version < 3, read-only: a write-open migrates it) has no
    // kind or undoes column and keeps its skips in a table: every annotation is live, its kind
    // is derived.
    const legacy = this.schemaVersion < HISTORY_VERSION && !hasColumn(db, "annotations", "kind");
    const cols = legacy ? `a.*, ${LEGACY_KIND_SQL} AS kind, NULL AS undoes` : "a.*";
    const isLive = legacy ? () => "1" : live;
    const historySql = legacy
      ? // As step 3 of the migration lays them out: the annotations, then the skips in time order.
        `SELECT h.*, i.id AS item_id FROM (SELECT ${cols} FROM annotations a UNION ALL SELECT (SELECT coalesce(max(id), 0) FROM annotations) + row_number() OVER (ORDER BY created_at, item_idx, annotator), item_idx, annotator, '', created_at, NULL, NULL, 0, 'skip', NULL FROM skips) h JOIN items i ON i.idx = h.item_idx WHERE h.id > ? ORDER BY h.id LIMIT ?`
      : "SELECT a.*, i.id AS item_id FROM annotations a JOIN items i ON i.idx = a.item_idx WHERE a.id > ? ORDER BY a.id LIMIT ?";
    return {
      getMeta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare<[string, string]>("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      count: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM items"),
      item: db.prepare<[number], { idx: number; id: string; data: string }>("SELECT idx, id, data FROM items WHERE idx = ?"),
      itemIdx: db.prepare<[string], { idx: number }>("SELECT idx FROM items WHERE id = ?"),
      items: db.prepare<[], { idx: number; id: string; data: string }>("SELECT idx, id, data FROM items ORDER BY idx"),
      insertItem: db.prepare<[number, string, string]>("INSERT INTO items (idx, id, data) VALUES (?, ?, ?)"),
      putFeature: db.prepare<[number, Uint8Array]>("INSERT OR REPLACE INTO features (idx, row) VALUES (?, ?)"),
      features: db.prepare<[], { idx: number; row: Buffer }>("SELECT idx, row FROM features ORDER BY idx"),
      lastAnn: db.prepare<[number, string], AnnotationRow>(`SELECT ${cols} FROM annotations a WHERE a.item_idx = ? AND a.annotator = ? AND ${isLive("a")}${legacy ? "" : " AND a.kind <> 'review'"} ORDER BY a.id DESC LIMIT 1`),
      current: db.prepare<[], { item_idx: number; label: string }>(`SELECT a.item_idx, a.label, max(a.id) AS last FROM annotations a WHERE ${isLive("a")} GROUP BY a.item_idx`),
      currentOne: db.prepare<[number], { label: string }>(`SELECT a.label FROM annotations a WHERE a.item_idx = ? AND ${isLive("a")} ORDER BY a.id DESC LIMIT 1`),
      annotations: db.prepare<[], AnnotationRow>(`SELECT ${cols} FROM annotations a WHERE ${isLive("a")} ORDER BY a.id`),
      // The latest live annotation of each item after a pool index, with the item, a page at a
      // time (the index on (item_idx, id) makes each page a short range scan).
      labeledPage: db.prepare<[number, number], AnnotationRow & { item_id: string; item_data: string }>(
        `SELECT ${cols}, i.id AS item_id, i.data AS item_data FROM annotations a JOIN items i ON i.idx = a.item_idx WHERE a.id IN (SELECT max(b.id) FROM annotations b WHERE b.item_idx > ? AND ${isLive("b")} GROUP BY b.item_idx ORDER BY b.item_idx LIMIT ?) ORDER BY a.item_idx`,
      ),
      annCount: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM annotations a WHERE ${isLive("a")}`),
      history: db.prepare<[number, number], AnnotationRow & { item_id: string }>(historySql),
      skips: db.prepare<[], { item_idx: number; annotator: string }>(
        legacy
          ? "SELECT item_idx, annotator FROM skips ORDER BY created_at"
          : "SELECT item_idx, annotator FROM (SELECT item_idx, annotator, kind, max(id) AS last FROM annotations WHERE kind IN ('skip', 'unskip') GROUP BY item_idx, annotator) WHERE kind = 'skip' ORDER BY last",
      ),
      saveModel: db.prepare<[number, number, string]>("INSERT INTO models (created_at, labeled, model) VALUES (?, ?, ?)"),
      pruneModels: db.prepare<[number]>("DELETE FROM models WHERE id NOT IN (SELECT id FROM models ORDER BY id DESC LIMIT ?)"),
      latestModel: db.prepare<[], { labeled: number; model: string; created_at: number }>("SELECT labeled, model, created_at FROM models ORDER BY id DESC LIMIT 1"),
      updIter: db.prepare<[number | null, number, number]>("UPDATE iterations SET accuracy = ?, accuracy_n = ? WHERE iteration = ?"),
      iterations: db.prepare<[], IterationRow>("SELECT * FROM iterations ORDER BY iteration"),
      since: db.prepare<[number], { n: number; correct: number | null }>(`SELECT count(*) AS n, sum(a.predicted = a.label) AS correct FROM annotations a WHERE a.created_at >= ? AND a.predicted IS NOT NULL AND ${isLive("a")}`),
      currentAnn: db.prepare<[number], AnnotationRow>(`SELECT ${cols} FROM annotations a WHERE a.item_idx = ? AND ${isLive("a")} ORDER BY a.id DESC LIMIT 1`),
    };
  }

  /**
   * The statements that write history records, prepared on first use (a read-only database from
   * before the history has none of their columns, and is never written).
   */
  private writes?: ReturnType<SqliteStore["prepareWrites"]>;

  private prepareWrites() {
    const db = this.db;
    return {
      addAnn: db.prepare<[{ item: number; annotator: string; label: string; at: number; duration: number | null; predicted: string | null; audit: number; kind: string | null }]>(
        `INSERT INTO annotations (item_idx, annotator, label, created_at, duration_ms, predicted, audit, kind) VALUES (@item, @annotator, @label, @at, @duration, @predicted, @audit, coalesce(@kind, CASE WHEN EXISTS (SELECT 1 FROM annotations a WHERE a.item_idx = @item AND a.annotator = @annotator AND a.kind <> 'review' AND ${live("a")}) THEN 'relabel' ELSE 'label' END))`,
      ),
      addUndo: db.prepare<[{ id: number; annotator: string; at: number }]>(
        `INSERT INTO annotations (item_idx, annotator, label, created_at, duration_ms, predicted, audit, kind, undoes) SELECT a.item_idx, @annotator, a.label, @at, NULL, NULL, 0, 'undo', a.id FROM annotations a WHERE a.id = @id AND ${live("a")}`,
      ),
      lastSkip: db.prepare<[number, string], { kind: string }>("SELECT kind FROM annotations WHERE item_idx = ? AND annotator = ? AND kind IN ('skip', 'unskip') ORDER BY id DESC LIMIT 1"),
      addSkipRec: db.prepare<[number, string, number, string]>("INSERT INTO annotations (item_idx, annotator, label, created_at, duration_ms, predicted, audit, kind) VALUES (?, ?, '', ?, NULL, NULL, 0, ?)"),
    };
  }

  private get w(): ReturnType<SqliteStore["prepareWrites"]> {
    this.writes ??= this.prepareWrites();
    return this.writes;
  }

  meta(): ProjectMeta {
    const row = this.st.getMeta.get("project");
    if (row === undefined) throw new ActiveLearnError("NOT_FOUND", `${this.path}: not an initialised project (no settings stored)`);
    return JSON.parse(row.value) as ProjectMeta;
  }

  setMeta(meta: ProjectMeta): void {
    this.st.setMeta.run("project", JSON.stringify(meta));
  }

  /** A small piece of server state kept across restarts (key other than "project"), or undefined. */
  stateValue(key: string): string | undefined {
    return key === "project" ? undefined : this.st.getMeta.get(`state:${key}`)?.value;
  }

  setStateValue(key: string, value: string): void {
    this.st.setMeta.run(`state:${key}`, value);
  }

  itemCount(): number {
    return this.st.count.get()?.n ?? 0;
  }

  item(idx: number): Item | undefined {
    const r = this.st.item.get(idx);
    return r === undefined ? undefined : { idx: r.idx, id: r.id, data: JSON.parse(r.data) as Record<string, Cell> };
  }

  itemIdx(id: string): number | undefined {
    return this.st.itemIdx.get(id)?.idx;
  }

  *items(): IterableIterator<Item> {
    for (const r of this.st.items.iterate()) yield { idx: r.idx, id: r.id, data: JSON.parse(r.data) as Record<string, Cell> };
  }

  insertItems(items: readonly Item[]): void {
    this.insertItemsJson(items.map((it) => ({ idx: it.idx, id: it.id, json: JSON.stringify(it.data) })));
  }

  insertItemsJson(items: readonly { idx: number; id: string; json: string }[]): void {
    const run = this.db.transaction((batch: readonly { idx: number; id: string; json: string }[]) => {
      for (const it of batch) {
        try {
          this.st.insertItem.run(it.idx, it.id, it.json);
        } catch (e) {
          if (e instanceof Error && (e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
            throw new BadInputError(`duplicate item id "${it.id}"`);
          }
          throw e;
        }
      }
    });
    run(items);
  }

  /** Removes fields from every item's data (columns that `init` leaves out after the import). */
  dropItemFields(names: readonly string[]): void {
    if (names.length === 0) return;
    const read = this.db.prepare<[number, number], { idx: number; data: string }>("SELECT idx, data FROM items WHERE idx >= ? AND idx < ?");
    const write = this.db.prepare<[string, number]>("UPDATE items SET data = ? WHERE idx = ?");
    const n = this.itemCount();
    for (let start = 0; start < n; start += 5000) {
      const rows = read.all(start, start + 5000);
      this.db.transaction(() => {
        for (const r of rows) {
          const data = JSON.parse(r.data) as Record<string, Cell>;
          for (const name of names) delete data[name];
          write.run(JSON.stringify(data), r.idx);
        }
      })();
    }
  }

  putFeatures(rows: readonly { idx: number; row: Uint8Array }[]): void {
    const run = this.db.transaction((batch: readonly { idx: number; row: Uint8Array }[]) => {
      for (const r of batch) this.st.putFeature.run(r.idx, r.row);
    });
    run(rows);
  }

  *featureRows(): IterableIterator<{ idx: number; row: Uint8Array }> {
    for (const r of this.st.features.iterate()) yield { idx: r.idx, row: r.row };
    for (const b of this.featureBlocks()) yield* blockRows(b);
  }

  /** Whether the database has the blocks table (schema step 8; absent in an older database opened read-only). */
  private hasBlocks(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feature_blocks'").get() !== undefined;
  }

  putFeatureBlock(b: FeatureBlock): void {
    this.db.prepare<[number, number, number, Uint8Array, Uint8Array | null, Uint8Array | null]>("INSERT OR REPLACE INTO feature_blocks (start, rows, cols, vals, indptr, indices) VALUES (?, ?, ?, ?, ?, ?)").run(b.start, b.rows, b.cols, b.values, b.indptr, b.indices);
  }

  *featureBlocks(): IterableIterator<FeatureBlock> {
    if (!this.hasBlocks()) return;
    const q = this.db.prepare<[], { start: number; rows: number; cols: number; vals: Buffer; indptr: Buffer | null; indices: Buffer | null }>("SELECT start, rows, cols, vals, indptr, indices FROM feature_blocks ORDER BY start");
    for (const r of q.iterate()) yield { start: r.start, rows: r.rows, cols: r.cols, values: r.vals, indptr: r.indptr, indices: r.indices };
  }

  addAnnotation(a: NewAnnotation): number {
    const res = this.w.addAnn.run({ item: a.itemIdx, annotator: a.annotator, label: a.label, at: a.createdAt, duration: a.durationMs, predicted: a.predicted, audit: a.audit ? 1 : 0, kind: a.kind ?? null });
    return Number(res.lastInsertRowid);
  }

  undoAnnotation(id: number, annotator: string, at: number): number {
    const res = this.w.addUndo.run({ id, annotator, at });
    if (res.changes === 0) throw new ConflictError(`annotation ${id} is not a live label (undone already, or no such annotation)`);
    return Number(res.lastInsertRowid);
  }

  historyPage(afterId: number, limit: number): { record: HistoryRecord; itemId: string }[] {
    return this.st.history.all(afterId, limit).map((r) => ({ record: toRecord(r), itemId: r.item_id }));
  }

  /** Adds many annotations in one transaction (seed labels at init). */
  addAnnotations(list: readonly NewAnnotation[]): void {
    const run = this.db.transaction((batch: readonly NewAnnotation[]) => {
      for (const a of batch) this.addAnnotation(a);
    });
    run(list);
  }

  lastAnnotation(itemIdx: number, annotator: string): Annotation | undefined {
    const r = this.st.lastAnn.get(itemIdx, annotator);
    return r === undefined ? undefined : toAnnotation(r);
  }

  currentLabels(): { itemIdx: number; label: string }[] {
    return this.st.current.all().map((r) => ({ itemIdx: r.item_idx, label: r.label }));
  }

  currentLabel(itemIdx: number): string | null {
    return this.st.currentOne.get(itemIdx)?.label ?? null;
  }

  labeledPage(afterIdx: number, limit: number): { item: Item; annotation: Annotation }[] {
    return this.st.labeledPage.all(afterIdx, limit).map((r) => ({ item: { idx: r.item_idx, id: r.item_id, data: JSON.parse(r.item_data) as Record<string, Cell> }, annotation: toAnnotation(r) }));
  }

  *annotations(): IterableIterator<Annotation> {
    for (const r of this.st.annotations.iterate()) yield toAnnotation(r);
  }

  annotationCount(): number {
    return this.st.annCount.get()?.n ?? 0;
  }

  addSkip(itemIdx: number, annotator: string, at: number): boolean {
    return this.skipRecord(itemIdx, annotator, at, "skip");
  }

  removeSkip(itemIdx: number, annotator: string, at: number): boolean {
    return this.skipRecord(itemIdx, annotator, at, "unskip");
  }

  /** Appends a skip or unskip record unless it would change nothing; true when appended. */
  private skipRecord(itemIdx: number, annotator: string, at: number, kind: "skip" | "unskip"): boolean {
    return this.transaction(() => {
      const skipped = this.w.lastSkip.get(itemIdx, annotator)?.kind === "skip";
      if (skipped === (kind === "skip")) return false;
      this.w.addSkipRec.run(itemIdx, annotator, at, kind);
      return true;
    });
  }

  skips(): { itemIdx: number; annotator: string }[] {
    return this.st.skips.all().map((r) => ({ itemIdx: r.item_idx, annotator: r.annotator }));
  }

  insertGoldItems(items: readonly GoldItem[]): void {
    this.gold.insert(items);
  }

  goldItems(): GoldItem[] {
    return this.gold.items();
  }

  addGoldAnswer(a: NewGoldAnswer): number {
    return this.gold.addAnswer(a);
  }

  undoGoldAnswer(id: number, at: number): boolean {
    return this.gold.undo(id, at);
  }

  goldAnswers(): GoldAnswer[] {
    return this.gold.answers();
  }

  saveModel(labeled: number, model: SavedModel, at: number): void {
    const run = this.db.transaction(() => {
      this.st.saveModel.run(at, labeled, JSON.stringify(model));
      this.st.pruneModels.run(KEEP_MODELS);
    });
    run();
  }

  latestModel(): { labeled: number; model: SavedModel; createdAt: number } | undefined {
    const r = this.st.latestModel.get();
    return r === undefined ? undefined : { labeled: r.labeled, model: JSON.parse(r.model) as SavedModel, createdAt: r.created_at };
  }

  /** Prepared on first use: a read-only older database has no assessment column to write. */
  private addIter: Database.Statement<[number, number, number, number | null, number, number | null, number, number, string | null]> | null = null;

  addIteration(it: Iteration): void {
    this.addIter ??= this.db.prepare<[number, number, number, number | null, number, number | null, number, number, string | null]>(
      "INSERT OR REPLACE INTO iterations (iteration, created_at, labeled, accuracy, accuracy_n, holdout_accuracy, holdout_n, train_ms, assessment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.addIter.run(it.iteration, it.createdAt, it.labeled, it.accuracy, it.accuracyN, it.holdoutAccuracy, it.holdoutN, it.trainMs, it.assessment == null ? null : JSON.stringify(it.assessment));
  }

  testThenTrainSince(at: number): { n: number; correct: number } {
    const r = this.st.since.get(at);
    return { n: r?.n ?? 0, correct: r?.correct ?? 0 };
  }

  /** The latest annotation of an item (its current label, who gave it, whether it was an audit pick). */
  currentAnnotation(itemIdx: number): Annotation | undefined {
    const r = this.st.currentAnn.get(itemIdx);
    return r === undefined ? undefined : toAnnotation(r);
  }

  updateIterationAccuracy(iteration: number, accuracy: number | null, n: number): void {
    this.st.updIter.run(accuracy, n, iteration);
  }

  iterations(): Iteration[] {
    return this.st.iterations.all().map((r) => ({
      iteration: r.iteration,
      createdAt: r.created_at,
      labeled: r.labeled,
      accuracy: r.accuracy,
      accuracyN: r.accuracy_n,
      holdoutAccuracy: r.holdout_accuracy,
      holdoutN: r.holdout_n,
      trainMs: r.train_ms,
      assessment: parseAssessment(r.assessment),
    }));
  }

  /** Webhook statements, prepared on first use (a read-only older database has no webhook tables). */
  private whSt: ReturnType<SqliteStore["prepareWebhooks"]> | null = null;

  private get wh(): ReturnType<SqliteStore["prepareWebhooks"]> {
    this.whSt ??= this.prepareWebhooks();
    return this.whSt;
  }

  private prepareWebhooks() {
    const db = this.db;
    return {
      add: db.prepare<[string, string, string, string, number]>("INSERT INTO webhooks (id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)"),
      list: db.prepare<[], WebhookRow>("SELECT * FROM webhooks ORDER BY created_at, id"),
      remove: db.prepare<[string]>("DELETE FROM webhooks WHERE id = ?"),
      orphan: db.prepare<[number, string]>("UPDATE webhook_deliveries SET state = 'dead', last_error = 'webhook removed', next_at = ? WHERE webhook_id = ? AND state = 'pending'"),
      // One pending delivery per receiver subscribed to the event ("*" or the name in its list).
      fanOut: db.prepare<[string, number, string]>(
        "INSERT OR IGNORE INTO webhook_deliveries (event_id, webhook_id, state, attempts, next_at) SELECT ?, id, 'pending', 0, ? FROM webhooks WHERE events = '*' OR instr(',' || events || ',', ',' || ? || ',') > 0",
      ),
      addEvent: db.prepare<[string, string, number, string]>("INSERT OR IGNORE INTO webhook_events (id, event, created_at, body) VALUES (?, ?, ?, ?)"),
      due: db.prepare<[number, number], WebhookRow & { delivery_id: number; event_id: string; event: string; body: string; attempts: number }>(
        "SELECT d.id AS delivery_id, d.event_id, d.attempts, e.event, e.body, w.* FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?",
      ),
      addAttempt: db.prepare<[number, number, number, number | null, string | null, number]>("INSERT INTO webhook_attempts (delivery_id, attempt, at, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)"),
      update: db.prepare<[string, number, number, number | null, string | null, number]>("UPDATE webhook_deliveries SET state = ?, attempts = ?, next_at = ?, last_status = ?, last_error = ? WHERE id = ?"),
      log: db.prepare<[number], { id: number; event_id: string; webhook_id: string; state: string; next_at: number; event: string; created_at: number; url: string | null }>(
        "SELECT d.id, d.event_id, d.webhook_id, d.state, d.next_at, e.event, e.created_at, w.url FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id LEFT JOIN webhooks w ON w.id = d.webhook_id ORDER BY d.id DESC LIMIT ?",
      ),
      attempts: db.prepare<[number], { attempt: number; at: number; status: number | null; error: string | null; duration_ms: number }>("SELECT attempt, at, status, error, duration_ms FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt"),
      // A finished delivery's next_at is the time it finished (delivered or given up).
      pruneAttempts: db.prepare<[number]>("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE state IN ('delivered', 'dead') AND next_at < ?)"),
      pruneDeliveries: db.prepare<[number]>("DELETE FROM webhook_deliveries WHERE state IN ('delivered', 'dead') AND next_at < ?"),
      pruneEvents: db.prepare("DELETE FROM webhook_events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)"),
    };
  }

  addWebhook(w: Webhook): void {
    this.wh.add.run(w.id, w.url, w.events === "*" ? "*" : w.events.join(","), w.secret, w.createdAt);
  }

  webhooks(): Webhook[] {
    return this.wh.list.all().map(toWebhook);
  }

  removeWebhook(id: string, at: number): boolean {
    return this.db.transaction(() => {
      this.wh.orphan.run(at, id);
      return this.wh.remove.run(id).changes > 0;
    })();
  }

  enqueueEvent(e: OutboxEvent): number {
    return this.db.transaction(() => {
      const n = this.wh.fanOut.run(e.id, e.createdAt, e.event).changes;
      if (n > 0) this.wh.addEvent.run(e.id, e.event, e.createdAt, e.body);
      return n;
    })();
  }

  dueDeliveries(now: number, limit: number, skip: ReadonlySet<number> = new Set()): DueDelivery[] {
    // Ask for enough to fill `limit` after leaving out the ones in flight.
    return this.wh.due
      .all(now, limit + skip.size)
      .filter((r) => !skip.has(r.delivery_id))
      .slice(0, limit)
      .map((r) => ({ deliveryId: r.delivery_id, webhook: toWebhook(r), eventId: r.event_id, event: r.event, body: r.body, attempts: r.attempts }));
  }

  recordDeliveryAttempt(a: DeliveryAttempt): void {
    this.db.transaction(() => {
      this.wh.addAttempt.run(a.deliveryId, a.attempt, a.at, a.status, a.error, a.durationMs);
      this.wh.update.run(a.state, a.attempt, a.nextAt, a.status, a.error, a.deliveryId);
    })();
  }

  pruneDeliveries(finishedBefore: number): number {
    return this.db.transaction(() => {
      this.wh.pruneAttempts.run(finishedBefore);
      const n = this.wh.pruneDeliveries.run(finishedBefore).changes;
      if (n > 0) this.wh.pruneEvents.run();
      return n;
    })();
  }

  deliveryLog(limit: number): DeliveryLogEntry[] {
    return this.wh.log.all(limit).map((r) => ({
      deliveryId: r.id,
      eventId: r.event_id,
      event: r.event,
      eventCreatedAt: r.created_at,
      webhookId: r.webhook_id,
      url: r.url,
      state: r.state as DeliveryLogEntry["state"],
      attempts: this.wh.attempts.all(r.id).map((t) => ({ attempt: t.attempt, at: t.at, status: t.status, error: t.error, durationMs: t.duration_ms })),
      nextAt: r.state === "pending" ? r.next_at : null,
    }));
  }

  private accountStatements: ReturnType<typeof prepareAccounts> | null | undefined;

  /** The account statements, or null when the database has no account tables (older, read-only). */
  private get acc(): ReturnType<typeof prepareAccounts> | null {
    if (this.accountStatements === undefined) {
      const present = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'").get() !== undefined;
      this.accountStatements = present ? prepareAccounts(this.db) : null;
    }
    return this.accountStatements;
  }

  private writableAcc(): ReturnType<typeof prepareAccounts> {
    const a = this.acc;
    if (a === null) throw new BadInputError("this project database has no accounts yet: open it once for writing (activelearn serve DIR) to migrate it", { file: this.path });
    return a;
  }

  addUser(u: Omit<StoredUser, "id">): number {
    try {
      return Number(this.writableAcc().add.run(u.name, u.role, u.createdAt, u.tokenHash, u.passwordHash, u.disabled ? 1 : 0).lastInsertRowid);
    } catch (e) {
      if (e instanceof Error && (e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new ConflictError(`a user named "${u.name}" already exists`);
      throw e;
    }
  }

  user(id: number): StoredUser | undefined {
    const r = this.acc?.byId.get(id);
    return r === undefined ? undefined : toUser(r);
  }

  userByName(name: string): StoredUser | undefined {
    const r = this.acc?.byName.get(name);
    return r === undefined ? undefined : toUser(r);
  }

  users(): StoredUser[] {
    return this.acc?.all.all().map(toUser) ?? [];
  }

  updateUser(id: number, change: Partial<Pick<StoredUser, "role" | "tokenHash" | "passwordHash" | "disabled">>): void {
    this.transaction(() => {
      const u = this.user(id);
      if (u === undefined) throw new ActiveLearnError("NOT_FOUND", `no user with id ${id}`);
      const next = { ...u, ...change };
      this.writableAcc().update.run(next.role, next.tokenHash, next.passwordHash, next.disabled ? 1 : 0, id);
    });
  }

  removeUser(id: number): void {
    this.transaction(() => {
      this.writableAcc().deleteSessionsOf.run(id);
      this.writableAcc().remove.run(id);
    });
  }

  addSession(s: StoredSession): void {
    this.writableAcc().addSession.run(s.idHash, s.userId, s.createdAt, s.expiresAt);
  }

  session(idHash: string): StoredSession | undefined {
    const r = this.acc?.session.get(idHash);
    return r === undefined ? undefined : { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  deleteSession(idHash: string): void {
    this.writableAcc().deleteSession.run(idHash);
  }

  deleteSessionsOf(userId: number): void {
    this.writableAcc().deleteSessionsOf.run(userId);
  }

  deleteExpiredSessions(now: number): number {
    return this.writableAcc().deleteExpired.run(now).changes;
  }

  itemHistory(itemIdx: number): HistoryRecord[] {
    return this.rv.itemHistory(itemIdx);
  }

  itemVersion(itemIdx: number): number {
    return this.rv.itemVersion(itemIdx);
  }

  openReview(r: NewReview): number | null {
    return this.rv.open(r);
  }

  review(id: number): Review | undefined {
    return this.rv.review(id);
  }

  openReviewOf(itemIdx: number): Review | undefined {
    return this.rv.openOf(itemIdx);
  }

  lastResolvedReviewOf(itemIdx: number): Review | undefined {
    return this.rv.lastResolvedOf(itemIdx);
  }

  reviews(status: "open" | "resolved", afterId: number, limit: number): Review[] {
    return this.rv.list(status, afterId, limit);
  }

  reviewCounts(): { open: number; resolved: number } {
    return this.rv.counts();
  }

  resolveReview(id: number, outcome: ReviewOutcome): boolean {
    return this.rv.resolve(id, outcome);
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
