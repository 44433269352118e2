import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import type { Classifier, FitOptions } from "../models/types.js";
import { getStrategy } from "../strategies/registry.js";
import { fitLabeled, runRound, selectNext, unlabeledRows } from "./round.js";

const X = denseFromRows(Array.from({ length: 40 }, (_, i) => [i / 10 - 2, ((i * 7) % 10) / 10]));
const y = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));

void test("the unlabeled rows are the others, ascending; a bad index is an error", () => {
  assert.deepEqual(Array.from(unlabeledRows(6, [4, 1, 4])), [0, 2, 3, 5]);
  assert.deepEqual(Array.from(unlabeledRows(3, [])), [0, 1, 2]);
  assert.throws(() => unlabeledRows(3, [3]), { code: "BAD_INPUT", message: /3 is outside 0\.\.2/ });
});

void test("fitLabeled hands the previous model to the fit as its warm start, and trains on the labeled rows only", () => {
  const seen: FitOptions[] = [];
  const logreg = modelFactory("logreg");
  const spy = (k: number): Classifier => {
    const m = logreg(k);
    const fit = m.fit.bind(m);
    m.fit = (Xf, yf, o) => {
      seen.push(o ?? {});
      return fit(Xf, yf, o);
    };
    return m;
  };
  const labeled = Int32Array.from([0, 1, 38, 39]);
  const first = fitLabeled({ X, nClasses: 2, newModel: spy, labeled, labels: [0, 0, 1, 1] });
  fitLabeled({ X, nClasses: 2, newModel: spy, labeled, labels: [0, 0, 1, 1], warmStart: first });
  assert.equal(seen[0].warmStart, undefined);
  assert.equal(seen[1].warmStart, first);
  assert.deepEqual(seen[1].rows, labeled);
});

void test("selectNext never asks for more than is left, and asks nothing of an empty pool", () => {
  const labeled = Int32Array.from({ length: 36 }, (_, i) => i + 2);
  const labels = Int32Array.from(labeled, (i) => y[i]);
  const model = fitLabeled({ X, nClasses: 2, newModel: modelFactory("logreg"), labeled, labels });
  const ctx = { model, X, labeled, labels, nClasses: 2, rng: new Rng(0), newModel: modelFactory("logreg"), strategy: getStrategy("margin") };
  const sel = selectNext({ ...ctx, unlabeled: unlabeledRows(40, labeled) }, 10);
  assert.deepEqual(Array.from(sel.indices).sort((a, b) => a - b), [0, 1, 38, 39]);
  const none = selectNext({ ...ctx, unlabeled: new Int32Array(0), strategy: { name: "boom", description: "", select: () => assert.fail("asked") } }, 10);
  assert.equal(none.indices.length, 0);
});

void test("runRound fits, lists the unlabeled rows and selects; the same seed gives the same round", () => {
  const labeled = Int32Array.from([0, 5, 20, 39]);
  const o = { X, nClasses: 2, newModel: modelFactory("logreg"), labeled, labels: Array.from(labeled, (i) => y[i]), strategy: getStrategy("random"), k: 5 };
  const a = runRound({ ...o, rng: new Rng(4) });
  const b = runRound({ ...o, rng: new Rng(4) });
  assert.equal(a.unlabeled.length, 36);
  assert.equal(a.selection.indices.length, 5);
  for (const i of a.selection.indices) assert.ok(!labeled.includes(i));
  assert.deepEqual(a.selection.indices, b.selection.indices);
  assert.deepEqual(a.model.toJSON(), b.model.toJSON());
});
