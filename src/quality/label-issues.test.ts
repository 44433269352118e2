import assert from "node:assert/strict";
import test from "node:test";
import { dense } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { defaultRepeats, findLabelIssues } from "./label-issues.js";

/** Three well-separated 2-D blobs of 60 rows each; `flips` rows given another class. */
function blobs(seed: number, flips: number): { X: ReturnType<typeof dense>; y: Int32Array; flipped: Set<number> } {
  const rng = new Rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centres = [[0, 0], [6, 0], [0, 6]];
  const n = 180;
  const X = dense(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    X.data[2 * i] = centres[c][0] + gauss();
    X.data[2 * i + 1] = centres[c][1] + gauss();
  }
  const flipped = new Set(rng.sample(Int32Array.from({ length: n }, (_, i) => i), flips));
  for (const i of flipped) y[i] = (y[i] + 1 + rng.int(2)) % 3;
  return { X, y, flipped };
}

void test("finds the flipped labels of well-separated classes, and suggests their true class", () => {
  const { X, y, flipped } = blobs(3, 12);
  const truth = blobs(3, 0).y;
  const r = findLabelIssues(X, y, ["a", "b", "c"]);
  let tp = 0;
  for (let i = 0; i < y.length; i++) if (r.issue[i] === 1 && flipped.has(i)) tp++;
  assert.ok(tp >= 11, `found ${tp} of 12 flipped rows`);
  assert.ok(r.flagged <= 14, `flagged ${r.flagged}`);
  for (const i of flipped) if (r.issue[i] === 1) assert.equal(r.suggested[i], truth[i], `row ${i}`);
  for (let i = 0; i < y.length; i++) {
    assert.ok(r.quality[i] >= 0 && r.quality[i] <= 1);
    if (r.issue[i] === 1) assert.notEqual(r.suggested[i], y[i]);
  }
  // Noise of 12/180 spread over three classes: each estimated near 7%, well under 25%.
  for (const rate of r.noiseRates) assert.ok(rate < 0.25, `noise rate ${rate}`);
});

void test("same seed, same result; another seed, other folds", () => {
  const { X, y } = blobs(5, 10);
  const a = findLabelIssues(X, y, ["a", "b", "c"], { seed: 4 });
  const b = findLabelIssues(X, y, ["a", "b", "c"], { seed: 4 });
  assert.deepEqual(a.issue, b.issue);
  assert.deepEqual(a.probabilities, b.probabilities);
  const c = findLabelIssues(X, y, ["a", "b", "c"], { seed: 5 });
  assert.notDeepEqual(a.probabilities, c.probabilities);
});

void test("naive Bayes works on non-negative features", () => {
  const { X, y } = blobs(7, 9);
  for (let i = 0; i < X.data.length; i++) X.data[i] += 5;
  const r = findLabelIssues(X, y, ["a", "b", "c"], { model: "nb" });
  assert.equal(r.quality.length, 180);
});

void test("bad options are errors naming them", () => {
  const { X, y } = blobs(1, 0);
  assert.throws(() => findLabelIssues(X, y, ["a", "b", "c"], { folds: 1 }), /option --folds/);
  assert.throws(() => findLabelIssues(X, y, ["a", "b", "c"], { folds: 61 }), /class "a" has 60 rows.*--folds 61/);
  assert.throws(() => findLabelIssues(X, y, ["a", "b", "c"], { seed: 1.5 }), /option --seed/);
  assert.throws(() => findLabelIssues(X, y, ["a", "b", "c"], { model: "svm" as "nb" }), /option --model must be logreg or nb/);
});

void test("three cross-validations are averaged up to 20,000 rows, one above", () => {
  assert.equal(defaultRepeats(20_000), 3);
  assert.equal(defaultRepeats(20_001), 1);
});
