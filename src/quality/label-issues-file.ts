/**
 * Label issues of a CSV or JSONL file: reading it with its label column (every row labeled, at
 * least two classes), turning the other columns into features as the comparison protocol does
 * (TableFeaturizer fitted on all rows), and writing one output row per data row.
 *
 * @example
 * const t = labeledTable("data/vehicle.csv", { label: "Class" });
 * const r = findLabelIssues(t.X, t.y, t.classes);
 * writeIssues("issues.csv", t, r);
 */
import fs from "node:fs";
import path from "node:path";
import { readTable, toDataset } from "../data/load.js";
import type { Dataset, DatasetOptions } from "../data/types.js";
import { BadInputError, BadOptionError } from "../errors.js";
import { TableFeaturizer } from "../features/featurizer.js";
import type { Matrix } from "../linalg/matrix.js";
import { csvField } from "../project/export.js";
import type { LabelIssues } from "./label-issues.js";

export interface LabeledTable {
  readonly dataset: Dataset;
  readonly X: Matrix;
  /** Class index of every row's given label. */
  readonly y: Int32Array;
  /** Class names, sorted. */
  readonly classes: readonly string[];
  /** Whether an id column was named (then the output has an `id` column). */
  readonly hasId: boolean;
}

/** The output format for a file name: "csv", or "jsonl" for .jsonl / .ndjson. */
export function outputFormat(out: string): "csv" | "jsonl" {
  if (/\.csv$/i.test(out)) return "csv";
  if (/\.(jsonl|ndjson)$/i.test(out)) return "jsonl";
  throw new BadOptionError([`option --out "${out}": give a file ending in .csv or .jsonl (the format follows the extension)`], "out");
}

/**
 * Reads `file` with `columns.label` as the given labels.
 * @param numeric "minmax" for models that need non-negative features (naive Bayes)
 * @throws BadInputError naming the file, row and column: an unlabeled row, fewer than two classes,
 *   and every problem {@link toDataset} reports
 */
export function labeledTable(file: string, columns: DatasetOptions & { label: string }, numeric: "standardize" | "minmax" = "standardize"): LabeledTable {
  const ds = toDataset(readTable(file), columns);
  const labels = ds.labels ?? [];
  const missing: number[] = [];
  for (let r = 0; r < labels.length; r++) if (labels[r] === null) missing.push(ds.rowNumbers[r]);
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ") + (missing.length > 5 ? `, ... (${missing.length} rows)` : "");
    throw new BadInputError(`no label on row ${shown}: label-issues needs the given label of every row (remove unlabeled rows first)`, { file, column: columns.label });
  }
  const classes = [...new Set(labels as string[])].sort();
  if (classes.length < 2) throw new BadInputError(`only one class ("${classes[0]}"): finding label issues needs at least two`, { file, column: columns.label });
  if (ds.columns.length === 0) throw new BadInputError("no feature columns left (only the label and id columns, and those ignored)", { file });
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(labels as string[], (l) => index.get(l) as number);
  const X = new TableFeaturizer({ numeric }).fit(ds).transform(ds);
  return { dataset: ds, X, y, classes, hasId: columns.id !== undefined };
}

/** Output columns, in order. */
export function issueColumns(hasId: boolean): string[] {
  return ["row", ...(hasId ? ["id"] : []), "given", "suggested", "quality", "issue"];
}

/**
 * Writes every row (`row` 0-based, `id` if named, `given`, `suggested`, `quality` rounded to 6
 * digits, `issue`) to `out`, CSV or JSONL by its extension. The file appears complete or not at
 * all: it is written beside the target and renamed into place.
 */
export function writeIssues(out: string, t: LabeledTable, r: LabelIssues): void {
  const format = outputFormat(out);
  const cols = issueColumns(t.hasId);
  const lines: string[] = [];
  if (format === "csv") lines.push(cols.join(","));
  for (let i = 0; i < t.y.length; i++) {
    const rec: Record<string, string | number | boolean> = { row: i };
    if (t.hasId) rec.id = t.dataset.ids[i];
    rec.given = t.classes[t.y[i]];
    rec.suggested = t.classes[r.suggested[i]];
    rec.quality = Number(r.quality[i].toFixed(6));
    rec.issue = r.issue[i] === 1;
    lines.push(format === "csv" ? cols.map((c) => csvField(rec[c])).join(",") : JSON.stringify(rec));
  }
  const tmp = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, lines.join(format === "csv" ? "\r\n" : "\n") + (format === "csv" ? "\r\n" : "\n"));
    fs.renameSync(tmp, out);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
