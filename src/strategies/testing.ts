/**
 * Test fixtures for strategies (not part of the public API): a model with fixed probabilities per
 * pool row, and a context builder.
 */
import { denseFromRows, type Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import type { ProbabilisticModel } from "../models/types.js";
import type { QueryContext } from "./types.js";

/** A model whose probabilities for pool row i are proba[i] (fixed, whatever X is). */
export function fixedModel(proba: readonly (readonly number[])[]): ProbabilisticModel {
  const K = proba[0].length;
  return {
    nClasses: K,
    predictProba(X: Matrix, rows?: Int32Array): Float64Array {
      const rs = rows ?? Int32Array.from({ length: X.rows }, (_, i) => i);
      const out = new Float64Array(rs.length * K);
      rs.forEach((i, r) => out.set(proba[i], r * K));
      return out;
    },
  };
}

/** A context over the dense pool `rows`; the model is fitted logistic regression unless given. */
export function makeContext(
  rows: readonly (readonly number[])[],
  labeled: readonly number[],
  labels: readonly number[],
  options: { nClasses?: number; model?: ProbabilisticModel; seed?: number; X?: Matrix } = {},
): QueryContext {
  const X = options.X ?? denseFromRows(rows);
  const nClasses = options.nClasses ?? Math.max(...labels) + 1;
  const lab = Int32Array.from(labeled);
  const y = Int32Array.from(labels);
  const isLab = new Set(labeled);
  const model = options.model ?? modelFactory("logreg")(nClasses).fit(X, y, { rows: lab });
  return {
    model,
    X,
    unlabeled: Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => !isLab.has(i)),
    labeled: lab,
    labels: y,
    nClasses,
    rng: new Rng(options.seed ?? 1),
    newModel: modelFactory("logreg"),
  };
}
