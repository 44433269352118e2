import assert from "node:assert/strict";
import test from "node:test";
import { lbfgs } from "./lbfgs.js";
import { wasmLbfgsWorkspace } from "./wasm.js";

void test("L-BFGS finds the minimum of the Rosenbrock function", () => {
  const fg = (x: Float64Array, g: Float64Array): number => {
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const x = Float64Array.from([-1.2, 1]);
  const r = lbfgs(fg, x, { maxIter: 500, gtol: 1e-9 });
  // f falls to ~1e-18: the run ends on the f test (no progress left) before |g| <= 1e-9.
  assert.equal(r.stop, "ftol");
  assert.ok(r.gradMax < 1e-6, `|g| = ${r.gradMax}`);
  assert.ok(Math.abs(x[0] - 1) < 1e-5 && Math.abs(x[1] - 1) < 1e-5, `x = ${x[0]}, ${x[1]}`);
});


void test("the WebAssembly two-loop recursion and the JS one take the same steps (odd size; a nested run falls back to JS)", () => {
  // A badly scaled convex quadratic plus a quartic term, 7 variables.
  const scale = [1, 10, 100, 3, 0.5, 30, 7];
  const fg = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      const t = x[i] - i;
      f += scale[i] * t * t + t ** 4;
      g[i] = 2 * scale[i] * t + 4 * t ** 3;
    }
    return f;
  };
  const start = (): Float64Array => Float64Array.from(scale, (s, i) => (i % 2 === 0 ? 3 : -2) + s / 100);
  const xa = start();
  const a = lbfgs(fg, xa, { gtol: 1e-10, maxIter: 200 });
  const held = wasmLbfgsWorkspace(7, 10);
  const xb = start();
  let b;
  try {
    b = lbfgs(fg, xb, { gtol: 1e-10, maxIter: 200 });
  } finally {
    held?.release();
  }
  assert.equal(a.stop, b.stop);
  assert.ok(a.stop === "gradient" || a.stop === "ftol", a.stop);
  assert.equal(a.iterations, b.iterations);
  for (let i = 0; i < 7; i++) {
    assert.ok(Math.abs(xa[i] - i) < 1e-6, `x[${i}] = ${xa[i]}`);
    assert.ok(Math.abs(xa[i] - xb[i]) < 1e-9);
  }
});

void test("the result reports the final gradient and why the run stopped; converged means the gradient test passed", () => {
  // f = sum_i (i + 1) (x_i - 1)^2 + 5: the gradient test is reached before the f test.
  const fg = (x: Float64Array, g: Float64Array): number => {
    let f = 5;
    for (let i = 0; i < x.length; i++) {
      f += (i + 1) * (x[i] - 1) ** 2;
      g[i] = 2 * (i + 1) * (x[i] - 1);
    }
    return f;
  };
  const x = new Float64Array(6);
  const r = lbfgs(fg, x, { gtol: 1e-6, gradScale: 10, maxIter: 100 });
  assert.equal(r.stop, "gradient");
  assert.ok(r.converged);
  assert.ok(r.gradMax <= 1e-5, `|g| = ${r.gradMax}`);
  const g = new Float64Array(6);
  fg(x, g);
  assert.equal(r.gradMax, Math.max(...g.map(Math.abs)));
  const short = lbfgs(fg, new Float64Array(6), { gtol: 1e-12, maxIter: 2 });
  assert.equal(short.stop, "maxIter");
  assert.equal(short.converged, false);
  assert.ok(short.gradMax > 1e-12);
});
