import assert from "node:assert/strict";
import test from "node:test";
import { jsLogisticObjective } from "../models/logistic.js";
import { dense } from "./matrix.js";
import { Rng } from "./rng.js";
import { wasmKernels, wasmLogisticObjective } from "./wasm.js";

const skip = process.env.ACTIVELEARN_WASM === "0" ? "ACTIVELEARN_WASM=0" : false;

function randomDense(n: number, d: number, seed: number): ReturnType<typeof dense> {
  const rng = new Rng(seed);
  return dense(n, d, Float64Array.from({ length: n * d }, () => rng.next() * 4 - 2));
}

void test("the WebAssembly kernels are built and load (npm run build compiles wasm/logistic.ts)", { skip }, () => {
  assert.notEqual(wasmKernels(), null);
});

void test("the WebAssembly objective equals the JS one: odd and even widths, row blocks with remainders, binomial and softmax", { skip }, () => {
  for (const [n, d, m] of [[37, 9, 1], [40, 8, 3], [23, 64, 10], [5, 1, 4], [2, 3, 3]] as const) {
    const X = randomDense(60, d, n + d + m);
    const rng = new Rng(m);
    const rows = Int32Array.from({ length: n }, () => Math.floor(rng.next() * 60));
    const y = Int32Array.from({ length: n }, () => Math.floor(rng.next() * (m === 1 ? 2 : m)));
    const theta = Float64Array.from({ length: d * m + m }, () => rng.next() - 0.5);
    const gw = new Float64Array(theta.length);
    const gj = new Float64Array(theta.length);
    const fast = wasmLogisticObjective(X, rows, y, m, 0.7);
    assert.ok(fast !== null);
    const fw = fast(theta, gw);
    const fj = jsLogisticObjective(X, rows, y, m, 0.7)(theta, gj);
    assert.ok(Math.abs(fw - fj) <= 1e-10 * Math.max(1, Math.abs(fj)), `n=${n} d=${d} m=${m}: f ${fw} vs ${fj}`);
    for (let i = 0; i < gj.length; i++) assert.ok(Math.abs(gw[i] - gj[i]) <= 1e-10 * Math.max(1, Math.abs(gj[i])), `n=${n} d=${d} m=${m}: grad[${i}] ${gw[i]} vs ${gj[i]}`);
  }
});

void test("objectives sharing the module's memory each see their own rows, in any call order", { skip }, () => {
  const X = randomDense(30, 5, 1);
  const y = Int32Array.from({ length: 30 }, (_, i) => i % 3);
  const a = wasmLogisticObjective(X, null, y, 3, 1);
  const b = wasmLogisticObjective(X, Int32Array.from({ length: 10 }, (_, i) => 2 * i), y.subarray(0, 10), 3, 1);
  assert.ok(a !== null && b !== null);
  const theta = Float64Array.from({ length: 18 }, (_, i) => Math.cos(i));
  const g = new Float64Array(18);
  const fa = a(theta, g);
  const fb = b(theta, g);
  assert.equal(a(theta, g), fa);
  assert.equal(b(theta, g), fb);
  assert.notEqual(fa, fb);
});
