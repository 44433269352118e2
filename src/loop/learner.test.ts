import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import { getStrategy } from "../strategies/registry.js";
import { ActiveLearner } from "./learner.js";

function pool(seed: number): { X: ReturnType<typeof denseFromRows>; y: number[] } {
  const rng = new Rng(seed);
  const rows = Array.from({ length: 300 }, () => [rng.next() * 4 - 2, rng.next() * 4 - 2]);
  return { X: denseFromRows(rows), y: rows.map((r) => (r[0] + 0.5 * r[1] > 0 ? 1 : 0)) };
}

function run(strategy: string, seed: number): number[] {
  const { X, y } = pool(1);
  const al = new ActiveLearner({ X, nClasses: 2, model: modelFactory("logreg"), strategy: getStrategy(strategy), seed });
  al.teach([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5].map((i) => y[i]));
  const picked: number[] = [];
  for (let it = 0; it < 5; it++) {
    const { indices } = al.query(5);
    picked.push(...indices);
    al.teach(indices, Array.from(indices, (i) => y[i]));
  }
  return picked;
}

void test("one seed makes every run identical; labeled items are never queried again", () => {
  for (const s of ["random", "margin", "entropy"]) {
    const a = run(s, 3);
    assert.deepEqual(a, run(s, 3));
    assert.equal(new Set(a).size, a.length);
    for (const i of a) assert.ok(i > 5);
  }
  assert.notDeepEqual(run("random", 3), run("random", 4));
});

void test("uncertainty picks items near the decision boundary", () => {
  const { X } = pool(1);
  const picked = run("margin", 0).slice(-10);
  const dist = picked.map((i) => Math.abs(X.data[2 * i] + 0.5 * X.data[2 * i + 1]));
  const meanDist = dist.reduce((a, b) => a + b, 0) / dist.length;
  assert.ok(meanDist < 0.5, `mean distance to the boundary ${meanDist}`);
});

void test("bad teach input is an error and changes nothing", () => {
  const { X, y } = pool(2);
  const al = new ActiveLearner({ X, nClasses: 2, model: modelFactory("logreg"), strategy: getStrategy("margin"), seed: 0 });
  assert.throws(() => al.query(1), { code: "NOT_FITTED" });
  al.teach([0, 1], [y[0], y[1]]);
  assert.throws(() => al.teach([1], [0]), /already labeled/);
  assert.throws(() => al.teach([5000], [0]), /outside/);
  assert.throws(() => al.teach([7], [2]), /not a class index/);
  assert.throws(() => al.teach([7, 8], [0]), { code: "SHAPE_MISMATCH" });
  // The same index twice in one call: named with both positions (it used to be labeled twice and
  // the unlabeled set lost an item).
  assert.throws(() => al.teach([7, 9, 7], [y[7], y[9], y[7]]), { code: "BAD_INPUT", message: /pool index 7 appears twice in one call, at positions 0 and 2/ });
  assert.equal(al.labeledCount, 2);
  assert.equal(al.unlabeled().length, 298);
  al.teach([7, 9], [y[7], y[9]]);
  assert.equal(al.labeledCount + al.unlabeled().length, 300);
});
