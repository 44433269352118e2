/**
 * A streaming RFC 4180 CSV parser: quoted fields, doubled quotes, newlines inside quotes,
 * CRLF / LF / CR line ends, a leading BOM, and `,` `;` or tab delimiters (given or sniffed from
 * the header line). Results do not depend on how the input is split into chunks.
 */
import { BadInputError } from "../errors.js";
import { DelimiterSniffer, delimiterCode } from "./delimiter.js";

export { delimiterCode };

/** Where a parsed record came from. */
export interface CsvRecordInfo {
  /** Record number: the header is record 0, the first data record is 1. */
  readonly row: number;
  /** 1-based physical line on which the record starts. */
  readonly line: number;
  /** For each field, whether it was quoted. */
  readonly quoted: boolean[];
}

/** Receives each record (header included, as row 0). */
export type CsvRecordHandler = (fields: string[], info: CsvRecordInfo) => void;

export interface CsvOptions {
  /** File name for error messages. */
  readonly file: string;
  /** `,` `;` or tab (`"\t"` or `"tab"`); default: sniffed from the header line. */
  readonly delimiter?: string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

// Parser states.
const REC_START = 0; // between records (blank lines are skipped here)
const FIELD_START = 1; // at the first character of a field
const UNQUOTED = 2;
const QUOTED = 3;
const AFTER_QUOTE = 4; // just read a quote inside a quoted field

/**
 * Streaming CSV parser. Feed text with {@link CsvParser.push}, finish with {@link CsvParser.end};
 * records go to the handler as soon as they are complete.
 *
 * @example
 * const p = new CsvParser({ file: "a.csv" }, (fields, info) => console.log(info.row, fields));
 * p.push("x,y\n1,"); p.push("2\n"); p.end();
 */
export class CsvParser {
  private readonly file: string;
  private readonly onRecord: CsvRecordHandler;
  private delim = 0; // 0 until known
  private readonly sniffer = new DelimiterSniffer();
  private started = false;
  private state = REC_START;
  private pending = ""; // text of the current field carried over from earlier chunks
  private fields: string[] = [];
  private quoted: boolean[] = [];
  private header: string[] | null = null;
  private rowNo = 0;
  private lineNo = 1;
  private recordLine = 1;
  private fieldLine = 1;
  private lastWasCR = false;
  private ended = false;

  constructor(options: CsvOptions, onRecord: CsvRecordHandler) {
    this.file = options.file;
    this.onRecord = onRecord;
    if (options.delimiter !== undefined) this.delim = delimiterCode(options.delimiter);
  }

  /** The delimiter in use (`""` until sniffed). */
  get delimiter(): string {
    return this.delim === 0 ? "" : String.fromCharCode(this.delim);
  }

  /** Number of the record being read now (= records emitted so far) and the current line. */
  get position(): { row: number; line: number } {
    return { row: this.rowNo, line: this.lineNo };
  }

  /** Parses the next piece of text. */
  push(chunk: string): void {
    if (this.ended) throw new Error("CsvParser.push after end()");
    if (!this.started) {
      if (chunk.length === 0) return;
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) chunk = chunk.slice(1);
    }
    if (this.delim === 0) {
      this.delim = this.sniffer.feed(chunk);
      if (this.delim === 0) return;
      chunk = this.sniffer.take();
    }
    this.scan(chunk);
  }

  /** Ends the input, emitting the last record. */
  end(): void {
    if (this.ended) return;
    if (this.delim === 0) {
      this.delim = this.sniffer.finish();
      this.scan(this.sniffer.take());
    }
    this.ended = true;
    switch (this.state) {
      case QUOTED:
        throw this.error(`unterminated quoted field starting on line ${this.fieldLine}`);
      case AFTER_QUOTE:
        this.addField(this.pending, true);
        this.emit();
        break;
      case UNQUOTED:
        this.addField(this.pending, false);
        this.emit();
        break;
      case FIELD_START: // input ended right after a delimiter
        this.addField("", false);
        this.emit();
        break;
    }
  }

  private error(message: string): BadInputError {
    const column = this.rowNo > 0 ? this.header?.[this.fields.length] : undefined;
    const loc = { file: this.file, row: this.rowNo };
    return new BadInputError(message, column === undefined ? loc : { ...loc, column });
  }

  private addField(value: string, quoted: boolean): void {
    this.fields.push(value);
    this.quoted.push(quoted);
  }

  private emit(): void {
    const fields = this.fields;
    const info: CsvRecordInfo = { row: this.rowNo, line: this.recordLine, quoted: this.quoted };
    if (this.rowNo === 0) this.header = fields;
    this.fields = [];
    this.quoted = [];
    this.rowNo++;
    this.onRecord(fields, info);
  }

  private scan(s: string): void {
    const n = s.length;
    const delim = this.delim;
    let i = 0;
    let fs = 0; // start of the current field's text within s
    while (i < n) {
      const st = this.state;
      if (st === REC_START) {
        const c = s.charCodeAt(i);
        if (c === LF || c === CR) {
          // A blank line, or the LF of a CRLF that ended the previous record.
          const afterCR = i > 0 ? s.charCodeAt(i - 1) === CR : this.lastWasCR;
          if (!(c === LF && afterCR)) this.lineNo++;
          i++;
          continue;
        }
        this.recordLine = this.lineNo;
        this.state = FIELD_START;
      } else if (st === FIELD_START) {
        this.pending = "";
        if (s.charCodeAt(i) === QUOTE) {
          this.state = QUOTED;
          this.fieldLine = this.lineNo;
          i++;
        } else {
          this.state = UNQUOTED;
        }
        fs = i;
      } else if (st === UNQUOTED) {
        let c = 0;
        while (i < n) {
          c = s.charCodeAt(i);
          if (c === delim || c === LF || c === CR || c === QUOTE) break;
          i++;
        }
        if (i === n) break;
        if (c === QUOTE) {
          throw this.error(`unexpected quote in an unquoted field on line ${this.lineNo}`);
        }
        const text = s.slice(fs, i);
        this.addField(this.pending === "" ? text : this.pending + text, false);
        i++;
        if (c === delim) {
          this.state = FIELD_START;
        } else {
          this.lineNo++;
          this.emit();
          this.state = REC_START;
        }
      } else if (st === QUOTED) {
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c === QUOTE) break;
          if (c === CR) this.lineNo++;
          else if (c === LF && !(i > 0 ? s.charCodeAt(i - 1) === CR : this.lastWasCR)) this.lineNo++;
          i++;
        }
        if (i === n) break;
        this.pending += s.slice(fs, i);
        i++;
        fs = i;
        this.state = AFTER_QUOTE;
      } else {
        // AFTER_QUOTE: a doubled quote, or the end of the field.
        const c = s.charCodeAt(i);
        if (c === QUOTE) {
          this.pending += '"';
          i++;
          fs = i;
          this.state = QUOTED;
        } else if (c === delim) {
          this.addField(this.pending, true);
          i++;
          this.state = FIELD_START;
        } else if (c === LF || c === CR) {
          this.addField(this.pending, true);
          i++;
          this.lineNo++;
          this.emit();
          this.state = REC_START;
        } else {
          throw this.error(`unexpected character ${JSON.stringify(s[i])} after a closing quote on line ${this.lineNo}`);
        }
      }
    }
    if (this.state === UNQUOTED || this.state === QUOTED) this.pending += s.slice(fs, n);
    if (n > 0) this.lastWasCR = s.charCodeAt(n - 1) === CR;
  }
}

/** A whole CSV text, parsed. */
export interface CsvTable {
  readonly header: string[];
  /** Data records (the header excluded). */
  readonly records: string[][];
  /** Record number of each data record (1-based; the header is 0). */
  readonly rowNumbers: number[];
  /** 1-based line on which each data record starts. */
  readonly lines: number[];
}

/**
 * Parses a complete CSV text. An empty text gives an empty header and no records.
 *
 * @throws BadInputError on an unterminated quote or a stray quote, naming file, row and line
 */
export function parseCsvText(text: string, options: CsvOptions): CsvTable {
  let header: string[] = [];
  const records: string[][] = [];
  const rowNumbers: number[] = [];
  const lines: number[] = [];
  const parser = new CsvParser(options, (fields, info) => {
    if (info.row === 0) {
      header = fields;
      return;
    }
    records.push(fields);
    rowNumbers.push(info.row);
    lines.push(info.line);
  });
  parser.push(text);
  parser.end();
  return { header, records, rowNumbers, lines };
}
