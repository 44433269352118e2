/**
 * A feature matrix (image or series features) as a Dataset of numeric columns, so everything
 * built on datasets (simulate and its workers, the table featurizer's pool-only scaling, slices,
 * quality checks) runs on it unchanged, under the same protocol as a table of the same numbers.
 *
 * @example
 * const { X, names } = await imageMatrix(paths, { base, features: [{ kind: "hog" }] });
 * const ds = datasetFromMatrix(X, names, { labels, source: "photos/" });
 * const results = await simulate(ds, { strategies: ["margin"] });
 */
import { BadInputError, ShapeMismatchError } from "../errors.js";
import type { Dataset, NumericColumn } from "../data/types.js";
import type { DenseMatrix } from "../linalg/matrix.js";

export interface MatrixDatasetOptions {
  /** Ground truth of each row (null = unlabeled), or none. */
  readonly labels?: readonly (string | null)[];
  /** Name of the label column (default "label"); must not be a feature name. */
  readonly labelColumn?: string;
  /** Item ids (default the 1-based row number). */
  readonly ids?: readonly string[];
  /** Where the items came from (a folder, a file), for messages. */
  readonly source: string;
  /** Row numbers of the items in their source (default 1 .. rows). */
  readonly rowNumbers?: Int32Array;
}

/** The columns of `X` named `names` as numeric columns of a Dataset (values copied). */
export function datasetFromMatrix(X: DenseMatrix, names: readonly string[], options: MatrixDatasetOptions): Dataset {
  const n = X.rows;
  const d = X.cols;
  if (names.length !== d) throw new ShapeMismatchError(`${names.length} feature names for ${d} columns`);
  for (const [what, len] of [["labels", options.labels?.length], ["ids", options.ids?.length], ["row numbers", options.rowNumbers?.length]] as const) {
    if (len !== undefined && len !== n) throw new ShapeMismatchError(`${len} ${what} for ${n} rows`);
  }
  const labelColumn = options.labels === undefined ? null : (options.labelColumn ?? "label");
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new BadInputError(`feature name "${name}" occurs twice`, { file: options.source });
    seen.add(name);
  }
  if (labelColumn !== null && seen.has(labelColumn)) throw new BadInputError(`the label column "${labelColumn}" is also a feature name`, { file: options.source });
  const columns: NumericColumn[] = names.map((name, j) => {
    const values = new Float64Array(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const v = X.data[i * d + j];
      values[i] = v;
      if (Number.isNaN(v)) missing++;
    }
    return { name, kind: "numeric", values, missing };
  });
  return {
    source: options.source,
    rows: n,
    ids: options.ids ?? Array.from({ length: n }, (_, i) => String(i + 1)),
    columns,
    labels: options.labels ?? null,
    labelColumn,
    textColumn: null,
    rowNumbers: options.rowNumbers ?? Int32Array.from({ length: n }, (_, i) => i + 1),
  };
}
