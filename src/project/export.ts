/**
 * Exporting a project's labels: one row per labeled item (its current label), with the item's
 * fields, the annotator and the time of the label. JSON Lines or CSV (RFC 4180 quoting).
 *
 * @example
 * for (const chunk of exportLabels(store, "csv")) process.stdout.write(chunk);
 */
import type { Cell } from "../data/jsonl.js";
import type { Annotation, Item, Store } from "../store/types.js";

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

/** Each labeled item with its latest annotation (its current label), in pool order. */
export function* labeledItems(store: Store): Generator<{ readonly idx: number; readonly item: Item; readonly annotation: Annotation }> {
  const latest = new Map<number, Annotation>();
  for (const a of store.annotations()) latest.set(a.itemIdx, a);
  for (const idx of [...latest.keys()].sort((a, b) => a - b)) {
    const item = store.item(idx);
    if (item !== undefined) yield { idx, item, annotation: latest.get(idx) as Annotation };
  }
}

/** The export as text chunks (a few hundred rows each), in pool order. */
export function* exportLabels(store: Store, format: ExportFormat): Generator<string> {
  const meta = store.meta();
  const fields = meta.fields.map((f) => f.name);
  const idName = meta.idColumn ?? "id";
  let out = "";
  if (format === "csv") {
    const uniq = (name: string): string => (fields.includes(name) ? `_${name}` : name);
    out += [idName, ...fields, uniq("label"), uniq("annotator"), uniq("labeled_at")].map(csvField).join(",") + "\r\n";
  }
  let rows = 0;
  for (const { item, annotation: a } of labeledItems(store)) {
    const at = new Date(a.createdAt).toISOString();
    if (format === "jsonl") {
      out += JSON.stringify({ id: item.id, data: item.data, label: a.label, annotator: a.annotator, labeledAt: at }) + "\n";
    } else {
      out += [item.id, ...fields.map((f) => item.data[f] ?? null), a.label, a.annotator, at].map(csvField).join(",") + "\r\n";
    }
    if (++rows % 500 === 0) {
      yield out;
      out = "";
    }
  }
  if (out !== "") yield out;
}
