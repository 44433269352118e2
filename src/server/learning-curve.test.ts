import assert from "node:assert/strict";
import test from "node:test";
import { dense } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import { fitRandomCurve, labelsSaved, MIN_AUDIT } from "./learning-curve.js";

void test("labelsSaved inverts the power law err = b m^-c", () => {
  const curve = { b: 0.8, c: 0.5, n: 40 };
  // err 0.1 needs (0.1 / 0.8)^(-2) = 64 labels; 40 spent -> 24 saved.
  assert.equal(labelsSaved(curve, 0.9, 40, 10_000), 24);
  assert.equal(labelsSaved(curve, 0.9, 100, 10_000), -36);
  assert.equal(labelsSaved(curve, 0.9999, 10, 500), 490, "capped at the pool size");
});

void test("fitRandomCurve: null below the minimum, a falling curve on learnable data", () => {
  const rng = new Rng(3);
  const n = 200;
  const X = dense(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next() * 4 - 2;
    const b = rng.next() * 4 - 2;
    X.data[2 * i] = a;
    X.data[2 * i + 1] = b;
    y[i] = a + b + (rng.next() - 0.5) * 1.5 > 0 ? 1 : 0;
  }
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  assert.equal(fitRandomCurve(X, rows.subarray(0, MIN_AUDIT - 1), y, 2, modelFactory("logreg"), new Rng(1)), null);
  const curve = fitRandomCurve(X, rows, y, 2, modelFactory("logreg"), new Rng(1));
  if (curve !== null) {
    assert.ok(curve.c > 0 && curve.b > 0);
    assert.equal(curve.n, n);
  }
});
