/**
 * Turning a raw table into a typed {@link Dataset}: checks, missing values, column kinds,
 * labels and ids.
 */
import { BadInputError, didYouMean } from "../errors.js";
import { checkHasRows, checkHeader, checkWidth } from "./checks.js";
import type { Cell } from "./jsonl.js";
import type { RawTable } from "./read.js";
import type { Column, Dataset, DatasetOptions } from "./types.js";

/** Cell texts (after trimming) that mean "missing"; JSON null is missing too. */
export const MISSING_MARKERS: readonly string[] = ["", "NA", "N/A", "NaN", "null", "NULL", "nan"];
const MISSING = new Set(MISSING_MARKERS);
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Whether a cell is a missing value (null, or a string that trims to one of {@link MISSING_MARKERS}). */
export function isMissing(v: Cell): boolean {
  return v === null || (typeof v === "string" && MISSING.has(v.trim()));
}

/**
 * The finite number a cell holds, else NaN. Strings may have surrounding spaces, a sign, a
 * decimal point and an exponent; "0x10", "1,5", "Infinity" and the like are not numbers.
 */
export function parseNumber(v: Cell): number {
  if (typeof v === "number") return Number.isFinite(v) ? v : NaN;
  if (typeof v !== "string") return NaN;
  const t = v.trim();
  if (!NUMBER_RE.test(t)) return NaN;
  const x = Number(t);
  return Number.isFinite(x) ? x : NaN;
}

/**
 * {@link isMissing} and {@link parseNumber} at once, trimming a string cell once: NaN for a
 * missing cell, the number, or undefined for a cell that is neither (what a streaming import
 * reads every cell with).
 */
export function cellNumber(v: Cell): number | undefined {
  if (typeof v === "string") {
    const fast = scanNumber(v);
    if (fast !== undefined) return fast;
    const t = v.trim();
    if (t.length === 0 || MISSING.has(t)) return NaN;
    if (!NUMBER_RE.test(t)) return undefined;
    const x = Number(t);
    return Number.isFinite(x) ? x : undefined;
  }
  if (v === null) return NaN;
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  return undefined;
}

const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const isAsciiSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * The number of a string in the grammar of {@link parseNumber} (ASCII spaces around it allowed),
 * read digit by digit: up to 15 significant digits and a power of ten up to 22 the result is
 * m × 10^e or m / 10^-e of exact doubles, correctly rounded as `Number` rounds it (Clinger's fast
 * path); longer numbers go to `Number`. Undefined when the string is anything else (a missing
 * marker, text, other spaces): the caller then takes the general way.
 */
function scanNumber(s: string): number | undefined {
  let i = 0;
  let end = s.length;
  while (i < end && isAsciiSpace(s.charCodeAt(i))) i++;
  while (end > i && isAsciiSpace(s.charCodeAt(end - 1))) end--;
  if (i === end) return undefined;
  const from = i;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = s.charCodeAt(++i);
  }
  let m = 0;
  let sig = 0;
  let exp = 0;
  let digits = 0;
  while (i < end && c >= 48 && c <= 57) {
    if (sig > 0 || c !== 48) {
      if (sig < 16) m = m * 10 + (c - 48);
      else exp++;
      sig++;
    }
    digits++;
    c = s.charCodeAt(++i);
  }
  if (i < end && c === 46) {
    c = s.charCodeAt(++i);
    while (i < end && c >= 48 && c <= 57) {
      if (sig > 0 || c !== 48) {
        if (sig < 16) {
          m = m * 10 + (c - 48);
          exp--;
        }
        sig++;
      } else exp--;
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return undefined;
  if (i < end && (c === 101 || c === 69)) {
    c = s.charCodeAt(++i);
    let eNeg = false;
    if (c === 45 || c === 43) {
      eNeg = c === 45;
      c = s.charCodeAt(++i);
    }
    let e = 0;
    let eDigits = 0;
    while (i < end && c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      eDigits++;
      c = s.charCodeAt(++i);
    }
    if (eDigits === 0) return undefined;
    exp += eNeg ? -e : e;
  }
  if (i !== end) return undefined;
  if (sig <= 15 && exp >= -22 && exp <= 22) {
    const x = exp < 0 ? m / POW10[-exp] : m * POW10[exp];
    return negative ? -x : x;
  }
  // The sign is part of the text here.
  const x = Number(s.slice(from, end));
  return Number.isFinite(x) ? x : undefined;
}

/** A non-missing cell as a trimmed string (numbers and booleans in their JSON spelling). */
function cellText(v: Cell): string {
  return typeof v === "string" ? v.trim() : String(v);
}

type ColumnOption = "label" | "text" | "id" | "ignore" | "keep" | "slice" | "gold" | "image" | "series" | "vectors";

/** The error for an option naming a column the file does not have, with a suggestion when one is close. */
export function unknownColumn(file: string, option: ColumnOption, name: string, header: readonly string[]): BadInputError {
  const shown = header.slice(0, 30).map((h) => JSON.stringify(h));
  const more = header.length > 30 ? ` and ${header.length - 30} more` : "";
  return new BadInputError(`no column named "${name}"${didYouMean(name, header)}; available columns: ${shown.join(", ")}${more}`, {
    file,
    option,
  });
}

/**
 * Checks `--ignore` and `--keep` against the header and the other column options: every name is
 * a column, an ignored column is not also the label, text or id column, and a kept column is
 * neither ignored nor one of those.
 * @throws BadInputError naming the file, option and column
 */
export function checkIgnoreKeep(
  file: string,
  header: readonly string[],
  named: { readonly label?: string; readonly text?: string; readonly id?: string },
  ignore: readonly string[],
  keep: readonly string[],
): void {
  const roleOf = (name: string): string | undefined => (["label", "text", "id"] as const).find((o) => named[o] === name);
  for (const [option, names] of [["ignore", ignore], ["keep", keep]] as const) {
    for (const name of names) {
      if (!header.includes(name)) throw unknownColumn(file, option, name, header);
      const other = roleOf(name);
      if (other !== undefined) {
        const message = option === "ignore" ? `column "${name}" is both ignored and the --${other} column` : `column "${name}" is the --${other} column; --keep is for feature columns`;
        throw new BadInputError(message, { file, option, column: name });
      }
      if (option === "keep" && ignore.includes(name)) throw new BadInputError(`column "${name}" is both ignored and kept`, { file, option, column: name });
    }
  }
}

/** Builds a feature column from column `j`. */
function buildColumn(table: RawTable, j: number, isText: boolean): Column {
  const name = table.header[j];
  const n = table.cells.length;
  let missing = 0;
  if (!isText) {
    const values = new Float64Array(n);
    let numeric = true;
    for (let r = 0; r < n && numeric; r++) {
      const v = table.cells[r][j];
      if (isMissing(v)) {
        values[r] = NaN;
        missing++;
        continue;
      }
      const x = parseNumber(v);
      if (Number.isNaN(x)) numeric = false;
      else values[r] = x;
    }
    if (numeric) return { name, kind: "numeric", values, missing };
    missing = 0;
  }
  const values: (string | null)[] = new Array<string | null>(n);
  for (let r = 0; r < n; r++) {
    const v = table.cells[r][j];
    if (isMissing(v)) {
      values[r] = null;
      missing++;
    } else {
      values[r] = isText && typeof v === "string" ? v : cellText(v);
    }
  }
  return { name, kind: isText ? "text" : "categorical", values, missing };
}

/**
 * Types a raw table: checks its shape, resolves the named columns and infers column kinds.
 *
 * Kinds: the `text` column is text; any other column whose non-missing values all parse as
 * finite numbers (quoted CSV numbers included) is numeric (an all-missing column too); the
 * rest are categorical, with values trimmed. Labels are trimmed strings (3 → "3").
 *
 * @throws BadInputError naming file, row, column or option: empty file, no data rows,
 *   empty/duplicate column names, ragged rows, unknown or clashing columns in options, a label
 *   column with no values, missing or duplicate ids
 * @example
 * const ds = toDataset(readTable("data/digits.csv"), { label: "digit" });
 */
export function toDataset(table: RawTable, options: DatasetOptions = {}): Dataset {
  const { file, header, cells, rowNumbers } = table;
  checkHeader(file, header);
  checkHasRows(file, cells.length);
  for (let r = 0; r < cells.length; r++) checkWidth(file, header, cells[r].length, rowNumbers[r]);

  const index = new Map(header.map((h, j) => [h, j]));
  const named = new Map<number, ColumnOption>();
  const resolve = (option: ColumnOption, name: string | undefined): number => {
    if (name === undefined) return -1;
    const j = index.get(name);
    if (j === undefined) throw unknownColumn(file, option, name, header);
    const other = named.get(j);
    if (other !== undefined) {
      throw new BadInputError(`--${option} and --${other} both name column "${name}"`, { file, option, column: name });
    }
    named.set(j, option);
    return j;
  };
  const labelJ = resolve("label", options.label);
  const textJ = resolve("text", options.text);
  const idJ = resolve("id", options.id);
  checkIgnoreKeep(file, header, options, options.ignore ?? [], options.keep ?? []);
  const ignored = new Set((options.ignore ?? []).map((name) => index.get(name) as number));

  const n = cells.length;
  let labels: (string | null)[] | null = null;
  if (labelJ >= 0) {
    labels = cells.map((row) => (isMissing(row[labelJ]) ? null : cellText(row[labelJ])));
    if (labels.every((l) => l === null)) {
      throw new BadInputError(`every value of the label column is missing`, {
        file,
        column: header[labelJ],
        option: "label",
      });
    }
  }

  const ids: string[] = new Array<string>(n);
  if (idJ >= 0) {
    const column = header[idJ];
    const firstRow = new Map<string, number>();
    for (let r = 0; r < n; r++) {
      const v = cells[r][idJ];
      if (isMissing(v)) throw new BadInputError("missing id", { file, row: rowNumbers[r], column });
      const id = cellText(v);
      const prev = firstRow.get(id);
      if (prev !== undefined) {
        throw new BadInputError(`duplicate id "${id}" in rows ${prev} and ${rowNumbers[r]}`, {
          file,
          row: rowNumbers[r],
          column,
        });
      }
      firstRow.set(id, rowNumbers[r]);
      ids[r] = id;
    }
  } else {
    for (let r = 0; r < n; r++) ids[r] = String(rowNumbers[r]);
  }

  const columns: Column[] = [];
  for (let j = 0; j < header.length; j++) {
    if (j === labelJ || j === idJ || ignored.has(j)) continue;
    columns.push(buildColumn(table, j, j === textJ));
  }
  return {
    source: file,
    rows: n,
    ids,
    columns,
    labels,
    labelColumn: labelJ >= 0 ? header[labelJ] : null,
    textColumn: textJ >= 0 ? header[textJ] : null,
    rowNumbers: Int32Array.from(rowNumbers),
  };
}
