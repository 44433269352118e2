import assert from "node:assert/strict";
import test from "node:test";
import { dense, type Matrix } from "../linalg/matrix.js";
import type { Classifier, FitOptions, SavedModel } from "../models/types.js";
import { crossValProba, dealFolds, foldRows, outOfFold, stratifiedFolds } from "./cross-val.js";

const labels = (counts: readonly number[]): Int32Array => Int32Array.from(counts.flatMap((n, c) => Array.from({ length: n }, () => c)));

void test("stratified folds: every class spread over the folds, sizes within one, every fold used", () => {
  const y = labels([23, 7, 11]);
  const fold = stratifiedFolds(y, 3, 5, 0);
  for (let c = 0; c < 3; c++) {
    const per = new Array<number>(5).fill(0);
    y.forEach((l, i) => {
      if (l === c) per[fold[i]]++;
    });
    assert.ok(Math.max(...per) - Math.min(...per) <= 1, `class ${c}: ${per.join(",")}`);
  }
  const sizes = new Array<number>(5).fill(0);
  fold.forEach((f) => sizes[f]++);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes.join(",")}`);
});

void test("stratified folds: same seed, same folds; another seed, other folds", () => {
  const y = labels([30, 30]);
  assert.deepEqual(stratifiedFolds(y, 2, 5, 7), stratifiedFolds(y, 2, 5, 7));
  assert.notDeepEqual(stratifiedFolds(y, 2, 5, 7), stratifiedFolds(y, 2, 5, 8));
});

void test("stratified folds: a class with fewer rows than folds, and fewer than 2 folds, are errors naming them", () => {
  assert.throws(() => stratifiedFolds(labels([10, 3]), 2, 5, 0, ["ham", "spam"]), /class "spam" has 3 rows: every class needs at least as many rows as folds \(--folds 5\)/);
  assert.throws(() => stratifiedFolds(labels([10, 10]), 2, 1, 0), /option --folds must be a whole number >= 2, got 1/);
  // A class no row has is not a problem.
  assert.doesNotThrow(() => stratifiedFolds(labels([10, 0, 10]), 3, 5, 0));
});

/** A fake model that records the rows it was trained on and scores rows with (models fitted so far) / 10. */
class Recorder implements Classifier {
  static trained: Int32Array[] = [];
  readonly kind = "recorder";
  readonly requiresNonNegative = false;
  readonly fitInfo = null;
  fitted = false;
  constructor(readonly nClasses: number) {}
  fit(_X: Matrix, _y: ArrayLike<number>, options: FitOptions = {}): this {
    Recorder.trained.push(options.rows ?? new Int32Array());
    this.fitted = true;
    return this;
  }
  predictProba(_X: Matrix, rows?: Int32Array): Float64Array {
    const r = rows ?? new Int32Array();
    const out = new Float64Array(r.length * this.nClasses);
    for (let t = 0; t < r.length; t++) {
      out[t * this.nClasses] = Recorder.trained.length / 10;
      out[t * this.nClasses + 1] = 1 - Recorder.trained.length / 10;
    }
    return out;
  }
  toJSON(): SavedModel {
    return { kind: this.kind };
  }
}

void test("cross-validated probabilities: each row is scored by the model fitted on the other folds", () => {
  const y = labels([12, 8]);
  const X = dense(20, 1);
  const fold = stratifiedFolds(y, 2, 4, 1);
  Recorder.trained = [];
  const p = crossValProba(X, y, 2, (k) => new Recorder(k), fold);
  assert.equal(Recorder.trained.length, 4);
  const { test: held } = foldRows(fold, 4);
  for (let f = 0; f < 4; f++) {
    const trained = new Set(Recorder.trained[f]);
    assert.equal(trained.size, 20 - held[f].length);
    for (const r of held[f]) {
      assert.ok(!trained.has(r), `row ${r} of fold ${f} was in its training rows`);
      // Fold f's model was the (f+1)-th fitted: it wrote (f+1)/10.
      assert.ok(Math.abs(p[r * 2] - (f + 1) / 10) < 1e-12);
    }
  }
});

void test("out-of-fold on a subset of rows: one output row per entry, each scored by a model fitted on the other folds' pool rows only", () => {
  // Pool rows 0..29; the labeled ones are the odd rows (15 of them), with labels of their own.
  const rows = Int32Array.from({ length: 15 }, (_, t) => 2 * t + 1);
  const y = Int32Array.from({ length: 15 }, (_, t) => (t < 9 ? 0 : 1));
  const X = dense(30, 1);
  Recorder.trained = [];
  const p = outOfFold(X, y, 2, (k) => new Recorder(k), { folds: 3, seed: 4, rows });
  assert.equal(p.length, 15 * 2);
  assert.equal(Recorder.trained.length, 3);
  const fold = dealFolds(y, 2, 3, 4);
  for (let t = 0; t < 15; t++) {
    const trained = new Set(Recorder.trained[fold[t]]);
    assert.equal(trained.has(rows[t]), false, `entry ${t} (pool row ${rows[t]}) was in its own training rows`);
    assert.ok([...trained].every((r) => r % 2 === 1), "only the given pool rows train");
    assert.equal(trained.size, 15 - fold.filter((f) => f === fold[t]).length);
    assert.ok(Math.abs(p[t * 2] - (fold[t] + 1) / 10) < 1e-12);
  }
  // The subset's folds are the stratified deal of its labels; the checked deal agrees where it accepts them.
  assert.deepEqual(stratifiedFolds(y, 2, 3, 4), fold);
  assert.throws(() => outOfFold(X, y.subarray(0, 2), 2, (k) => new Recorder(k), { folds: 3, rows: rows.subarray(0, 2) }), /2 rows cannot be split into 3 folds/);
});
