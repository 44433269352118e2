/**
 * The long-format export of a project's history: one row per record (a label, relabel, import,
 * undo, review decision, skip or unskip) in the order they were made, with the item id, who, the
 * label, the kind, the time, the labeling time and the audit flag. The final-label export
 * (export.ts) stays the default; this one is `export --all-annotations`. JSON Lines or CSV (the
 * same quoting and formula guard as the final labels).
 *
 * @example
 * for (const chunk of exportHistory(store, "csv")) process.stdout.write(chunk);
 */
import type { Store } from "../store/types.js";
import { PAGE_ROWS, csvField, type ExportFormat } from "./export.js";

/** The CSV columns after the item id. */
export const HISTORY_COLUMNS = ["annotator", "label", "kind", "at", "duration_ms", "audit"] as const;

/**
 * The history as text chunks ({@link PAGE_ROWS} rows each), read a page at a time by record id
 * (no query stays open between pages). An undo's label is the label it took back; a skip's and
 * an unskip's is empty (null in JSON Lines).
 */
export function* exportHistory(store: Store, format: ExportFormat): Generator<string> {
  const idName = store.meta().idColumn ?? "id";
  let out = "";
  if (format === "csv") {
    const uniq = (name: string): string => (name === idName ? `_${name}` : name);
    out += [idName, ...HISTORY_COLUMNS.map(uniq)].map(csvField).join(",") + "\r\n";
  }
  let after = 0;
  for (;;) {
    const page = store.historyPage(after, PAGE_ROWS);
    for (const { itemId, record: r } of page) {
      const at = new Date(r.createdAt).toISOString();
      if (format === "jsonl") out += JSON.stringify({ id: itemId, annotator: r.annotator, label: r.label, kind: r.kind, at, durationMs: r.durationMs, audit: r.audit }) + "\n";
      else out += [itemId, r.annotator, r.label, r.kind, at, r.durationMs, r.audit ? "true" : "false"].map(csvField).join(",") + "\r\n";
    }
    if (out !== "") yield out;
    out = "";
    if (page.length < PAGE_ROWS) return;
    after = page[page.length - 1].record.id;
  }
}
