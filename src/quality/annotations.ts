/**
 * Annotations in long format (one row per label given: item, annotator, label), read from a CSV
 * or JSONL file or built from triples, encoded as indices: items and annotators in order of first
 * appearance, labels sorted (numerically when every label is a number, else by code point).
 * A repeated (item, annotator) pair keeps the annotator's last label, as a later label
 * replaces an earlier one in a project.
 *
 * @example
 * const a = readAnnotations("crowd.csv", { item: "item", annotator: "annotator", label: "label" });
 * a.items.length; a.labels; // ["0", "1", ...]
 */
import { BadInputError, didYouMean } from "../errors.js";
import { isMissing } from "../data/dataset.js";
import type { Cell } from "../data/jsonl.js";
import { readTable } from "../data/read.js";

/** Encoded annotations: entry t says annotator `annotator[t]` gave item `item[t]` label `label[t]`. */
export interface Annotations {
  readonly items: readonly string[];
  readonly annotators: readonly string[];
  readonly labels: readonly string[];
  readonly item: Int32Array;
  readonly annotator: Int32Array;
  readonly label: Int32Array;
}

/** Column names of a long-format file (the `--item`, `--annotator`, `--label` options). */
export interface AnnotationColumns {
  readonly item: string;
  readonly annotator: string;
  readonly label: string;
}

/** One label given, before encoding. */
export interface AnnotationTriple {
  readonly item: string;
  readonly annotator: string;
  readonly label: string;
}

const cellText = (v: Cell): string => (typeof v === "string" ? v.trim() : String(v));

/** Label names in the package's order: numeric when all are numbers, else by code point. */
export function sortLabels(names: Iterable<string>): string[] {
  const all = [...new Set(names)];
  const numeric = all.every((s) => s !== "" && Number.isFinite(Number(s)));
  return numeric ? all.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)) : all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Encodes triples; later triples of the same (item, annotator) replace earlier ones.
 * @throws BadInputError when there are none
 */
export function encodeAnnotations(triples: readonly AnnotationTriple[], source = "annotations"): Annotations {
  if (triples.length === 0) throw new BadInputError("no annotations: need at least one row of item, annotator, label", { file: source });
  const itemIdx = new Map<string, number>();
  const annIdx = new Map<string, number>();
  const last = new Map<string, number>();
  triples.forEach((t, i) => {
    if (!itemIdx.has(t.item)) itemIdx.set(t.item, itemIdx.size);
    if (!annIdx.has(t.annotator)) annIdx.set(t.annotator, annIdx.size);
    last.set(`${itemIdx.get(t.item)}\u0000${annIdx.get(t.annotator)}`, i);
  });
  const kept = [...last.values()].sort((a, b) => a - b);
  const names = [...annIdx.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const annRank = new Map(names.map((nm, r) => [nm, r]));
  const labels = sortLabels(kept.map((i) => triples[i].label));
  const labelIdx = new Map(labels.map((l, i) => [l, i]));
  const n = kept.length;
  const out = { item: new Int32Array(n), annotator: new Int32Array(n), label: new Int32Array(n) };
  kept.forEach((i, t) => {
    out.item[t] = itemIdx.get(triples[i].item) ?? 0;
    out.annotator[t] = annRank.get(triples[i].annotator) ?? 0;
    out.label[t] = labelIdx.get(triples[i].label) ?? 0;
  });
  return { items: [...itemIdx.keys()], annotators: names, labels, ...out };
}

/**
 * Reads a long-format annotation file.
 * @throws BadInputError naming the file and option for a missing column, and the row and column
 *   for an empty item, annotator or label cell
 */
export function readAnnotations(file: string, columns: AnnotationColumns): Annotations {
  const table = readTable(file);
  const idx: Record<keyof AnnotationColumns, number> = { item: -1, annotator: -1, label: -1 };
  const problems: string[] = [];
  for (const key of ["item", "annotator", "label"] as const) {
    idx[key] = table.header.indexOf(columns[key]);
    if (idx[key] < 0) problems.push(`option --${key}: no column named "${columns[key]}"${didYouMean(columns[key], table.header)}`);
  }
  if (problems.length > 0) {
    const shown = table.header.slice(0, 30).map((h) => JSON.stringify(h)).join(", ");
    throw new BadInputError(`${problems.join("; ")}; available columns: ${shown}${table.header.length > 30 ? ` and ${table.header.length - 30} more` : ""}`, { file });
  }
  const triples: AnnotationTriple[] = [];
  table.cells.forEach((row, r) => {
    const get = (key: keyof AnnotationColumns): string => {
      const v = row[idx[key]] ?? null;
      if (isMissing(v)) throw new BadInputError(`empty ${key} (every row needs an item, an annotator and a label)`, { file, row: table.rowNumbers[r], column: columns[key] });
      return cellText(v);
    };
    triples.push({ item: get("item"), annotator: get("annotator"), label: get("label") });
  });
  return encodeAnnotations(triples, file);
}

/** For each item, the entries (indices into the annotation arrays) that label it. */
export function entriesByItem(a: Annotations): Int32Array[] {
  const counts = new Int32Array(a.items.length);
  for (let t = 0; t < a.item.length; t++) counts[a.item[t]]++;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(a.items.length);
  for (let t = 0; t < a.item.length; t++) out[a.item[t]][fill[a.item[t]]++] = t;
  return out;
}
