import assert from "node:assert/strict";
import test from "node:test";
import { rowToArray } from "../linalg/matrix.js";
import { Tfidf, tokenize } from "./tfidf.js";

void test("tokens: lower-cased runs of two or more word characters", () => {
  assert.deepEqual(tokenize("Hello, WORLD! a b2 x_y 42 é café"), ["hello", "world", "b2", "x_y", "42", "café"]);
});

void test("tf-idf values follow sublinear tf, smooth idf and L2 row norm (computed by hand)", () => {
  const docs = ["cheap cheap offer", "cheap pills", "meeting offer", "rare"];
  const t = new Tfidf({ minDf: 2 }).fit(docs);
  // df: cheap 2, offer 2; pills, meeting, rare: 1 -> dropped by minDf = 2.
  assert.deepEqual(t.vocabulary(), ["cheap", "offer"]);
  const idf = Math.log(5 / 3) + 1;
  const X = t.transform(docs);
  assert.equal(X.kind, "csr");
  const a = (1 + Math.log(2)) * idf;
  const b = 1 * idf;
  const norm = Math.hypot(a, b);
  const row0 = rowToArray(X, 0);
  assert.ok(Math.abs(row0[0] - a / norm) < 1e-12 && Math.abs(row0[1] - b / norm) < 1e-12);
  assert.deepEqual(rowToArray(X, 1), [1, 0]);
  assert.deepEqual(rowToArray(X, 3), [0, 0]);
  assert.equal(X.indptr[4], 4);
});

void test("bigrams are optional; unseen words at transform time are ignored", () => {
  const t = new Tfidf({ minDf: 1, ngramMax: 2 }).fit(["new york city", "new york"]);
  assert.ok(t.vocabulary().includes("new york"));
  const X = t.transform(["boston only"]);
  assert.equal(X.indptr[1], 0);
  assert.throws(() => new Tfidf().transform(["x"]), { code: "NOT_FITTED" });
});
