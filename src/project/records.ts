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
