import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { fitLabeled } from "../loop/round.js";
import { modelFactory } from "../models/registry.js";
import { MIN_OOF_LABELS, outOfFold } from "./out-of-fold.js";

/**
 * 60 points of two classes (feature 0 says the class, with noise) and, for item 0 only, a feature
 * of its own (column 2): item 0 is labeled wrong. A model fitted on item 0 learns its own feature
 * and echoes the wrong label; the out-of-fold model never saw it.
 */
function data(): { X: ReturnType<typeof denseFromRows>; labeled: Int32Array; y: Int32Array } {
  const rng = new Rng(3);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const c = i % 2;
    rows.push([(c === 1 ? 1 : -1) * (1 + rng.next()), rng.next() - 0.5, i === 0 ? 6 : 0]);
    y.push(i === 0 ? 1 : c); // item 0 is class 0 by its features
  }
  return { X: denseFromRows(rows), labeled: Int32Array.from({ length: 60 }, (_, i) => i), y: Int32Array.from(y) };
}

void test("out-of-fold probabilities: seeded, one row per labeled item, each from a model that did not see it", () => {
  const { X, labeled, y } = data();
  const newModel = modelFactory("logreg");
  const a = outOfFold({ X, nClasses: 2, newModel, labeled, labels: y, seed: 7 });
  const b = outOfFold({ X, nClasses: 2, newModel, labeled, labels: y, seed: 7 });
  assert.ok(a !== null && b !== null);
  assert.deepEqual([...a], [...b], "same seed, same probabilities");
  assert.equal(a.length, 2 * 60);
  for (let t = 0; t < 60; t++) assert.ok(Math.abs(a[2 * t] + a[2 * t + 1] - 1) < 1e-5, `row ${t} sums to 1`);
  // Item 0: out-of-fold the model says class 0 (its features), although its label is 1.
  assert.ok(a[0] > 0.9, `out-of-fold P(class 0) of item 0: ${a[0]}`);
  // The training fit echoes the wrong label (it learned item 0's own feature).
  const fit = fitLabeled({ X, nClasses: 2, newModel, labeled, labels: y });
  const inSample = fit.predictProba(X, Int32Array.of(0));
  console.log(`item 0: out-of-fold ${a[0].toFixed(3)}, in-sample ${inSample[0].toFixed(3)}`);
  assert.ok(inSample[0] < a[0] - 0.2, `in-sample P(class 0) ${inSample[0]} is far below the out-of-fold ${a[0]}`);
  assert.equal(outOfFold({ X, nClasses: 2, newModel, labeled: labeled.slice(0, MIN_OOF_LABELS - 1), labels: y.slice(0, MIN_OOF_LABELS - 1), seed: 7 }), null, "too few labels");
});
