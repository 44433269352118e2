/**
 * Typed datasets from raw records (the items of a project, or rows sent to `predict`), with the
 * field kinds fixed at `init`, so that new data is featurized exactly as the pool was.
 */
import type { Cell } from "../data/jsonl.js";
import { isMissing, parseNumber } from "../data/dataset.js";
import type { Column, Dataset } from "../data/types.js";
import { BadInputError } from "../errors.js";
import type { FieldKind } from "../store/types.js";

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
}

/**
 * Builds a Dataset whose columns are `fields` with their stored kinds.
 * @param rowNumbers where each record came from, for errors (default 1..n)
 * @throws BadInputError naming source, row and column when a numeric field holds a non-number
 */
export function recordsToDataset(
  source: string,
  records: readonly Record<string, Cell>[],
  fields: readonly FieldSpec[],
  textColumn: string | null,
  rowNumbers?: readonly number[],
): Dataset {
  const n = records.length;
  const rowNo = (r: number): number => (rowNumbers === undefined ? r + 1 : rowNumbers[r]);
  const columns: Column[] = fields.map((f) => {
    if (f.kind === "numeric") {
      const values = new Float64Array(n);
      let missing = 0;
      for (let r = 0; r < n; r++) {
        const v = records[r][f.name] ?? null;
        if (isMissing(v)) {
          values[r] = NaN;
          missing++;
          continue;
        }
        const x = parseNumber(v);
        if (Number.isNaN(x)) throw new BadInputError(`expected a number, got ${JSON.stringify(v)}`, { file: source, row: rowNo(r), column: f.name });
        values[r] = x;
      }
      return { name: f.name, kind: "numeric", values, missing };
    }
    const values = new Array<string | null>(n);
    let missing = 0;
    for (let r = 0; r < n; r++) {
      const v = records[r][f.name] ?? null;
      if (isMissing(v)) {
        values[r] = null;
        missing++;
      } else values[r] = typeof v === "string" ? (f.kind === "text" ? v : v.trim()) : String(v);
    }
    return { name: f.name, kind: f.kind, values, missing };
  });
  return {
    source,
    rows: n,
    ids: Array.from({ length: n }, (_, r) => String(rowNo(r))),
    columns,
    labels: null,
    labelColumn: null,
    textColumn,
    rowNumbers: Int32Array.from({ length: n }, (_, r) => rowNo(r)),
  };
}

/** How a set of names differs from the fields a model was trained on. */
export interface FieldMismatch {
  /** Trained fields the input lacks (the model would see them as missing in every row). */
  readonly missing: readonly string[];
  /** Names in the input the model was not trained on (they would be ignored). */
  readonly unknown: readonly string[];
}

/** The trained fields missing from `given`, and the names in `given` that are not trained fields. */
export function fieldMismatch(fields: readonly FieldSpec[], given: Iterable<string>): FieldMismatch {
  const have = new Set(given);
  const trained = new Set(fields.map((f) => f.name));
  return { missing: fields.filter((f) => !have.has(f.name)).map((f) => f.name), unknown: [...have].filter((n) => !trained.has(n)) };
}

/**
 * One sentence naming the missing and the unknown names (`noun`: "columns" for files, "fields"
 * for API records), and the fields the model knows; used by `predict` and `POST /api/predict`.
 */
export function describeFieldMismatch(m: FieldMismatch, fields: readonly FieldSpec[], noun: "columns" | "fields"): string {
  const q = (xs: readonly string[]): string => xs.map((x) => JSON.stringify(x)).join(", ");
  const parts: string[] = [];
  if (m.missing.length > 0) parts.push(`${noun} the model was trained with are missing: ${q(m.missing)}`);
  if (m.unknown.length > 0) parts.push(`${noun} the model was not trained on: ${q(m.unknown)}`);
  return `${parts.join("; ")} (the model's ${noun}: ${q(fields.map((f) => f.name))})`;
}
