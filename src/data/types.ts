/**
 * A loaded dataset: columnar, with its ground-truth label column (if any) kept apart.
 * Row r of every column is item r; `rowNumbers[r]` is where it stood in the file (CSV: 1-based
 * data row after the header; JSONL: 1-based line), so later errors can name the row.
 */
export type ColumnKind = "numeric" | "categorical" | "text";

export interface NumericColumn {
  readonly name: string;
  readonly kind: "numeric";
  /** NaN marks a missing value. */
  readonly values: Float64Array;
  readonly missing: number;
}

export interface StringColumn {
  readonly name: string;
  readonly kind: "categorical" | "text";
  /** null marks a missing value. */
  readonly values: readonly (string | null)[];
  readonly missing: number;
}

export type Column = NumericColumn | StringColumn;

export interface Dataset {
  /** File the data came from (as given by the caller), for error messages. */
  readonly source: string;
  readonly rows: number;
  /** Item ids: the `id` column if named, else the 1-based row number as a string. */
  readonly ids: readonly string[];
  /** Feature columns in file order (the label and id columns excluded). */
  readonly columns: readonly Column[];
  /** Ground-truth labels (null = unlabeled) when a label column was named. */
  readonly labels: readonly (string | null)[] | null;
  readonly labelColumn: string | null;
  /** Name of the free-text column, if one was named. */
  readonly textColumn: string | null;
  readonly rowNumbers: Int32Array;
}

/** Options that name columns of a dataset. */
export interface DatasetOptions {
  /** Ground-truth label column. */
  readonly label?: string;
  /** Free-text column (featurized with TF-IDF). */
  readonly text?: string;
  /** Id column; default: the row number. */
  readonly id?: string;
  /** Columns to leave out entirely. */
  readonly ignore?: readonly string[];
  /**
   * Columns to keep as features even when they look like the answer (see roles.ts); only
   * checked here (each must be a feature column), applied by the caller of assessColumns.
   */
  readonly keep?: readonly string[];
}
