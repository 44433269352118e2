/** Encoding of string labels as class indices. */
import { BadInputError } from "../errors.js";
import type { Dataset } from "../data/types.js";
import type { EncodedLabels } from "./run.js";

/**
 * Sorts class names as scikit-learn does for its `classes_`: numerically when every name is a
 * number, else by code point.
 */
export function sortClasses(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const numeric = list.length > 0 && list.every((s) => s.trim() !== "" && Number.isFinite(Number(s)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Class names and class indices of a fully labeled dataset; a missing label names its row. */
export function encodeLabels(ds: Dataset): EncodedLabels {
  const labels = ds.labels;
  if (labels === null || ds.labelColumn === null) throw new BadInputError("no label column: name the ground-truth column with --label", { file: ds.source, option: "label" });
  const missing: number[] = [];
  labels.forEach((l, i) => {
    if (l === null) missing.push(ds.rowNumbers[i]);
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? `, ... (${missing.length} in all)` : "");
    throw new BadInputError(`the label is missing in row(s) ${shown}; simulation needs a ground-truth label on every row`, { file: ds.source, column: ds.labelColumn });
  }
  const classes = sortClasses(labels as string[]);
  if (classes.length < 2) throw new BadInputError(`only one class ("${classes[0]}") in the label column; need at least two`, { file: ds.source, column: ds.labelColumn });
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, y: Int32Array.from(labels as string[], (l) => index.get(l) ?? -1) };
}
