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
 * store.addAnnotation({ itemIdx: 0, annotator: "ana", label: "spam", createdAt: Date.now(), durationMs: null, predicted: null, audit: false });
 */
import Database from "better-sqlite3";
import { ActiveLearnError, BadInputError, ConflictError } from "../errors.js";
import type { Cell } from "../data/jsonl.js";
import type { SavedModel } from "../models/types.js";
import { checkReadable, migrate, schemaVersion } from "./migrations.js";
import type { Annotation, Assessment, Item, Iteration, NewAnnotation, ProjectMeta, Role, Store, StoredSession, StoredUser, StoreOptions } from "./types.js";

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
});

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

  /** The schema version of the database (see migrations.ts). */
  readonly schemaVersion: number;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.schemaVersion = schemaVersion(db);
    this.st = this.prepare();
  }

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
        db.pragma("journal_mode = WAL");
        db.pragma(options.synchronous === "full" ? "synchronous = FULL" : "synchronous = NORMAL");
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
      addAnn: db.prepare<[number, string, string, number, number | null, string | null, number]>(
        "INSERT INTO annotations (item_idx, annotator, label, created_at, duration_ms, predicted, audit) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      lastAnn: db.prepare<[number, string], AnnotationRow>("SELECT * FROM annotations WHERE item_idx = ? AND annotator = ? ORDER BY id DESC LIMIT 1"),
      delAnn: db.prepare<[number]>("DELETE FROM annotations WHERE id = ?"),
      current: db.prepare<[], { item_idx: number; label: string }>("SELECT item_idx, label, max(id) AS last FROM annotations GROUP BY item_idx"),
      currentOne: db.prepare<[number], { label: string }>("SELECT label FROM annotations WHERE item_idx = ? ORDER BY id DESC LIMIT 1"),
      annotations: db.prepare<[], AnnotationRow>("SELECT * FROM annotations ORDER BY id"),
      // The latest annotation of each item after a pool index, with the item, a page at a time
      // (the index on (item_idx, id) makes each page a short range scan).
      labeledPage: db.prepare<[number, number], AnnotationRow & { item_id: string; item_data: string }>(
        "SELECT a.*, i.id AS item_id, i.data AS item_data FROM annotations a JOIN items i ON i.idx = a.item_idx WHERE a.id IN (SELECT max(id) FROM annotations WHERE item_idx > ? GROUP BY item_idx ORDER BY item_idx LIMIT ?) ORDER BY a.item_idx",
      ),
      annCount: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM annotations"),
      addSkip: db.prepare<[number, string, number]>("INSERT OR IGNORE INTO skips (item_idx, annotator, created_at) VALUES (?, ?, ?)"),
      skips: db.prepare<[], { item_idx: number; annotator: string }>("SELECT item_idx, annotator FROM skips"),
      saveModel: db.prepare<[number, number, string]>("INSERT INTO models (created_at, labeled, model) VALUES (?, ?, ?)"),
      pruneModels: db.prepare<[number]>("DELETE FROM models WHERE id NOT IN (SELECT id FROM models ORDER BY id DESC LIMIT ?)"),
      latestModel: db.prepare<[], { labeled: number; model: string; created_at: number }>("SELECT labeled, model, created_at FROM models ORDER BY id DESC LIMIT 1"),
      updIter: db.prepare<[number | null, number, number]>("UPDATE iterations SET accuracy = ?, accuracy_n = ? WHERE iteration = ?"),
      iterations: db.prepare<[], IterationRow>("SELECT * FROM iterations ORDER BY iteration"),
      since: db.prepare<[number], { n: number; correct: number | null }>("SELECT count(*) AS n, sum(predicted = label) AS correct FROM annotations WHERE created_at >= ? AND predicted IS NOT NULL"),
      currentAnn: db.prepare<[number], AnnotationRow>("SELECT * FROM annotations WHERE item_idx = ? ORDER BY id DESC LIMIT 1"),
    };
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
    const run = this.db.transaction((batch: readonly Item[]) => {
      for (const it of batch) {
        try {
          this.st.insertItem.run(it.idx, it.id, JSON.stringify(it.data));
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
  }

  addAnnotation(a: NewAnnotation): number {
    const res = this.st.addAnn.run(a.itemIdx, a.annotator, a.label, a.createdAt, a.durationMs, a.predicted, a.audit ? 1 : 0);
    return Number(res.lastInsertRowid);
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

  deleteAnnotation(id: number): void {
    this.st.delAnn.run(id);
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

  addSkip(itemIdx: number, annotator: string, at: number): void {
    this.st.addSkip.run(itemIdx, annotator, at);
  }

  skips(): { itemIdx: number; annotator: string }[] {
    return this.st.skips.all().map((r) => ({ itemIdx: r.item_idx, annotator: r.annotator }));
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

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
