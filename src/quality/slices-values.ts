/**
 * A slice column's cells as slice values: each distinct text is a slice; a missing cell is the
 * slice "(missing)". A numeric column (every non-missing cell a number) with more than
 * {@link MAX_NUMERIC_LEVELS} distinct values is cut into quartiles of its values ("≤ 31",
 * "31 < x ≤ 38", …; fewer buckets when quartiles coincide). Any other column with more than
 * {@link MAX_SLICE_VALUES} distinct values is refused: a slice per value would be too small to
 * say anything, and such a column is usually an id or free text.
 *
 * @example
 * sliceValues("Department", ["Sales", "R&D", null]).values; // ["Sales", "R&D", "(missing)"]
 * sliceValues("Age", ages).kind; // "quartiles"
 */
import { isMissing, parseNumber, unknownColumn } from "../data/dataset.js";
import { BadInputError } from "../errors.js";
import type { Cell } from "../data/jsonl.js";

/** Most distinct values a non-numeric slice column may have. */
export const MAX_SLICE_VALUES = 50;
/** Numeric columns with more distinct values than this are cut into quartiles. */
export const MAX_NUMERIC_LEVELS = 10;
/** The slice of a missing cell. */
export const MISSING_SLICE = "(missing)";

export interface SliceValues {
  /** One slice value per cell. */
  readonly values: string[];
  /** "values": one slice per distinct value; "quartiles": a numeric column cut at its quartiles. */
  readonly kind: "values" | "quartiles";
  /** With quartiles: the buckets from low to high (then "(missing)"), the order tables show them in. */
  readonly order?: readonly string[];
}

/** Thrown (as a plain Error, for the caller to locate) when a column has too many distinct values. */
export class TooManySliceValues extends Error {
  constructor(
    readonly column: string,
    readonly distinct: number,
  ) {
    super(`column "${column}" has ${distinct} distinct values; a slice column may have at most ${MAX_SLICE_VALUES} (numeric columns are cut into quartiles instead)`);
    this.name = "TooManySliceValues";
  }
}

function cellText(v: Cell): string {
  return typeof v === "string" ? v.trim() : String(v);
}

/** A number in at most 4 significant digits, without trailing zeros. */
function short(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** The q-quantile of sorted values (linear interpolation, as NumPy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The slice value of every cell of one column.
 * @throws TooManySliceValues for a non-numeric column with more than MAX_SLICE_VALUES distinct values
 */
export function sliceValues(column: string, cells: readonly Cell[]): SliceValues {
  const texts = cells.map((c) => (isMissing(c) ? null : cellText(c)));
  const distinct = new Set(texts.filter((t): t is string => t !== null));
  const numbers = cells.map((c) => (isMissing(c) ? NaN : parseNumber(c)));
  const numeric = distinct.size > 0 && texts.every((t, i) => t === null || !Number.isNaN(numbers[i]));
  if (numeric && new Set(numbers.filter((x) => !Number.isNaN(x))).size > MAX_NUMERIC_LEVELS) {
    const sorted = Float64Array.from(numbers.filter((x) => !Number.isNaN(x))).sort();
    const edges = [...new Set([0.25, 0.5, 0.75].map((q) => quantile(sorted, q)))];
    const labels = [`≤ ${short(edges[0])}`, ...edges.slice(1).map((e, i) => `${short(edges[i])} < x ≤ ${short(e)}`), `> ${short(edges[edges.length - 1])}`];
    const values = numbers.map((x) => {
      if (Number.isNaN(x)) return MISSING_SLICE;
      let b = 0;
      while (b < edges.length && x > edges[b]) b++;
      return labels[b];
    });
    return { values, kind: "quartiles", order: [...labels, MISSING_SLICE] };
  }
  if (distinct.size > MAX_SLICE_VALUES) throw new TooManySliceValues(column, distinct.size);
  return { values: texts.map((t) => t ?? MISSING_SLICE), kind: "values" };
}

/** A slice column with the slice value of every row. */
export interface SliceColumnValues extends SliceValues {
  readonly column: string;
}

/**
 * The `--slice` columns of a table: each must be in `header` (else the error names the file, the
 * option and the column, with the available ones) and have few enough distinct values.
 * @param cells the cells of one column, row by row
 * @throws BadInputError naming the file, option --slice and the column
 */
export function sliceColumnsOf(file: string, names: readonly string[], header: readonly string[], cells: (column: string) => readonly Cell[]): SliceColumnValues[] {
  const out: SliceColumnValues[] = [];
  for (const name of [...new Set(names)]) {
    if (!header.includes(name)) throw unknownColumn(file, "slice", name, header);
    try {
      out.push({ column: name, ...sliceValues(name, cells(name)) });
    } catch (e) {
      if (!(e instanceof TooManySliceValues)) throw e;
      throw new BadInputError(`${e.distinct} distinct values; a slice column may have at most ${MAX_SLICE_VALUES} (an id or free-text column cannot be a slice; numeric columns are cut into quartiles)`, { file, option: "slice", column: name });
    }
  }
  return out;
}
