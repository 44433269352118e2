/**
 * The feature matrix of annotated items: reads a features file (CSV or JSONL, one row per item,
 * an id column matching the annotations' item names), featurizes it with the package's
 * featurizer (numeric standardised, categorical one-hot, an optional text column TF-IDF),
 * fitted on the rows of the annotated items, and returns one matrix row per item, in the
 * annotations' item order. Rows of items nobody labeled are ignored.
 *
 * @example
 * const X = itemFeatures("features.csv", { id: "item" }, annotations.items); // X.rows === items.length
 */
import { loadDataset } from "../data/load.js";
import { BadInputError } from "../errors.js";
import { TableFeaturizer } from "../features/featurizer.js";
import type { Matrix } from "../linalg/matrix.js";

export interface ItemFeatureOptions {
  /** Column holding the item names. */
  readonly id: string;
  /** Free-text column, if any. */
  readonly text?: string;
}

/**
 * @throws BadInputError naming the file for a missing id/text column, a repeated id, or items of
 *   the annotations that have no row
 */
export function itemFeatures(file: string, options: ItemFeatureOptions, items: readonly string[]): Matrix {
  const ds = loadDataset(file, options.text === undefined ? { id: options.id } : { id: options.id, text: options.text });
  const rowOf = new Map<string, number>();
  ds.ids.forEach((id, r) => {
    const prev = rowOf.get(id);
    if (prev !== undefined) throw new BadInputError(`item "${id}" has two rows (rows ${ds.rowNumbers[prev]} and ${ds.rowNumbers[r]})`, { file, column: options.id });
    rowOf.set(id, r);
  });
  const missing = items.filter((it) => !rowOf.has(it));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((m) => JSON.stringify(m)).join(", ");
    throw new BadInputError(`${missing.length} annotated item${missing.length === 1 ? " has" : "s have"} no row here (${shown}${missing.length > 5 ? ", ..." : ""})`, { file, column: options.id });
  }
  if (ds.columns.length === 0) throw new BadInputError("no feature columns besides the id", { file });
  const rows = Int32Array.from(items, (it) => rowOf.get(it) ?? 0);
  return new TableFeaturizer().fit(ds, rows).transform(ds, rows);
}
