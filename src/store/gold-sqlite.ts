/**
 * The SQLite tables of gold items (schema step 8): `gold_items` (known answers, outside the pool)
 * and `gold_answers` (append-only apart from the undo mark). A database from before step 8
 * (opened read-only) has neither table and reads as having no gold items.
 *
 * @example
 * const gold = new GoldTables(db);
 * gold.insert([{ id: "g1", data: { text: "win cash" }, label: "spam" }]);
 * gold.addAnswer({ goldId: "g1", annotator: "ana", label: "spam", createdAt: Date.now(), durationMs: 900 });
 */
import type Database from "better-sqlite3";
import type { Cell } from "../data/jsonl.js";
import { BadInputError } from "../errors.js";
import type { GoldAnswer, GoldItem, NewGoldAnswer } from "./types.js";

interface AnswerRow {
  id: number;
  gold_id: string;
  annotator: string;
  label: string | null;
  created_at: number;
  duration_ms: number | null;
  undone_at: number | null;
}

export class GoldTables {
  private readonly present: boolean;

  constructor(private readonly db: Database.Database) {
    this.present = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gold_items'").get() !== undefined;
  }

  insert(items: readonly GoldItem[]): void {
    const put = this.db.prepare<[string, string, string]>("INSERT INTO gold_items (id, data, label) VALUES (?, ?, ?)");
    const has = this.db.prepare<[string], { id: string }>("SELECT id FROM gold_items WHERE id = ?");
    this.db.transaction(() => {
      for (const g of items) {
        if (has.get(g.id) !== undefined) throw new BadInputError(`gold item id "${g.id}" is already stored`);
        put.run(g.id, JSON.stringify(g.data), g.label);
      }
    })();
  }

  items(): GoldItem[] {
    if (!this.present) return [];
    return this.db
      .prepare<[], { id: string; data: string; label: string }>("SELECT id, data, label FROM gold_items ORDER BY rowid")
      .all()
      .map((r) => ({ id: r.id, data: JSON.parse(r.data) as Record<string, Cell>, label: r.label }));
  }

  addAnswer(a: NewGoldAnswer): number {
    const r = this.db
      .prepare<[string, string, string | null, number, number | null]>("INSERT INTO gold_answers (gold_id, annotator, label, created_at, duration_ms) VALUES (?, ?, ?, ?, ?)")
      .run(a.goldId, a.annotator, a.label, a.createdAt, a.durationMs === null ? null : Math.round(a.durationMs));
    return Number(r.lastInsertRowid);
  }

  undo(id: number, at: number): boolean {
    return this.db.prepare<[number, number]>("UPDATE gold_answers SET undone_at = ? WHERE id = ? AND undone_at IS NULL").run(at, id).changes === 1;
  }

  answers(): GoldAnswer[] {
    if (!this.present) return [];
    return this.db
      .prepare<[], AnswerRow>("SELECT * FROM gold_answers ORDER BY id")
      .all()
      .map((r) => ({ id: r.id, goldId: r.gold_id, annotator: r.annotator, label: r.label, createdAt: r.created_at, durationMs: r.duration_ms, undoneAt: r.undone_at }));
  }
}
