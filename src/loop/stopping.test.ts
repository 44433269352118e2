import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import { StopMonitor } from "./stop-monitor.js";
import {
  budget,
  classificationChange,
  cohenKappa,
  defaultStoppingCriteria,
  maxUncertainty,
  normalizedEntropy,
  notBefore,
  overallUncertainty,
  stabilizingPredictions,
  targetAccuracy,
  type StopState,
} from "./stopping.js";

/** A state over a stop set of binary probabilities p(class 1). */
function state(p1: number[], previous: number[] | null, extra: Partial<StopState> = {}): StopState {
  const proba = new Float64Array(p1.flatMap((p) => [1 - p, p]));
  return {
    labeled: 10,
    nClasses: 2,
    stopProba: proba,
    stopPredictions: Int32Array.from(p1, (p) => (p > 0.5 ? 1 : 0)),
    previousPredictions: previous === null ? null : Int32Array.from(previous),
    stopLabeled: new Uint8Array(p1.length),
    accuracyEstimate: null,
    ...extra,
  };
}

void test("Cohen's kappa matches a hand computation", () => {
  // po = 4/6, marginals 1/2 each: pe = 1/2, kappa = (2/3 - 1/2) / (1/2) = 1/3.
  assert.ok(Math.abs(cohenKappa([0, 0, 1, 1, 1, 0], [0, 1, 1, 1, 0, 0], 2) - 1 / 3) < 1e-12);
  assert.equal(cohenKappa([1, 1, 1], [1, 1, 1], 3), 1);
  assert.equal(cohenKappa([0, 1, 2], [0, 1, 2], 3), 1);
  // Complete disagreement with balanced marginals: po = 0, pe = 1/2, kappa = -1.
  assert.equal(cohenKappa([0, 1], [1, 0], 2), -1);
});

void test("normalized entropy is 1 for a uniform row and 0 for a certain one", () => {
  const u = normalizedEntropy(new Float64Array([1 / 3, 1 / 3, 1 / 3, 1, 0, 0]), 2, 3);
  assert.ok(Math.abs(u[0] - 1) < 1e-12);
  assert.equal(u[1], 0);
});

void test("budget fires at the budget, with the numbers in the reason", () => {
  const c = budget(30);
  assert.equal(c.check({ ...state([0.9], null), labeled: 20 }).stop, false);
  const d = c.check({ ...state([0.9], null), labeled: 30 });
  assert.equal(d.stop, true);
  assert.match(d.reason, /30 labels spent.*budget of 30/);
  assert.throws(() => budget(0), /whole number/);
});

void test("target accuracy waits for enough scored items, then compares with the target", () => {
  const c = targetAccuracy(0.8, { minItems: 10 });
  assert.equal(c.check(state([0.9], null, { accuracyEstimate: { value: 0.95, items: 5 } })).stop, false);
  assert.equal(c.check(state([0.9], null, { accuracyEstimate: { value: 0.75, items: 30 } })).stop, false);
  const d = c.check(state([0.9], null, { accuracyEstimate: { value: 0.85, items: 30 } }));
  assert.equal(d.stop, true);
  assert.match(d.reason, /0\.850.*30 items.*0\.800/);
});

void test("stabilizing predictions needs a full window of high agreement", () => {
  const c = stabilizingPredictions({ kappa: 0.99, window: 2 });
  const p = [0.9, 0.1, 0.8, 0.2];
  assert.equal(c.check(state(p, null)).stop, false);
  assert.equal(c.check(state(p, [1, 0, 1, 0])).stop, false); // one agreement of two
  const d = c.check(state(p, [1, 0, 1, 0]));
  assert.equal(d.stop, true);
  assert.match(d.reason, /kappa 1\.000 over the last 2/);
  // One disagreement drags the window mean below the threshold again.
  assert.equal(c.check(state(p, [1, 0, 0, 0])).stop, false);
});

void test("classification change fires only when no stop-set prediction changed", () => {
  const c = classificationChange();
  assert.equal(c.check(state([0.9, 0.1], null)).stop, false);
  const moved = c.check(state([0.9, 0.1], [1, 1]));
  assert.equal(moved.stop, false);
  assert.match(moved.reason, /1 of 2/);
  assert.equal(c.check(state([0.9, 0.1], [1, 0])).stop, true);
});

void test("uncertainty criteria look at unlabeled stop-set items only", () => {
  const p = [0.5, 0.999, 0.001];
  const labeledFirst = { stopLabeled: Uint8Array.from([1, 0, 0]) };
  assert.equal(maxUncertainty(0.1).check(state(p, null)).stop, false);
  assert.equal(maxUncertainty(0.1).check(state(p, null, labeledFirst)).stop, true);
  assert.equal(overallUncertainty(0.1).check(state(p, null)).stop, false);
  const d = overallUncertainty(0.1).check(state(p, null, labeledFirst));
  assert.equal(d.stop, true);
  assert.match(d.reason, /over 2 unlabeled stop-set items/);
});

void test("the monitor draws one seeded stop set and records where each criterion first fired", () => {
  const rng = new Rng(5);
  const rows = Array.from({ length: 400 }, () => [rng.next() * 4 - 2, rng.next() * 4 - 2]);
  const y = rows.map((r) => (r[0] - r[1] > 0 ? 1 : 0));
  const X = denseFromRows(rows);
  const make = (): StopMonitor => new StopMonitor({ X, nClasses: 2, criteria: defaultStoppingCriteria(60), seed: 3, stopSetSize: 100 });
  const monitor = make();
  assert.deepEqual(monitor.stopSet, make().stopSet);
  assert.equal(monitor.stopSet.length, 100);
  const labeled: number[] = [];
  let model = modelFactory("logreg")(2);
  for (let round = 0; round < 6; round++) {
    const batch = Array.from({ length: 10 }, (_, t) => round * 10 + t);
    if (round > 0) {
      const proba = model.predictProba(X, Int32Array.from(batch));
      monitor.scoreBatch(batch.map((_, t) => (proba[2 * t + 1] > 0.5 ? 1 : 0)), batch.map((i) => y[i]));
    }
    labeled.push(...batch);
    model = modelFactory("logreg")(2).fit(X, labeled.map((i) => y[i]), { rows: Int32Array.from(labeled) });
    monitor.observe(model, labeled);
  }
  const first = monitor.firstFired();
  const b = first.find((e) => e.criterion === "budget");
  assert.equal(b?.labels, 60);
  assert.ok(monitor.accuracyEstimate() !== null && (monitor.accuracyEstimate()?.items ?? 0) === 50);
  for (const e of first) assert.ok(e.reason.length > 10 && e.labels <= 60);
});

void test("notBefore holds a criterion back until enough labels, keeping its name and reason", () => {
  const c = notBefore(50, classificationChange());
  assert.equal(c.name, "classification_change");
  const early = c.check(state([0.9, 0.1], [1, 0]));
  assert.equal(early.stop, false);
  assert.match(early.reason, /no prediction .* changed at 10 labels, but fewer than 50 labels are spent\./);
  assert.equal(c.check({ ...state([0.9, 0.1], [1, 0]), labeled: 50 }).stop, true);
});
