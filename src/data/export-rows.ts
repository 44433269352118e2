/**
 * The rows the format writers (Parquet, Label Studio, Prodigy) take: exactly the objects that
 * `exportLabels(store, "jsonl")` (src/project/export.ts) and `exportHistory(store, "jsonl")`
 * (src/project/export-history.ts) print one a line, so a writer can be fed either from the store
 * directly or from those JSON Lines (see {@link labelRowsFromJsonl}). Also the write-then-rename
 * used by every writer, so a failed export never leaves a half-written file behind.
 */
import fs from "node:fs";
import path from "node:path";
import { BadInputError } from "../errors.js";
import type { Cell } from "./jsonl.js";

/** One labeled item with its final label (a line of the final-label export). */
export interface LabelExportRow {
  readonly id: string;
  readonly data: Readonly<Record<string, Cell>>;
  /** null for a disputed item (no consensus). */
  readonly label: string | null;
  /** With overlap: the annotators who gave the consensus label, joined by ";". */
  readonly annotator: string;
  /** ISO 8601 time of the label. */
  readonly labeledAt: string;
  /** Present when the project has overlap (consensus). */
  readonly disputed?: boolean;
  /** Labeling time of the label in ms, when known (not in the JSONL export; the caller may add it). */
  readonly durationMs?: number | null;
}

/** One history record (a line of the `--all-annotations` long-format export). */
export interface HistoryExportRow {
  readonly id: string;
  readonly annotator: string;
  readonly label: string | null;
  /** label, relabel, import, undo, review, skip, unskip. */
  readonly kind: string;
  /** ISO 8601 time of the record. */
  readonly at: string;
  readonly durationMs: number | null;
  readonly audit: boolean;
}

/** Splits text chunks into JSON objects, one a line; `what` names the source in errors. */
function* jsonObjects(chunks: Iterable<string>, what: string): Generator<{ obj: Record<string, unknown>; line: number }> {
  let carry = "";
  let line = 0;
  const parse = (text: string): { obj: Record<string, unknown>; line: number } | null => {
    line++;
    if (text.trim() === "") return null;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new BadInputError(`not valid JSON (${e instanceof Error ? e.message : String(e)})`, { file: what, row: line });
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BadInputError("must be a JSON object", { file: what, row: line });
    return { obj: v as Record<string, unknown>, line };
  };
  for (const chunk of chunks) {
    const parts = (carry + chunk).split("\n");
    carry = parts.pop() ?? "";
    for (const p of parts) {
      const r = parse(p);
      if (r !== null) yield r;
    }
  }
  const r = parse(carry);
  if (r !== null) yield r;
}

function field<T>(obj: Record<string, unknown>, name: string, ok: (v: unknown) => v is T, want: string, loc: { file: string; row: number }): T {
  const v = obj[name];
  if (!ok(v)) throw new BadInputError(`must be ${want}, got ${JSON.stringify(v) ?? "nothing"}`, { ...loc, field: name });
  return v;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isMs = (v: unknown): v is number | null => v === null || (typeof v === "number" && Number.isInteger(v) && v >= 0);
const isCell = (v: unknown): v is Cell => v === null || ["string", "number", "boolean"].includes(typeof v);

/**
 * The final-label export's JSON Lines (the chunks of `exportLabels(store, "jsonl")`) as rows.
 * @throws BadInputError naming the line and field of a malformed line
 */
export function* labelRowsFromJsonl(chunks: Iterable<string>, what = "label export"): Generator<LabelExportRow> {
  for (const { obj, line } of jsonObjects(chunks, what)) {
    const loc = { file: what, row: line };
    const data = obj.data;
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new BadInputError("must be an object of cells", { ...loc, field: "data" });
    for (const [k, v] of Object.entries(data)) if (!isCell(v)) throw new BadInputError("must be a string, number, boolean or null", { ...loc, field: `data.${k}` });
    const row: LabelExportRow = {
      id: field(obj, "id", isString, "a string", loc),
      data: data as Record<string, Cell>,
      label: field(obj, "label", isStringOrNull, "a string or null", loc),
      annotator: field(obj, "annotator", isString, "a string", loc),
      labeledAt: field(obj, "labeledAt", isString, "an ISO time", loc),
      ...(obj.disputed !== undefined ? { disputed: field(obj, "disputed", isBool, "true or false", loc) } : {}),
      ...(obj.durationMs !== undefined ? { durationMs: field(obj, "durationMs", isMs, "a whole number of ms or null", loc) } : {}),
    };
    yield row;
  }
}

/**
 * The long-format export's JSON Lines (the chunks of `exportHistory(store, "jsonl")`) as rows.
 * @throws BadInputError naming the line and field of a malformed line
 */
export function* historyRowsFromJsonl(chunks: Iterable<string>, what = "history export"): Generator<HistoryExportRow> {
  for (const { obj, line } of jsonObjects(chunks, what)) {
    const loc = { file: what, row: line };
    yield {
      id: field(obj, "id", isString, "a string", loc),
      annotator: field(obj, "annotator", isString, "a string", loc),
      label: field(obj, "label", isStringOrNull, "a string or null", loc),
      kind: field(obj, "kind", isString, "a string", loc),
      at: field(obj, "at", isString, "an ISO time", loc),
      durationMs: field(obj, "durationMs", isMs, "a whole number of ms or null", loc),
      audit: field(obj, "audit", isBool, "true or false", loc),
    };
  }
}

/** Milliseconds since the epoch of an ISO time, checked. */
export function isoMillis(iso: string, loc: { file: string; row?: number; field?: string }): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new BadInputError(`not a valid time: ${JSON.stringify(iso)}`, loc);
  return t;
}

/**
 * Writes `target` through a temporary file in the same folder that is renamed over it only once
 * `write` has finished: a failure (a bad row, a full disk) leaves any earlier file untouched and
 * no partial file. `write` gets the temporary path.
 * @throws BadInputError naming the target when the folder is missing or unwritable; whatever
 *   `write` throws, after removing the temporary file
 */
export async function writeAtomically(target: string, write: (tmp: string) => void | Promise<void>): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    fs.closeSync(fs.openSync(tmp, "wx"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new BadInputError(code === "ENOENT" ? `folder "${dir}" does not exist` : `cannot write there (${code})`, { file: target });
  }
  try {
    await write(tmp);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof BadInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new BadInputError(`cannot write file (${code})`, { file: target });
    throw e;
  }
}

/** Writes text chunks to `target` atomically (see {@link writeAtomically}). */
export async function writeTextAtomically(target: string, chunks: Iterable<string>): Promise<void> {
  await writeAtomically(target, (tmp) => {
    const fd = fs.openSync(tmp, "w");
    try {
      for (const c of chunks) fs.writeSync(fd, c);
    } finally {
      fs.closeSync(fd);
    }
  });
}
