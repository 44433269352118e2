import assert from "node:assert/strict";
import test from "node:test";
import { choleskyInPlace, matMul, spdInverse, spdSolve } from "./spd.js";

// A = M Mᵀ + I for a fixed M: symmetric positive definite.
function spd(n: number): Float64Array {
  const M = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7 + 0.3));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) s += M[i * n + k] * M[j * n + k];
    A[i * n + j] = s;
  }
  return A;
}

void test("spdInverse: A A⁻¹ = I, symmetric, A unchanged", () => {
  for (const n of [1, 2, 7, 30]) {
    const A = spd(n);
    const copy = A.slice();
    const inv = spdInverse(A, n);
    assert.deepEqual(A, copy);
    const I = matMul(A, inv, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(I[i * n + j] - (i === j ? 1 : 0)) < 1e-9, `n=${n} (${i},${j}) = ${I[i * n + j]}`);
      assert.equal(inv[i * n + j], inv[j * n + i]);
    }
  }
});

void test("choleskyInPlace: L Lᵀ = A; a matrix that is not positive definite is refused", () => {
  const n = 5;
  const A = spd(n);
  const L = A.slice();
  choleskyInPlace(L, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
    assert.ok(Math.abs(s - A[i * n + j]) < 1e-9);
    if (j > i) assert.equal(L[i * n + j], 0);
  }
  assert.throws(() => choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2), /not positive definite \(pivot 1/);
  assert.throws(() => choleskyInPlace(new Float64Array(3), 2), /need 4 values/);
});

void test("spdSolve: solves several right-hand sides", () => {
  const n = 6;
  const A = spd(n);
  const X = Float64Array.from({ length: n * 2 }, (_, i) => i - 3.5);
  const B = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += A[i * n + k] * X[k * 2 + c];
    B[i * 2 + c] = s;
  }
  spdSolve(A, n, B, 2);
  for (let i = 0; i < n * 2; i++) assert.ok(Math.abs(B[i] - X[i]) < 1e-9);
});

void test("matMul: equals the triple loop, also in its symmetric mode for A S A", () => {
  for (const n of [1, 3, 7, 9]) {
    const A = spd(n);
    const S = spd(n).map((v, i) => v + (i % (n + 1) === 0 ? 2 : 0));
    const B = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i));
    const naive = (x: Float64Array, y: Float64Array): Float64Array => {
      const c = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) c[i * n + j] += x[i * n + k] * y[k * n + j];
      return c;
    };
    const close = (x: Float64Array, y: Float64Array): boolean => x.every((v, i) => Math.abs(v - y[i]) < 1e-9 * (1 + Math.abs(y[i])));
    assert.ok(close(matMul(A, B, n), naive(A, B)), `n=${n}`);
    const AS = matMul(A, S, n);
    assert.ok(close(matMul(AS, A, n, true), naive(naive(A, S), A)), `n=${n} symmetric`);
  }
});
