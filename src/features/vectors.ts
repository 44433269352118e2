/**
 * Vector cells: an embedding stored in one column of the table, one vector per row.
 *
 * Design: a cell is either a JSON array of numbers (a JSONL field) or text (a CSV cell, or a
 * JSONL string) of numbers separated by ";" or by white space, optionally inside [ ] with ","
 * between (how pandas and NumPy print arrays). The separator is chosen per cell (";" if the
 * cell has one, else "," if it has one, else white space), so an empty element ("1;;2") is seen
 * and named rather than silently skipped. Numbers are parsed strictly (decimal or exponent
 * notation); NaN and Infinity are refused, since an embedding coordinate is never missing. The
 * first row fixes the length; every error names the file, the row (the table's own numbering),
 * the column and the element (index and column name `COL[k]`). `hstack` puts such a matrix
 * beside another (the table's own features) after checking the rows line up.
 *
 * @example
 * const { X, names } = parseVectorCells(cells, { column: "emb", file: "data.jsonl", rowNumbers });
 * const all = hstack([tableX, X]); // rows aligned, columns side by side
 */
import { BadInputError, ShapeMismatchError } from "../errors.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";

export interface VectorCellOptions {
  /** The column holding the vectors; also the prefix of the names `column[k]`. */
  readonly column: string;
  /** The file, for messages. */
  readonly file: string;
  /** The table's number of each row (CSV data row, JSONL line); default 1 .. n. */
  readonly rowNumbers?: ArrayLike<number>;
  /** Required length; default: the length of the first row. */
  readonly length?: number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** `COL[0]`, `COL[1]`, .. for a vector column of length `d`. */
export function vectorColumnNames(column: string, d: number): string[] {
  return Array.from({ length: d }, (_, k) => `${column}[${k}]`);
}

function elementsOf(cell: unknown, fail: (msg: string) => never): unknown[] {
  if (Array.isArray(cell)) return cell as unknown[];
  if (typeof cell === "number") return [cell];
  if (typeof cell !== "string") return fail(cell === null || cell === undefined ? "no vector (the cell is empty)" : `a ${typeof cell} is not a vector`);
  let s = cell.trim();
  if (s.startsWith("[") !== s.endsWith("]")) return fail(`unbalanced brackets in ${JSON.stringify(cell)}`);
  if (s.startsWith("[")) s = s.slice(1, -1).trim();
  if (s === "") return fail("no vector (the cell is empty)");
  const sep = s.includes(";") ? ";" : s.includes(",") ? "," : /\s+/;
  return s.split(sep).map((t) => t.trim());
}

function describe(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "number" || typeof v === "boolean" ? String(v) : `a ${typeof v}`;
}

/**
 * Parses one vector per row.
 * @throws BadInputError (file, row, column) for an empty cell, a non-number, NaN or Infinity (naming
 *   the element) or a row whose length differs from the first (naming both lengths)
 */
export function parseVectorCells(cells: readonly unknown[], options: VectorCellOptions): { X: DenseMatrix; names: string[] } {
  const n = cells.length;
  const { column, file } = options;
  let d = options.length ?? -1;
  let data = new Float64Array(0);
  for (let i = 0; i < n; i++) {
    const row = options.rowNumbers === undefined ? i + 1 : options.rowNumbers[i];
    const loc = { file, row, column };
    const fail = (msg: string): never => {
      throw new BadInputError(msg, loc);
    };
    const els = elementsOf(cells[i], fail);
    if (d < 0) d = els.length;
    if (els.length === 0) fail("the vector is empty");
    if (els.length !== d) {
      fail(`the vector has ${els.length} elements, expected ${d}${options.length === undefined ? " (the length of the first row)" : ""}`);
    }
    if (data.length === 0) data = new Float64Array(n * d);
    for (let k = 0; k < d; k++) {
      const e = els[k];
      let v: number;
      if (typeof e === "number") v = e;
      else if (typeof e === "string" && NUMBER.test(e)) v = Number(e);
      else if (typeof e === "string" && NON_FINITE.test(e)) v = NaN;
      else {
        const what = e === "" ? "is empty" : `(${describe(e)}) is not a number`;
        return fail(`element ${k} (${column}[${k}]) ${what}`);
      }
      if (!Number.isFinite(v)) fail(`element ${k} (${column}[${k}]) is ${describe(e)}; vectors must hold finite numbers`);
      data[i * d + k] = v;
    }
  }
  if (d < 0) d = 0;
  return { X: dense(n, d, n === 0 ? new Float64Array(0) : data), names: vectorColumnNames(column, d) };
}

/**
 * Matrices side by side: row i of the result is row i of each part, in order.
 * @throws ShapeMismatchError when the parts have different numbers of rows (naming each count)
 */
export function hstack(parts: readonly DenseMatrix[]): DenseMatrix {
  if (parts.length === 0) return dense(0, 0);
  const n = parts[0].rows;
  const bad = parts.findIndex((p) => p.rows !== n);
  if (bad >= 0) throw new ShapeMismatchError(`cannot put matrices side by side: their rows differ (${parts.map((p) => p.rows).join(" vs ")}); part ${bad + 1} has ${parts[bad].rows}, part 1 has ${n}`);
  const d = parts.reduce((s, p) => s + p.cols, 0);
  const out = dense(n, d);
  for (let i = 0; i < n; i++) {
    let at = i * d;
    for (const p of parts) {
      out.data.set(p.data.subarray(i * p.cols, (i + 1) * p.cols), at);
      at += p.cols;
    }
  }
  return out;
}
