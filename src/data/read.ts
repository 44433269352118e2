/**
 * Reading table files (CSV or JSON Lines) into raw cells, whole or streamed in chunks, with
 * UTF-8 validation that reports the row and byte offset of the first bad byte.
 */
import { createReadStream, readFileSync } from "node:fs";
import { extname } from "node:path";
import { BadInputError } from "../errors.js";
import { CsvParser } from "./csv.js";
import { JsonlParser, type Cell } from "./jsonl.js";
import { checkHasRows, checkHeader, checkWidth } from "./checks.js";
import { detectWideEncoding, findInvalidUtf8, hexByte, incompleteUtf8Tail, wideEncodingMessage } from "./utf8.js";

export type TableFormat = "csv" | "jsonl";

export interface ReadOptions {
  /** Default: from the extension (.csv .tsv .txt → csv; .jsonl .ndjson → jsonl). */
  readonly format?: TableFormat;
  /** CSV delimiter: `,` `;` or tab; default: tab for .tsv, else sniffed from the header. */
  readonly delimiter?: string;
}

/** A table as read from a file: a header and rows of raw cells. */
export interface RawTable {
  /** The path as given by the caller. */
  readonly file: string;
  /** Set by {@link readTable}; optional so other sources can build tables too. */
  readonly format?: TableFormat;
  readonly header: string[];
  /** One array per data row. CSV cells are strings; JSONL rows are padded with null. */
  readonly cells: Cell[][];
  /** CSV: 1-based data row number (header = 0); JSONL: 1-based line. */
  readonly rowNumbers: number[];
}

/** Where a streamed record came from. */
export interface StreamRecordInfo {
  /** Same numbering as {@link RawTable.rowNumbers}. */
  readonly row: number;
  /** 1-based line where the record starts. */
  readonly line: number;
}

/**
 * Receives each data record. `header` is the column list so far: fixed for CSV, growing for
 * JSONL as new keys appear (a JSONL record may be shorter than the final header; pad with null).
 */
export type StreamRecordHandler = (cells: Cell[], info: StreamRecordInfo, header: readonly string[]) => void;

/** What {@link streamTable} found. */
export interface StreamSummary {
  readonly file: string;
  readonly format: TableFormat;
  readonly header: string[];
  readonly rows: number;
}

interface RecordSource {
  push(text: string): void;
  end(): void;
  readonly position: { row: number; line: number };
  readonly header: readonly string[];
}

/** Resolves format and delimiter from the options and the file extension. */
function resolveOptions(file: string, options: ReadOptions): { format: TableFormat; delimiter?: string } {
  const ext = extname(file).toLowerCase();
  let format = options.format;
  if (format === undefined) {
    if (ext === ".csv" || ext === ".tsv" || ext === ".txt") format = "csv";
    else if (ext === ".jsonl" || ext === ".ndjson") format = "jsonl";
    else {
      throw new BadInputError(
        `cannot tell the format from the extension "${ext}": use .csv, .tsv, .txt, .jsonl or .ndjson, or give the format`,
        { file },
      );
    }
  }
  const delimiter = options.delimiter ?? (ext === ".tsv" && format === "csv" ? "\t" : undefined);
  return delimiter === undefined ? { format } : { format, delimiter };
}

/** Creates the parser for a format; `sink` receives data records (never the CSV header). */
function makeSource(
  file: string,
  format: TableFormat,
  delimiter: string | undefined,
  sink: StreamRecordHandler,
): RecordSource {
  if (format === "jsonl") {
    const p = new JsonlParser({ file }, (cells, info, columns) => {
      for (let j = 0; j < cells.length; j++) if (cells[j] === undefined) cells[j] = null;
      sink(cells as Cell[], { row: info.line, line: info.line }, columns);
    });
    return p;
  }
  let header: string[] = [];
  const p = new CsvParser(delimiter === undefined ? { file } : { file, delimiter }, (fields, info) => {
    if (info.row === 0) header = fields;
    else sink(fields, { row: info.row, line: info.line }, header);
  });
  return {
    push: (t) => p.push(t),
    end: () => p.end(),
    get position() {
      return p.position;
    },
    get header() {
      return header;
    },
  };
}

/** The error for a bad byte at `offset`; `prefix` is the (valid) text before it. */
function utf8Error(file: string, format: TableFormat, delimiter: string | undefined, prefix: string, offset: number, byte: number): BadInputError {
  const src = makeSource(file, format, delimiter, () => undefined);
  try {
    src.push(prefix);
  } catch {
    // A syntax error before the bad byte: the position reached so far still locates it roughly.
  }
  return badByte(file, format, src, offset, byte);
}

/** @throws BadInputError naming the encoding when the file is UTF-16 or UTF-32 */
function checkNotWide(file: string, head: Uint8Array): void {
  const wide = detectWideEncoding(head);
  if (wide !== undefined) throw new BadInputError(wideEncodingMessage(wide), { file });
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInputError(code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(e)})`, { file });
  }
}

/**
 * Reads a whole CSV or JSONL file into memory.
 *
 * @param path - the file; named as given in every error
 * @throws BadInputError for unreadable files, UTF-16/UTF-32 files (naming the encoding), invalid
 *   UTF-8 (naming row, line and byte offset) and CSV/JSONL syntax errors
 * @example
 * const t = readTable("data/digits.csv"); t.header.length; // 65
 */
export function readTable(path: string, options: ReadOptions = {}): RawTable {
  const { format, delimiter } = resolveOptions(path, options);
  const bytes = readBytes(path);
  checkNotWide(path, bytes);
  const bad = findInvalidUtf8(bytes);
  if (bad >= 0) throw utf8Error(path, format, delimiter, bytes.toString("utf8", 0, bad), bad, bytes[bad]);
  const cells: Cell[][] = [];
  const rowNumbers: number[] = [];
  const src = makeSource(path, format, delimiter, (rec, info) => {
    cells.push(rec);
    rowNumbers.push(info.row);
  });
  src.push(bytes.toString("utf8"));
  src.end();
  const header = [...src.header];
  if (format === "jsonl") for (const row of cells) while (row.length < header.length) row.push(null);
  return { file: path, format, header, cells, rowNumbers };
}

/**
 * Streams a CSV or JSONL file in chunks, so a large file is never held in memory whole.
 * UTF-8 is validated per chunk (sequences split across chunks are handled). For CSV the header
 * is checked (no empty or duplicate names) and every record must have as many fields as it.
 *
 * @param onRecord - called for each data record, in order
 * @returns the final header and the number of data records
 * @throws BadInputError as {@link readTable}, plus header and ragged-row errors for CSV
 */
export async function streamTable(
  path: string,
  options: ReadOptions & { readonly chunkSize?: number },
  onRecord: StreamRecordHandler,
): Promise<StreamSummary> {
  const { format, delimiter } = resolveOptions(path, options);
  let rows = 0;
  let headerChecked = false;
  const src = makeSource(path, format, delimiter, (rec, info, header) => {
    if (format === "csv") {
      if (!headerChecked) {
        checkHeader(path, header);
        headerChecked = true;
      }
      checkWidth(path, header, rec.length, info.row);
    }
    rows++;
    onRecord(rec, info, header);
  });
  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 16 });
  let carry: Buffer | null = null;
  let consumed = 0; // bytes before the start of `carry` / the current chunk
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (consumed === 0 && carry === null) checkNotWide(path, chunk);
      const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
      const end = buf.length - incompleteUtf8Tail(buf);
      const bad = findInvalidUtf8(buf, 0, end);
      if (bad >= 0) {
        src.push(buf.toString("utf8", 0, bad));
        throw badByte(path, format, src, consumed + bad, buf[bad]);
      }
      src.push(buf.toString("utf8", 0, end));
      consumed += end;
      carry = end < buf.length ? buf.subarray(end) : null;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new BadInputError("file not found", { file: path });
    throw e;
  }
  if (carry !== null) throw badByte(path, format, src, consumed, carry[0]);
  src.end();
  const header = [...src.header];
  if (!headerChecked) checkHeader(path, header);
  if (rows === 0) checkHasRows(path, 0);
  return { file: path, format, header, rows };
}

function badByte(file: string, format: TableFormat, src: RecordSource, offset: number, byte: number): BadInputError {
  const pos = src.position;
  const row = format === "jsonl" ? pos.line : pos.row;
  return new BadInputError(`invalid UTF-8 byte ${hexByte(byte)} at byte offset ${offset} (line ${pos.line})`, { file, row });
}
