/**
 * Parquet in and out, with hyparquet (reading) and hyparquet-writer (writing), both pure JS.
 *
 * Reading: the footer is read first and the schema checked before any data (a nested, list or
 * map column is refused by name: activelearn cells are scalars); then one row group at a time is
 * decoded and handed on as rows of cells, the same shape the CSV and JSONL readers give: strings,
 * finite numbers, booleans and null. INT64 values that fit a double become numbers, larger ones
 * their decimal text; timestamps become ISO 8601 text (DATE columns "YYYY-MM-DD"); NaN and
 * infinities become null (missing); a binary (non-UTF-8) value or a JSON object in a cell is
 * refused naming the row and column. Rows are numbered 1.. in file order; errors name the file,
 * the row group and the row.
 *
 * Writing: typed columns (STRING, DOUBLE, INT32, BOOLEAN, TIMESTAMP in ms) written one row group
 * at a time to a temporary file that is renamed into place when complete.
 */
import fs from "node:fs";
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaElement, type SchemaTree } from "hyparquet";
import { ParquetWriter, schemaFromColumnData, type ColumnSource } from "hyparquet-writer";
import { fileWriter } from "hyparquet-writer";
import { BadInputError } from "../errors.js";
import { checkHeader } from "./checks.js";
import { isMissing, parseNumber } from "./dataset.js";
import { isoMillis, writeAtomically, type HistoryExportRow, type LabelExportRow } from "./export-rows.js";
import type { Cell } from "./jsonl.js";
import type { RawTable, StreamRecordHandler } from "./read.js";

/** What {@link streamParquet} found. */
export interface ParquetSummary {
  readonly file: string;
  readonly format: "parquet";
  readonly header: string[];
  readonly rows: number;
  readonly rowGroups: number;
}

const MAGIC = "PAR1";

function why(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An AsyncBuffer over an open file, reading the slices hyparquet asks for. */
function fileBuffer(fh: fs.promises.FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const length = Math.max(0, stop - start);
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.buffer;
    },
  };
}

/** The names of the top-level columns, refusing nested, repeated and map/list columns by name. */
function flatColumns(file: string, meta: FileMetaData): { names: string[]; elements: SchemaElement[] } {
  let tree: SchemaTree;
  try {
    tree = parquetSchema(meta);
  } catch (e) {
    throw new BadInputError(`the Parquet schema cannot be read (${why(e)})`, { file });
  }
  const names: string[] = [];
  const elements: SchemaElement[] = [];
  for (const child of tree.children) {
    const el = child.element;
    const ct = el.converted_type;
    const lt = el.logical_type?.type;
    let nested: string | null = null;
    if (ct === "LIST" || lt === "LIST") nested = "a list column";
    else if (ct === "MAP" || ct === "MAP_KEY_VALUE" || lt === "MAP") nested = "a map column";
    else if (lt === "VARIANT") nested = "a variant column";
    else if (child.children.length > 0) nested = "a nested (struct) column";
    else if (el.repetition_type === "REPEATED") nested = "a repeated (list) column";
    if (nested !== null) {
      throw new BadInputError(`is ${nested}; only flat columns of strings, numbers, booleans and times can be read (flatten it, e.g. one column per element, before importing)`, { file, column: el.name });
    }
    names.push(el.name);
    elements.push(el);
  }
  return { names, elements };
}

/** A decoded Parquet value as a cell; a string saying why not when it cannot be one. */
function toCell(v: unknown, el: SchemaElement): Cell | { bad: string } {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v : null;
    case "bigint":
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isNaN(t)) return null;
    const iso = v.toISOString();
    return el.converted_type === "DATE" || el.logical_type?.type === "DATE" ? iso.slice(0, 10) : iso;
  }
  if (v instanceof Uint8Array) return { bad: "holds binary data, not UTF-8 text (a BYTE_ARRAY column without a string type)" };
  if (Array.isArray(v)) return { bad: "holds a list" };
  return { bad: "holds an object (a JSON or structured value), not a string, number, boolean or time" };
}

/**
 * Streams a Parquet file one row group at a time; `onRecord` gets each row's cells (aligned with
 * the header, which is fixed and complete from the first call), with `row` and `line` both the
 * 1-based row number.
 *
 * @throws BadInputError naming the file for a missing or non-Parquet file or a corrupt footer;
 *   the column for a nested/list/map column; the row group and row for undecodable data; the row
 *   and column for a binary or object value
 */
export async function streamParquet(path: string, onRecord: StreamRecordHandler): Promise<ParquetSummary> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInputError(code === "ENOENT" ? "file not found" : `cannot read file (${code ?? why(e)})`, { file: path });
  }
  try {
    const size = (await fh.stat()).size;
    const file = fileBuffer(fh, size);
    const dec = new TextDecoder("latin1");
    const head = size >= 4 ? dec.decode(await file.slice(0, 4)) : "";
    const tail = size >= 8 ? dec.decode(await file.slice(size - 4, size)) : "";
    if (head !== MAGIC || tail !== MAGIC) {
      throw new BadInputError(`not a Parquet file (it must start and end with "PAR1"${size < 12 ? `; it has only ${size} bytes` : ""})`, { file: path });
    }
    let meta: FileMetaData;
    try {
      meta = await parquetMetadataAsync(file);
    } catch (e) {
      throw new BadInputError(`corrupt Parquet footer (${why(e)})`, { file: path });
    }
    const { names, elements } = flatColumns(path, meta);
    checkHeader(path, names);
    const groups = meta.row_groups.length;
    let start = 0;
    for (let g = 0; g < groups; g++) {
      const count = Number(meta.row_groups[g].num_rows);
      const end = start + count;
      const where = `row group ${g + 1} of ${groups} (rows ${start + 1}-${end})`;
      let rows: unknown[][] = [];
      try {
        await parquetRead({ file, metadata: meta, columns: names, rowStart: start, rowEnd: end, rowFormat: "array", onComplete: (r) => (rows = r) });
      } catch (e) {
        throw new BadInputError(`${where} cannot be decoded (${why(e)})`, { file: path, row: start + 1 });
      }
      if (rows.length !== count) throw new BadInputError(`${where} decoded to ${rows.length} rows, but its header says ${count}`, { file: path, row: start + 1 });
      for (let i = 0; i < rows.length; i++) {
        const row = start + i + 1;
        const raw = rows[i];
        const cells: Cell[] = new Array<Cell>(names.length);
        for (let j = 0; j < names.length; j++) {
          const c = toCell(raw[j], elements[j]);
          if (c !== null && typeof c === "object") throw new BadInputError(`${c.bad} (${where})`, { file: path, row, column: names[j] });
          cells[j] = c;
        }
        onRecord(cells, { row, line: row }, names);
      }
      start = end;
    }
    return { file: path, format: "parquet", header: names, rows: start, rowGroups: groups };
  } finally {
    await fh.close();
  }
}

/**
 * Reads a whole Parquet file into a raw table (the shape {@link toDataset} types).
 * @throws BadInputError as {@link streamParquet}
 * @example
 * const ds = toDataset(await readParquetTable("items.parquet"), { label: "label" });
 */
export async function readParquetTable(path: string): Promise<RawTable> {
  const cells: Cell[][] = [];
  const rowNumbers: number[] = [];
  const s = await streamParquet(path, (rec, info) => {
    cells.push(rec);
    rowNumbers.push(info.row);
  });
  return { file: path, header: s.header, cells, rowNumbers };
}

/** A column type of the writer. TIMESTAMP takes ISO 8601 text or ms since the epoch. */
export type ParquetColumnType = "STRING" | "DOUBLE" | "INT32" | "BOOLEAN" | "TIMESTAMP";

export interface ParquetColumnSpec {
  readonly name: string;
  readonly type: ParquetColumnType;
}

export interface ParquetWriteOptions {
  /** Rows per row group (default 10,000). */
  readonly rowGroupSize?: number;
}

type Value = string | number | boolean | Date | null;

/** A cell as a value of column type `type`; throws a located error when it is not one. */
function convert(v: Cell | undefined, type: ParquetColumnType, loc: { file: string; row: number; column: string }): Value {
  if (v === undefined || v === null) return null;
  const bad = (want: string): BadInputError => new BadInputError(`${JSON.stringify(v)} is not ${want}`, loc);
  switch (type) {
    case "STRING":
      return typeof v === "string" ? v : String(v);
    case "DOUBLE": {
      if (isMissing(v)) return null;
      const x = parseNumber(v);
      if (Number.isNaN(x)) throw bad("a number");
      return x;
    }
    case "INT32": {
      if (isMissing(v)) return null;
      const x = parseNumber(v);
      if (!Number.isInteger(x) || x < -2147483648 || x > 2147483647) throw bad("a 32-bit whole number");
      return x;
    }
    case "BOOLEAN":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      throw bad("true or false");
    case "TIMESTAMP":
      return new Date(typeof v === "number" ? v : isoMillis(String(v), loc));
  }
}

/**
 * Writes rows of cells as a Parquet file with the given typed columns (all nullable), a row group
 * of {@link ParquetWriteOptions.rowGroupSize} rows at a time, through a temporary file renamed
 * into place at the end (nothing is left behind on failure).
 *
 * @throws BadInputError naming the output file, row (1-based, in the order given) and column of
 *   a value that does not fit its column, or a row of the wrong width; the file when it cannot be written
 */
export async function writeParquet(target: string, columns: readonly ParquetColumnSpec[], rows: Iterable<readonly (Cell | undefined)[]>, options: ParquetWriteOptions = {}): Promise<number> {
  checkHeader(target, columns.map((c) => c.name));
  const groupSize = Math.max(1, Math.floor(options.rowGroupSize ?? 10_000));
  let written = 0;
  await writeAtomically(target, async (tmp) => {
    const schema = schemaFromColumnData({ columnData: columns.map((c): ColumnSource => ({ name: c.name, data: [], type: c.type, nullable: true })) });
    const writer = new ParquetWriter({ writer: fileWriter(tmp), schema, createdBy: "activelearn" });
    let batch: Value[][] = columns.map(() => []);
    let inBatch = 0;
    const flush = async (): Promise<void> => {
      if (inBatch === 0) return;
      await writer.write({ columnData: columns.map((c, j): ColumnSource => ({ name: c.name, data: batch[j], type: c.type, nullable: true })), rowGroupSize: inBatch });
      batch = columns.map(() => []);
      inBatch = 0;
    };
    for (const r of rows) {
      const row = written + 1;
      if (r.length !== columns.length) throw new BadInputError(`row has ${r.length} values for ${columns.length} columns`, { file: target, row });
      for (let j = 0; j < columns.length; j++) batch[j].push(convert(r[j], columns[j].type, { file: target, row, column: columns[j].name }));
      written++;
      if (++inBatch >= groupSize) await flush();
    }
    await flush();
    await writer.finish();
  });
  return written;
}

/** A feature field of the project, as in the store's meta. */
export interface ExportField {
  readonly name: string;
  readonly kind: "numeric" | "categorical" | "text";
}

/** `name`, or `_name` when a field already has that name (as the CSV export does). */
function uniqueName(name: string, taken: readonly string[]): string {
  let n = name;
  while (taken.includes(n)) n = `_${n}`;
  return n;
}

/**
 * Writes the final-label export as Parquet: `id` (the project's id column name if given), one
 * column per field (numeric → DOUBLE, else STRING), `label`, `annotator`, `labeled_at`
 * (TIMESTAMP) and, with overlap, `disputed` (BOOLEAN); names a field already takes get a `_`
 * prefix, like the CSV export. The fields come from `fields` (the project's meta).
 * @returns the number of rows written
 */
export async function writeParquetLabels(
  target: string,
  rows: Iterable<LabelExportRow>,
  options: ParquetWriteOptions & { readonly fields: readonly ExportField[]; readonly idName?: string; readonly consensus?: boolean },
): Promise<number> {
  const names = options.fields.map((f) => f.name);
  const taken = [options.idName ?? "id", ...names];
  const columns: ParquetColumnSpec[] = [
    { name: options.idName ?? "id", type: "STRING" },
    ...options.fields.map((f): ParquetColumnSpec => ({ name: f.name, type: f.kind === "numeric" ? "DOUBLE" : "STRING" })),
    { name: uniqueName("label", taken), type: "STRING" },
    { name: uniqueName("annotator", taken), type: "STRING" },
    { name: uniqueName("labeled_at", taken), type: "TIMESTAMP" },
    ...(options.consensus === true ? [{ name: uniqueName("disputed", taken), type: "BOOLEAN" as const }] : []),
  ];
  function* cells(): Generator<(Cell | undefined)[]> {
    for (const r of rows) {
      yield [r.id, ...names.map((n) => r.data[n] ?? null), r.label, r.annotator, r.labeledAt, ...(options.consensus === true ? [r.disputed ?? false] : [])];
    }
  }
  return writeParquet(target, columns, cells(), options);
}

/** The columns of {@link writeParquetHistory} after the id (the CSV long format's, typed). */
export const HISTORY_PARQUET_COLUMNS: readonly ParquetColumnSpec[] = [
  { name: "annotator", type: "STRING" },
  { name: "label", type: "STRING" },
  { name: "kind", type: "STRING" },
  { name: "at", type: "TIMESTAMP" },
  { name: "duration_ms", type: "INT32" },
  { name: "audit", type: "BOOLEAN" },
];

/**
 * Writes the long-format (all annotations) export as Parquet: id, annotator, label, kind, at
 * (TIMESTAMP), duration_ms (INT32, null when not measured), audit (BOOLEAN).
 * @returns the number of rows written
 */
export async function writeParquetHistory(target: string, rows: Iterable<HistoryExportRow>, options: ParquetWriteOptions & { readonly idName?: string } = {}): Promise<number> {
  const idName = options.idName ?? "id";
  const columns = [{ name: idName, type: "STRING" as const }, ...HISTORY_PARQUET_COLUMNS.map((c) => ({ ...c, name: uniqueName(c.name, [idName]) }))];
  function* cells(): Generator<Cell[]> {
    for (const r of rows) yield [r.id, r.annotator, r.label, r.kind, r.at, r.durationMs, r.audit];
  }
  return writeParquet(target, columns, cells(), options);
}
