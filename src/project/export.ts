/**
 * Exporting a project's labels: one row per labeled item (its current label), with the item's
 * fields, the annotator and the time of the label. JSON Lines or CSV (RFC 4180 quoting). With
 * overlap the label is the consensus (consensus.ts): the annotators who gave it (joined by ";"),
 * and a `disputed` flag; a disputed item has an empty label (null in JSON Lines).
 *
 * @example
 * for (const chunk of exportLabels(store, "csv")) process.stdout.write(chunk);
 */
import type { Cell } from "../data/jsonl.js";
import type { Annotation, Item, Store } from "../store/types.js";
import { consensusLabels } from "./consensus.js";

export type ExportFormat = "jsonl" | "csv";

/** A cell a spreadsheet would run as a formula: it starts with =, +, -, @, TAB or CR (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number ("-3.5", "+2", "-1e-7"): a spreadsheet reads it as that number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Quotes a CSV field when it needs it, and neutralises spreadsheet formulas: a cell starting with
 * =, +, -, @, TAB or CR gets a leading single quote so Excel, LibreOffice and Google Sheets show it
 * as text instead of running it. A cell that is entirely a plain number (a negative score such as
 * -3.5) is left alone: it cannot hold a formula, and prefixing it would turn numbers into text.
 */
export function csvField(v: Cell): string {
  if (v === null) return "";
  let s = String(v);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Labeled items read per page by {@link labeledItems}. */
export const PAGE_ROWS = 500;

/**
 * Each labeled item with its latest annotation (its current label), in pool order, read a page
 * of {@link PAGE_ROWS} at a time (no query stays open between pages, so a caller may yield to
 * the event loop, and labels may arrive, between items).
 */
export function* labeledItems(store: Store): Generator<{ readonly idx: number; readonly item: Item; readonly annotation: Annotation }> {
  let after = -1;
  for (;;) {
    const page = store.labeledPage(after, PAGE_ROWS);
    for (const { item, annotation } of page) yield { idx: item.idx, item, annotation };
    if (page.length < PAGE_ROWS) return;
    after = page[page.length - 1].item.idx;
  }
}

/** The export as text chunks ({@link PAGE_ROWS} rows each), in pool order. */
export function* exportLabels(store: Store, format: ExportFormat): Generator<string> {
  const meta = store.meta();
  const fields = meta.fields.map((f) => f.name);
  const idName = meta.idColumn ?? "id";
  const final = consensusLabels(store);
  let out = "";
  if (format === "csv") {
    const uniq = (name: string): string => (fields.includes(name) ? `_${name}` : name);
    out += [idName, ...fields, uniq("label"), uniq("annotator"), uniq("labeled_at"), ...(final !== null ? [uniq("disputed")] : [])].map(csvField).join(",") + "\r\n";
  }
  let rows = 0;
  for (const { idx, item, annotation: a } of labeledItems(store)) {
    const fin = final?.get(idx);
    const label = fin !== undefined ? fin.label : a.label;
    const annotator = fin !== undefined ? fin.annotators.join(";") : a.annotator;
    const at = new Date(fin !== undefined ? fin.at : a.createdAt).toISOString();
    const disputed = final !== null ? [fin?.disputed === true] : [];
    if (format === "jsonl") {
      out += JSON.stringify({ id: item.id, data: item.data, label, annotator, labeledAt: at, ...(final !== null ? { disputed: disputed[0] } : {}) }) + "\n";
    } else {
      out += [item.id, ...fields.map((f) => item.data[f] ?? null), label, annotator, at, ...disputed.map(String)].map(csvField).join(",") + "\r\n";
    }
    if (++rows % PAGE_ROWS === 0) {
      yield out;
      out = "";
    }
  }
  if (out !== "") yield out;
}
