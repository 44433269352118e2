import assert from "node:assert/strict";
import test from "node:test";
import type { Dataset } from "../data/types.js";
import { rowToArray } from "../linalg/matrix.js";
import { TableFeaturizer } from "./featurizer.js";

function ds(): Dataset {
  return {
    source: "t.csv",
    rows: 4,
    ids: ["1", "2", "3", "4"],
    columns: [
      { name: "age", kind: "numeric", values: Float64Array.from([1, 3, NaN, 100]), missing: 1 },
      { name: "plan", kind: "categorical", values: ["a", "b", null, "zzz"], missing: 1 },
    ],
    labels: ["x", "y", "x", "y"],
    labelColumn: "y",
    textColumn: null,
    rowNumbers: Int32Array.from([1, 2, 3, 4]),
  };
}

void test("numeric: mean-impute then standardise with pool statistics; categorical: one-hot, unseen ignored", () => {
  const f = new TableFeaturizer().fit(ds(), [0, 1, 2]);
  assert.deepEqual(f.featureNames(), ["age", "plan=a", "plan=b"]);
  const X = f.transform(ds());
  assert.equal(X.kind, "dense");
  // Pool rows 0..2: age 1, 3, missing -> mean 2, population sd 1.
  assert.deepEqual(rowToArray(X, 0), [-1, 1, 0]);
  assert.deepEqual(rowToArray(X, 1), [1, 0, 1]);
  assert.deepEqual(rowToArray(X, 2), [0, 0, 0]);
  assert.deepEqual(rowToArray(X, 3), [98, 0, 0]);
});

void test("minmax scaling gives non-negative features on the pool", () => {
  const f = new TableFeaturizer({ numeric: "minmax" }).fit(ds(), [0, 1, 3]);
  const X = f.transform(ds(), [0, 1, 3]);
  assert.deepEqual(rowToArray(X, 0)[0], 0);
  assert.deepEqual(rowToArray(X, 2)[0], 1);
});

void test("a text column makes the output CSR and round-trips through JSON", () => {
  const d: Dataset = { ...ds(), columns: [...ds().columns, { name: "body", kind: "text", values: ["cheap offer", "cheap pills", "offer", null], missing: 1 }], textColumn: "body" };
  const f = new TableFeaturizer().fit(d);
  const X = f.transform(d);
  assert.equal(X.kind, "csr");
  // age, plan=a|b|zzz, body:cheap|offer ("pills" occurs once: below minDf).
  assert.equal(X.cols, 1 + 3 + 2);
  const g = TableFeaturizer.fromJSON(JSON.parse(JSON.stringify(f.toJSON())) as ReturnType<typeof f.toJSON>);
  assert.deepEqual(g.transform(d), X);
});

void test("transforming data without a trained column names the file and column", () => {
  const f = new TableFeaturizer().fit(ds());
  const other: Dataset = { ...ds(), source: "new.csv", columns: [ds().columns[0]] };
  assert.throws(() => f.transform(other), /new\.csv, column "plan": column is missing/);
});

void test("sparse output: numeric, one-hot and TF-IDF blocks side by side, exactly sized, zeros not stored", () => {
  const d: Dataset = {
    ...ds(),
    columns: [...ds().columns, { name: "body", kind: "text", values: ["cheap offer", "cheap pills", "offer", null], missing: 1 }],
    textColumn: "body",
  };
  const f = new TableFeaturizer().fit(d, [0, 1, 2]);
  // Pool rows 0..2: age mean 2, sd 1 (row 2 imputed: 0); plan a|b; body cheap|offer (df 2 each).
  const X = f.transform(d);
  assert.equal(X.kind, "csr");
  if (X.kind !== "csr") return;
  assert.equal(X.indices.length, X.indptr[4]);
  assert.equal(X.values.length, X.indptr[4]);
  const s = Math.SQRT1_2;
  assert.deepEqual(rowToArray(X, 0), [-1, 1, 0, s, s]);
  assert.deepEqual(rowToArray(X, 1), [1, 0, 1, 1, 0]);
  assert.deepEqual(rowToArray(X, 2), [0, 0, 0, 0, 1]);
  assert.deepEqual(rowToArray(X, 3), [98, 0, 0, 0, 0]);
  // Row 2's imputed age is 0: not stored.
  assert.deepEqual(Array.from(X.indices.subarray(X.indptr[2], X.indptr[3])), [4]);
  assert.throws(
    () => f.transform({ ...d, columns: [{ name: "age", kind: "categorical", values: ["1", "x", "2", "3"], missing: 0 }, ...d.columns.slice(1)] }),
    /row 2.*column "age"|column "age".*row 2/,
  );
});
