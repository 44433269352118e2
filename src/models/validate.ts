/** Input checks shared by the classifiers' fit. */
import { ShapeMismatchError } from "../errors.js";
import type { Matrix } from "../linalg/matrix.js";

export interface CheckedFitInput {
  /** Training rows of X (null = all rows). */
  readonly rows: Int32Array | null;
  readonly n: number;
  /** Number of training labels of each class. */
  readonly classCounts: Int32Array;
}

/**
 * Checks that there is one label per training row, at least one row, and that every label is a
 * class index in 0..nClasses-1; counts the labels of each class.
 */
export function checkFitInput(X: Matrix, y: ArrayLike<number>, rows: Int32Array | undefined, nClasses: number): CheckedFitInput {
  const r0 = rows ?? null;
  const n = r0 === null ? X.rows : r0.length;
  if (y.length !== n) throw new ShapeMismatchError(`fit: ${n} rows but ${y.length} labels`);
  if (n === 0) throw new ShapeMismatchError("fit: no training rows");
  const classCounts = new Int32Array(nClasses);
  for (let r = 0; r < n; r++) {
    const c = y[r];
    if (!(Number.isInteger(c) && c >= 0 && c < nClasses)) throw new ShapeMismatchError(`fit: label ${c} at position ${r} is not a class index in 0..${nClasses - 1}`);
    classCounts[c]++;
  }
  if (r0 !== null) {
    for (let r = 0; r < n; r++) {
      const i = r0[r];
      if (!(i >= 0 && i < X.rows)) throw new ShapeMismatchError(`fit: row ${i} at position ${r} is outside 0..${X.rows - 1}`);
    }
  }
  return { rows: r0, n, classCounts };
}
