import assert from "node:assert/strict";
import test from "node:test";
import { egl, eglScores } from "./model-change.js";
import { fixedModel, makeContext } from "./testing.js";

void test("EGL by hand: sum_y p_y ||p - e_y|| ||[x, 1]||", () => {
  // p = (0.5, 0.5), ||x||^2 = 1: each ||p - e_y|| = sqrt(0.5), ||[x, 1]|| = sqrt(2) -> 1.
  // p = (1, 0): no expected change. p = (0.7, 0.2, 0.1), x = 0: by hand.
  const s2 = eglScores(Float64Array.from([0.5, 0.5, 1, 0]), Float64Array.from([1, 4]), 2, 2);
  assert.ok(Math.abs(s2[0] - 1) < 1e-12);
  assert.equal(s2[1], 0);
  const p = [0.7, 0.2, 0.1];
  const byHand = p.reduce((s, py, y) => s + py * Math.hypot(...p.map((q, c) => q - (c === y ? 1 : 0))), 0);
  assert.ok(Math.abs(eglScores(Float64Array.from(p), Float64Array.from([0]), 1, 3)[0] - byHand) < 1e-12);
});

void test("egl prefers, at equal uncertainty, the item with the larger features", () => {
  const rows = [[0.1, 0], [3, 4], [1, 1], [-1, -1]];
  const model = fixedModel([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1], [0.1, 0.9]]);
  const sel = egl.select(makeContext(rows, [2, 3], [0, 1], { model }), 2);
  assert.deepEqual(Array.from(sel.indices), [1, 0]);
  assert.ok(Math.abs(sel.scores[0] - Math.sqrt(26) * Math.sqrt(0.5)) < 1e-12);
});
