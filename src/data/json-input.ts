/**
 * Shared input handling of the JSON-based task formats (Label Studio, Prodigy): reading a file as
 * checked UTF-8 text, splitting JSON Lines with their line numbers, and the checks every value
 * from outside gets before it becomes a cell. A task format is read whole (a JSON array cannot be
 * cut into records without parsing it), so these readers are meant for files up to a few hundred MB.
 */
import { readFileSync } from "node:fs";
import { BadInputError, type InputLocation } from "../errors.js";
import type { Cell } from "./jsonl.js";
import { detectWideEncoding, findInvalidUtf8, hexByte, wideEncodingMessage } from "./utf8.js";

/** "null", "an array", "an object", or "a <typeof>", for messages. */
export function kindOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * A file's text: not UTF-16/32, valid UTF-8 (the first bad byte named with its line), BOM removed.
 * @throws BadInputError naming the file (and line of a bad byte)
 */
export function readUtf8(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInputError(code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(e)})`, { file });
  }
  const wide = detectWideEncoding(bytes);
  if (wide !== undefined) throw new BadInputError(wideEncodingMessage(wide), { file });
  const bad = findInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    throw new BadInputError(`invalid UTF-8 byte ${hexByte(bytes[bad])} at byte offset ${bad} (line ${line})`, { file, row: line });
  }
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Each non-blank line of JSON Lines text parsed, with its 1-based line number. */
export function* jsonLines(text: string, file: string): Generator<{ value: unknown; line: number }> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    if (t.trim() === "") continue;
    try {
      yield { value: JSON.parse(t) as unknown, line: i + 1 };
    } catch (e) {
      throw new BadInputError(`line ${i + 1} is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { file, row: i + 1 });
    }
  }
}

/** Whether `v` is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A JSON value as a cell: strings, finite numbers, booleans and null pass; nested values are
 * refused naming the field.
 * @throws BadInputError at `loc` with `field`
 */
export function cellOf(v: unknown, loc: InputLocation, field: string): Cell {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return v;
  throw new BadInputError(`is ${kindOf(v)}; only strings, numbers, booleans and null can be item fields`, { ...loc, field });
}

/** `name`, or `_name` (`__name`...) when `taken` already has it. */
export function freeName(name: string, taken: { has(n: string): boolean }): string {
  let n = name;
  while (taken.has(n)) n = `_${n}`;
  return n;
}

/**
 * A table read from a task format: the raw table (header, cells, row numbers: the task number in
 * a JSON array, the line in JSON Lines) plus the columns the format itself names: the label column
 * (the imported labels, null = unlabeled) and the id column (null when the tasks carry no id), and
 * notes on what was ignored (to show the user).
 */
export interface ImportedTable {
  readonly file: string;
  readonly header: string[];
  readonly cells: Cell[][];
  readonly rowNumbers: number[];
  readonly labelColumn: string;
  readonly idColumn: string | null;
  readonly notes: string[];
}

/** Builds the header and cells of an {@link ImportedTable} from rows of named cells. */
export function tableOf(file: string, rows: readonly { readonly row: number; readonly id: string | null; readonly data: ReadonlyMap<string, Cell>; readonly label: string | null }[], names: { readonly label: string; readonly id: string }, notes: string[]): ImportedTable {
  const dataKeys = new Set<string>();
  for (const r of rows) for (const k of r.data.keys()) dataKeys.add(k);
  const withId = rows.length > 0 && rows.every((r) => r.id !== null);
  const idColumn = withId ? freeName(names.id, dataKeys) : null;
  const labelColumn = freeName(names.label, new Set([...dataKeys, ...(idColumn === null ? [] : [idColumn])]));
  const keys = [...dataKeys];
  const header = [...(idColumn === null ? [] : [idColumn]), ...keys, labelColumn];
  const cells = rows.map((r) => [...(idColumn === null ? [] : [r.id]), ...keys.map((k) => r.data.get(k) ?? null), r.label]);
  return { file, header, cells, rowNumbers: rows.map((r) => r.row), labelColumn, idColumn, notes };
}
