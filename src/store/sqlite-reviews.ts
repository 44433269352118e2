/**
 * The review queue's part of the SQLite store (table `reviews`, schema step 6 in migrations.ts)
 * and the per-item reads it needs (an item's history and version). The SQLite store delegates
 * its review methods here; statements are prepared on first use, so an older database opened
 * read-only (no reviews table) reads as having no reviews.
 *
 * @example
 * const reviews = new SqliteReviews(db);
 * const id = reviews.open({ itemIdx: 3, reason: "spot_check", details: {}, openedAt: Date.now(), version: 12 });
 */
import type Database from "better-sqlite3";
import type { HistoryRecord, NewReview, RecordKind, Review, ReviewDetails, ReviewOutcome, ReviewReason } from "./types.js";

interface ReviewRow {
  id: number;
  item_idx: number;
  reason: string;
  details: string;
  opened_at: number;
  version: number;
  resolved_at: number | null;
  resolved_by: string | null;
  decision: string | null;
  annotation_id: number | null;
  votes: string | null;
}

interface HistoryRow {
  id: number;
  item_idx: number;
  annotator: string;
  label: string;
  created_at: number;
  duration_ms: number | null;
  audit: number;
  kind: string;
  undoes: number | null;
}

/** A JSON object column, or {} when damaged (a bad row must not stop the queue). */
function parseObject<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as T) : ({} as T);
  } catch {
    return {} as T;
  }
}

const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  itemIdx: r.item_idx,
  reason: r.reason as ReviewReason,
  details: parseObject<ReviewDetails>(r.details) ?? {},
  openedAt: r.opened_at,
  version: r.version,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  decision: r.decision,
  annotationId: r.annotation_id,
  votes: parseObject<Record<string, string>>(r.votes),
});

function prepare(db: Database.Database) {
  return {
    open: db.prepare<[number, string, string, number, number]>("INSERT OR IGNORE INTO reviews (item_idx, reason, details, opened_at, version) VALUES (?, ?, ?, ?, ?)"),
    byId: db.prepare<[number], ReviewRow>("SELECT * FROM reviews WHERE id = ?"),
    openOf: db.prepare<[number], ReviewRow>("SELECT * FROM reviews WHERE item_idx = ? AND resolved_at IS NULL"),
    lastResolvedOf: db.prepare<[number], ReviewRow>("SELECT * FROM reviews WHERE item_idx = ? AND resolved_at IS NOT NULL ORDER BY id DESC LIMIT 1"),
    listOpen: db.prepare<[number, number], ReviewRow>("SELECT * FROM reviews WHERE resolved_at IS NULL AND id > ? ORDER BY id LIMIT ?"),
    listResolved: db.prepare<[number, number], ReviewRow>("SELECT * FROM reviews WHERE resolved_at IS NOT NULL AND id > ? ORDER BY id LIMIT ?"),
    counts: db.prepare<[], { open: number | null; resolved: number | null }>("SELECT sum(resolved_at IS NULL) AS open, sum(resolved_at IS NOT NULL) AS resolved FROM reviews"),
    resolve: db.prepare<[number, string, string, number, string, number]>("UPDATE reviews SET resolved_at = ?, resolved_by = ?, decision = ?, annotation_id = ?, votes = ? WHERE id = ? AND resolved_at IS NULL"),
  };
}

function prepareItem(db: Database.Database) {
  return {
    history: db.prepare<[number], HistoryRow>("SELECT id, item_idx, annotator, label, created_at, duration_ms, audit, kind, undoes FROM annotations WHERE item_idx = ? ORDER BY id"),
    version: db.prepare<[number], { v: number | null }>("SELECT max(id) AS v FROM annotations WHERE item_idx = ? AND kind NOT IN ('skip', 'unskip')"),
  };
}

export class SqliteReviews {
  private st: ReturnType<typeof prepare> | null | undefined;
  private it: ReturnType<typeof prepareItem> | undefined;

  constructor(
    private readonly db: Database.Database,
    /** False for a database from before the history (no kind column): every record is a label. */
    private readonly hasKinds: boolean,
  ) {}

  /** The statements, or null when the database has no reviews table (older, read-only). */
  private get s(): ReturnType<typeof prepare> | null {
    if (this.st === undefined) {
      const present = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reviews'").get() !== undefined;
      this.st = present ? prepare(this.db) : null;
    }
    return this.st;
  }

  private get writable(): ReturnType<typeof prepare> {
    const s = this.s;
    if (s === null) throw new Error("this project database has no review queue yet: open it once for writing (activelearn serve DIR) to migrate it");
    return s;
  }

  itemHistory(itemIdx: number): HistoryRecord[] {
    if (!this.hasKinds) {
      const rows = this.db.prepare<[number], Omit<HistoryRow, "kind" | "undoes">>("SELECT id, item_idx, annotator, label, created_at, duration_ms, audit FROM annotations WHERE item_idx = ? ORDER BY id").all(itemIdx);
      return rows.map((r) => ({ id: r.id, itemIdx: r.item_idx, annotator: r.annotator, kind: r.annotator === "import" ? "import" : "label", label: r.label, createdAt: r.created_at, durationMs: r.duration_ms, audit: r.audit === 1, undoes: null }));
    }
    this.it ??= prepareItem(this.db);
    return this.it.history.all(itemIdx).map((r) => ({
      id: r.id,
      itemIdx: r.item_idx,
      annotator: r.annotator,
      kind: r.kind as RecordKind,
      label: r.kind === "skip" || r.kind === "unskip" ? null : r.label,
      createdAt: r.created_at,
      durationMs: r.duration_ms,
      audit: r.audit === 1,
      undoes: r.undoes,
    }));
  }

  itemVersion(itemIdx: number): number {
    if (!this.hasKinds) return this.db.prepare<[number], { v: number | null }>("SELECT max(id) AS v FROM annotations WHERE item_idx = ?").get(itemIdx)?.v ?? 0;
    this.it ??= prepareItem(this.db);
    return this.it.version.get(itemIdx)?.v ?? 0;
  }

  open(r: NewReview): number | null {
    const res = this.writable.open.run(r.itemIdx, r.reason, JSON.stringify(r.details), r.openedAt, r.version);
    return res.changes === 0 ? null : Number(res.lastInsertRowid);
  }

  review(id: number): Review | undefined {
    const r = this.s?.byId.get(id);
    return r === undefined ? undefined : toReview(r);
  }

  openOf(itemIdx: number): Review | undefined {
    const r = this.s?.openOf.get(itemIdx);
    return r === undefined ? undefined : toReview(r);
  }

  lastResolvedOf(itemIdx: number): Review | undefined {
    const r = this.s?.lastResolvedOf.get(itemIdx);
    return r === undefined ? undefined : toReview(r);
  }

  list(status: "open" | "resolved", afterId: number, limit: number): Review[] {
    const s = this.s;
    if (s === null) return [];
    return (status === "open" ? s.listOpen : s.listResolved).all(afterId, limit).map(toReview);
  }

  counts(): { open: number; resolved: number } {
    const r = this.s?.counts.get();
    return { open: r?.open ?? 0, resolved: r?.resolved ?? 0 };
  }

  resolve(id: number, o: ReviewOutcome): boolean {
    return this.writable.resolve.run(o.resolvedAt, o.resolvedBy, o.decision, o.annotationId, JSON.stringify(o.votes), id).changes > 0;
  }
}
