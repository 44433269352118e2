/**
 * One entry point over every input format, for `init` (streaming) and `simulate` (whole table):
 * CSV and JSONL go to read.ts as before; Parquet is streamed a row group at a time; the task
 * formats (Label Studio, Prodigy) are read whole and say which of their columns holds the labels
 * and the ids, so the caller can use them as if `--label` / `--id` had named them.
 *
 * Format from the extension: .csv .tsv .txt → csv, .jsonl .ndjson → jsonl, .parquet → parquet,
 * .json → labelstudio; Prodigy files (and Label Studio JSON Lines) are .jsonl, so they need the
 * format given.
 */
import { extname } from "node:path";
import { BadInputError } from "../errors.js";
import { readLabelStudio } from "./labelstudio.js";
import type { ImportedTable } from "./json-input.js";
import { readParquetTable, streamParquet } from "./parquet.js";
import { readProdigy } from "./prodigy.js";
import { readTable, streamTable, type RawTable, type StreamRecordHandler, type TableFormat } from "./read.js";

export type InputFormat = TableFormat | "parquet" | "labelstudio" | "prodigy";
export const INPUT_FORMATS: readonly InputFormat[] = ["csv", "jsonl", "parquet", "labelstudio", "prodigy"];

export interface AnyReadOptions {
  readonly format?: InputFormat;
  /** CSV delimiter (csv only). */
  readonly delimiter?: string;
  /** Label Studio: the choices control that holds the label. */
  readonly fromName?: string;
  /** Prodigy: the project's labels (with two, a rejected label means the other). */
  readonly labels?: readonly string[];
}

/** What a read found besides the rows. */
export interface AnySummary {
  readonly file: string;
  readonly format: InputFormat;
  readonly header: string[];
  readonly rows: number;
  /** The column holding labels the format itself carries (task formats), else null. */
  readonly labelColumn: string | null;
  /** The column holding the format's own ids (task formats with ids), else null. */
  readonly idColumn: string | null;
  /** What was ignored or interpreted, to show the user. */
  readonly notes: readonly string[];
}

/** The format of `file`: the given one, else from the extension. */
export function inputFormatOf(file: string, format?: InputFormat): InputFormat {
  if (format !== undefined) {
    if (!INPUT_FORMATS.includes(format)) throw new BadInputError(`unknown format "${String(format)}"; use one of ${INPUT_FORMATS.join(", ")}`, { file, option: "format" });
    return format;
  }
  const ext = extname(file).toLowerCase();
  if (ext === ".csv" || ext === ".tsv" || ext === ".txt") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".parquet" || ext === ".pq") return "parquet";
  if (ext === ".json") return "labelstudio";
  throw new BadInputError(`cannot tell the format from the extension "${ext}": use .csv, .tsv, .txt, .jsonl, .ndjson, .parquet or .json (Label Studio), or give the format (${INPUT_FORMATS.join(", ")})`, { file });
}

function readTask(file: string, format: "labelstudio" | "prodigy", o: AnyReadOptions): ImportedTable {
  return format === "prodigy" ? readProdigy(file, o.labels !== undefined ? { labels: o.labels } : {}) : readLabelStudio(file, o.fromName !== undefined ? { fromName: o.fromName } : {});
}

/**
 * Streams any input format record by record (the {@link streamTable} contract: `header` grows for
 * JSONL, is fixed otherwise).
 * @throws BadInputError as the format's reader
 */
export async function streamAnyTable(file: string, options: AnyReadOptions, onRecord: StreamRecordHandler): Promise<AnySummary> {
  const format = inputFormatOf(file, options.format);
  if (format === "csv" || format === "jsonl") {
    const s = await streamTable(file, { format, ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}) }, onRecord);
    return { ...s, labelColumn: null, idColumn: null, notes: [] };
  }
  if (format === "parquet") {
    const s = await streamParquet(file, onRecord);
    return { file, format, header: s.header, rows: s.rows, labelColumn: null, idColumn: null, notes: [] };
  }
  const t = readTask(file, format, options);
  for (let r = 0; r < t.cells.length; r++) onRecord(t.cells[r], { row: t.rowNumbers[r], line: t.rowNumbers[r] }, t.header);
  return { file, format, header: t.header, rows: t.cells.length, labelColumn: t.labelColumn, idColumn: t.idColumn, notes: t.notes };
}

/**
 * Reads any input format whole, as a raw table for {@link toDataset}.
 * @throws BadInputError as the format's reader
 */
export async function readAnyTable(file: string, options: AnyReadOptions = {}): Promise<{ table: RawTable; summary: AnySummary }> {
  const format = inputFormatOf(file, options.format);
  let table: RawTable;
  let extra: Pick<AnySummary, "labelColumn" | "idColumn" | "notes"> = { labelColumn: null, idColumn: null, notes: [] };
  if (format === "csv" || format === "jsonl") table = readTable(file, { format, ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}) });
  else if (format === "parquet") table = await readParquetTable(file);
  else {
    const t = readTask(file, format, options);
    table = { file, header: t.header, cells: t.cells, rowNumbers: t.rowNumbers };
    extra = { labelColumn: t.labelColumn, idColumn: t.idColumn, notes: t.notes };
  }
  return { table, summary: { file, format, header: table.header, rows: table.cells.length, ...extra } };
}
