import assert from "node:assert/strict";
import test from "node:test";
import { TableFeaturizer } from "./featurizer.js";
import { denseFromRows, rowToArray } from "../linalg/matrix.js";
import { datasetFromMatrix } from "./matrix-dataset.js";

void test("a matrix becomes numeric columns with labels, ids and row numbers", () => {
  const X = denseFromRows([[1, 10], [3, 30]]);
  const ds = datasetFromMatrix(X, ["a", "b"], { labels: ["x", "y"], source: "imgs/" });
  assert.deepEqual(ds.columns.map((c) => [c.name, c.kind, Array.from(c.values as Float64Array)]), [["a", "numeric", [1, 3]], ["b", "numeric", [10, 30]]]);
  assert.deepEqual([ds.labelColumn, ds.labels, ds.ids, Array.from(ds.rowNumbers)], ["label", ["x", "y"], ["1", "2"], [1, 2]]);
  // The table featurizer standardises it like any numeric table.
  const f = new TableFeaturizer().fit(ds);
  assert.deepEqual(rowToArray(f.transform(ds), 0), [-1, -1]);
  assert.equal(datasetFromMatrix(X, ["a", "b"], { source: "s" }).labels, null);
});

void test("names must match the columns, be distinct and differ from the label column", () => {
  const X = denseFromRows([[1, 2]]);
  assert.throws(() => datasetFromMatrix(X, ["a"], { source: "s" }), { code: "SHAPE_MISMATCH" });
  assert.throws(() => datasetFromMatrix(X, ["a", "a"], { source: "s" }), /occurs twice/);
  assert.throws(() => datasetFromMatrix(X, ["a", "label"], { labels: ["x"], source: "s" }), /also a feature name/);
  assert.throws(() => datasetFromMatrix(X, ["a", "b"], { labels: ["x", "y"], source: "s" }), /2 labels for 1 rows/);
});
