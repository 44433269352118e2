import assert from "node:assert/strict";
import test from "node:test";
import { lbfgs } from "./lbfgs.js";

void test("L-BFGS finds the minimum of the Rosenbrock function", () => {
  const fg = (x: Float64Array, g: Float64Array): number => {
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const x = Float64Array.from([-1.2, 1]);
  const r = lbfgs(fg, x, { maxIter: 500, gtol: 1e-9 });
  assert.ok(r.converged);
  assert.ok(Math.abs(x[0] - 1) < 1e-5 && Math.abs(x[1] - 1) < 1e-5, `x = ${x[0]}, ${x[1]}`);
});

