import assert from "node:assert/strict";
import test from "node:test";
import type { CriterionState, Iteration } from "../store/types.js";
import { accuracyReport, figure, pooledTestThenTrain, stoppingAdvice, type Figure } from "./advice.js";
import { expectedGain } from "./learning-curve.js";

const it = (i: number, accuracy: number | null, n: number): Iteration => ({ iteration: i, createdAt: i, labeled: 10 * i, accuracy, accuracyN: n, holdoutAccuracy: null, holdoutN: 0, trainMs: 1 });
const crit = (name: string, state: CriterionState["state"]): CriterionState => ({ name, state, reason: `${name} ${state}.` });
const headline: Figure = figure("pool", "estimated accuracy over the whole pool", "m", 0.9, 100, "random picks", "none");
const base = { headline, randomCurve: null, auditPicks: 100, spent: 100, labeled: 110, total: 1000, budget: null, target: null, retrains: 10 };
const model = ["stabilizing_predictions", "overall_uncertainty", "max_uncertainty", "classification_change"];

void test("figure: no value below 10 items, else the Wilson interval and a readable line", () => {
  const few = figure("pool", "x", "m", 1, 3, "random picks", "none");
  assert.equal(few.value, null);
  assert.equal(few.text, "not enough random picks yet (3 of 10)");
  assert.deepEqual([headline.value, headline.low, headline.high], [0.9, 0.8256, 0.9448]);
  assert.equal(headline.text, "90.0% (95% interval 82.6%–94.5%, 100 random picks)");
});

void test("advice: one model-based criterion is not enough; two agree, the budget or the target stop", () => {
  const one = stoppingAdvice({ ...base, criteria: [crit("budget", "off"), crit("target_accuracy", "off"), crit(model[0], "fired"), ...model.slice(1).map((n) => crit(n, "waiting"))] });
  assert.equal(one.stop, false);
  assert.match(one.sentence, /^Keep labeling: only stabilizing predictions fired; stopping needs/);
  const two = stoppingAdvice({ ...base, criteria: [crit(model[0], "fired"), crit(model[3], "fired"), crit(model[1], "waiting")] });
  assert.equal(two.stop, true);
  assert.match(two.sentence, /^You can stop now: stabilizing predictions and classification change agree\. Estimated accuracy over the whole pool: 90\.0% \(95% interval 82\.6%–94\.5%, 100 random picks\)\./);
  const budget = stoppingAdvice({ ...base, budget: 100, criteria: [crit("budget", "waiting")] });
  assert.equal(budget.stop, true, "the budget is checked against the labels spent now, not at the last retrain");
  assert.deepEqual(budget.budget, { limit: 100, spent: 100, reached: true });
  const target = stoppingAdvice({ ...base, target: 0.85, criteria: [crit("target_accuracy", "fired")] });
  assert.equal(target.stop, true);
  assert.deepEqual(target.target, { accuracy: 0.85, reached: true });
  const none = stoppingAdvice({ ...base, criteria: [], retrains: 0 });
  assert.match(none.sentence, /there is no model yet/);
  assert.equal(none.next100, null);
  assert.match(none.next100Text, /unknown/);
});

void test("the next 100 labels: a gain from the fitted curve with a range that contains it", () => {
  const curve = { b: 0.8, c: 0.5, n: 60, logM: Math.log(30), logErr: Math.log(0.8 / Math.sqrt(30)), cSe: 0.05, points: 5 };
  const g = expectedGain(curve, 0.9, 100);
  assert.ok(g !== null);
  // err 0.1 is reached at m = 64 by this curve; at 164, err = 0.8 / sqrt(164) = 0.0625.
  assert.ok(Math.abs(g.gain - (0.1 - 0.8 / Math.sqrt(164))) < 1e-9, String(g.gain));
  assert.ok(g.low <= g.gain && g.gain <= g.high && g.high > g.low);
  const a = stoppingAdvice({ ...base, randomCurve: curve, criteria: [crit(model[0], "waiting")] });
  assert.equal(a.next100?.gain, Math.round(g.gain * 10_000) / 10_000);
  assert.match(a.next100Text, /^The next 100 labels are expected to add 3\.8 accuracy points \(range /);
});

void test("test-then-train pools the latest models until 50 labels", () => {
  const its = [it(1, 0.5, 10), it(2, 0.6, 10), it(3, 0.7, 10), it(4, 0.8, 10), it(5, null, 0)];
  assert.deepEqual(pooledTestThenTrain({ correct: 9, n: 10 }, its), { correct: 9 + 8 + 7 + 6 + 5, n: 50, models: 5 });
  assert.deepEqual(pooledTestThenTrain({ correct: 30, n: 60 }, its), { correct: 30, n: 60, models: 1 });
  assert.equal(pooledTestThenTrain({ correct: 0, n: 0 }, []), null);
});

void test("imported labels: not in the headline, except when every item was imported", () => {
  const latest: Iteration = { ...it(1, null, 0), holdoutAccuracy: null, holdoutN: 0, assessment: { criteria: [], kappa: null, randomCurve: null, imported: { accuracy: 0.8, n: 40 }, importedCurve: null } };
  const some = accuracyReport({ latest, hard: null, labeled: 45, total: 100, importedLabels: 40 });
  assert.equal(some.headline.kind, "pool");
  assert.equal(some.headline.value, null);
  assert.ok(some.others.some((f) => f.kind === "imported" && f.value === 0.8));
  assert.match(some.importedLabels, /do not count in the estimate/);
  const all = accuracyReport({ latest, hard: null, labeled: 40, total: 40, importedLabels: 40 });
  assert.equal(all.headline.kind, "imported");
  assert.equal(all.headline.value, 0.8);
  assert.match(all.importedLabels, /^All 40 labels were imported/);
});
