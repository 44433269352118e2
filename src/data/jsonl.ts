/**
 * A streaming JSON Lines parser: one flat JSON object per non-blank line, values string,
 * number, boolean or null. Columns are the union of keys in first-seen order.
 */
import { BadInputError } from "../errors.js";

/** A scalar cell value as found in a JSONL object (or a CSV field, as a string): the HTTP contract's Cell. */
export type { Cell } from "../contract/fields.js";
import type { Cell } from "../contract/fields.js";

/** Where a JSONL record came from. */
export interface JsonlRecordInfo {
  /** 1-based physical line of the record. */
  readonly line: number;
  /** 1-based record number (blank lines not counted). */
  readonly row: number;
}

/**
 * Receives each record as cells aligned with `columns` (the union of keys seen so far, which
 * grows as new keys appear; a record may be shorter than the final column list). A key missing
 * from the object gives `undefined` in its slot.
 */
export type JsonlRecordHandler = (
  cells: (Cell | undefined)[],
  info: JsonlRecordInfo,
  columns: readonly string[],
) => void;

export interface JsonlOptions {
  /** File name for error messages. */
  readonly file: string;
}

/**
 * Streaming JSONL parser. Lines may end in LF or CRLF; a BOM at the start is skipped.
 *
 * @example
 * const p = new JsonlParser({ file: "a.jsonl" }, (cells, info, cols) => console.log(cols, cells));
 * p.push('{"a":1}\n{"b":'); p.push('"x"}\n'); p.end();
 */
export class JsonlParser {
  private readonly file: string;
  private readonly onRecord: JsonlRecordHandler;
  private readonly columns: string[] = [];
  private readonly columnIndex = new Map<string, number>();
  private carry = "";
  private lineNo = 1;
  private rowNo = 0;
  private started = false;
  private ended = false;

  constructor(options: JsonlOptions, onRecord: JsonlRecordHandler) {
    this.file = options.file;
    this.onRecord = onRecord;
  }

  /** Column names seen so far, in first-seen order. */
  get header(): readonly string[] {
    return this.columns;
  }

  /** Records emitted so far and the line being read now. */
  get position(): { row: number; line: number } {
    return { row: this.rowNo, line: this.lineNo };
  }

  /** Parses the next piece of text. */
  push(chunk: string): void {
    if (this.ended) throw new Error("JsonlParser.push after end()");
    if (!this.started) {
      if (chunk.length === 0) return;
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let nl = chunk.indexOf("\n");
    if (nl < 0) {
      this.carry += chunk;
      return;
    }
    this.line(this.carry + chunk.slice(0, nl));
    this.carry = "";
    let start = nl + 1;
    while ((nl = chunk.indexOf("\n", start)) >= 0) {
      this.line(chunk.slice(start, nl));
      start = nl + 1;
    }
    this.carry = chunk.slice(start);
  }

  /** Signals the end of input, parsing a last line that has no newline. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.carry !== "") this.line(this.carry);
    this.carry = "";
  }

  private line(text: string): void {
    const lineNo = this.lineNo++;
    if (text.trim() === "") return;
    const loc = { file: this.file, row: lineNo };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new BadInputError(`line ${lineNo} is not valid JSON (${why})`, loc);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const what = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      throw new BadInputError(`line ${lineNo} must be a JSON object, not ${what}`, loc);
    }
    const obj = value as Record<string, unknown>;
    const cells: (Cell | undefined)[] = [];
    for (const key of Object.keys(obj)) {
      let v = obj[key];
      // An array of numbers (a series, read by --series) is kept as its JSON text; the cell stays a scalar.
      if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number")) v = JSON.stringify(v);
      if (v !== null && typeof v === "object") {
        const what = Array.isArray(v) ? "an array" : "an object";
        throw new BadInputError(
          `line ${lineNo}: field "${key}" is ${what}; only strings, numbers, booleans, null and arrays of numbers (series) are allowed`,
          { ...loc, field: key },
        );
      }
      let j = this.columnIndex.get(key);
      if (j === undefined) {
        j = this.columns.length;
        this.columns.push(key);
        this.columnIndex.set(key, j);
      }
      while (cells.length < j) cells.push(undefined);
      cells[j] = v as Cell;
    }
    this.rowNo++;
    this.onRecord(cells, { line: lineNo, row: this.rowNo }, this.columns);
  }
}
