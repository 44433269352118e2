import assert from "node:assert/strict";
import test from "node:test";
import { dense } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { encodeAnnotations, sortLabels } from "./annotations.js";
import { dawidSkene, estimatedAccuracy } from "./dawid-skene.js";
import { majorityVote } from "./majority.js";
import { modelConsensus } from "./model-consensus.js";
import { dealFolds } from "./cross-val.js";
import { simulateCrowd } from "./simulate-crowd.js";

const ACC = [0.95, 0.85, 0.75, 0.65, 0.55];

/** The confusion matrix simulateCrowd draws from: right with p, else 60% the next label, 40% uniform other. */
function trueConfusion(p: number, K: number): number[][] {
  return Array.from({ length: K }, (_, t) =>
    Array.from({ length: K }, (_, g) => (g === t ? p : (1 - p) * ((g === (t + 1) % K ? 0.6 : 0) + 0.4 / (K - 1)))),
  );
}

function truthOf(n: number, K: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(K));
}

const accuracyOf = (label: Int32Array, truth: Int32Array, labels: readonly string[], items: readonly string[]): number => {
  let right = 0;
  label.forEach((l, i) => {
    if (Number(labels[l]) === truth[Number(items[i].slice(1))]) right++;
  });
  return right / label.length;
};

void test("Dawid-Skene recovers the annotators' confusion matrices and beats majority vote", () => {
  const K = 3;
  const truth = truthOf(4000, K, 11);
  const a = simulateCrowd(truth, K, { accuracy: ACC, seed: 5 });
  const ds = dawidSkene(a);
  assert.ok(ds.converged, `${ds.iterations} iterations`);
  assert.deepEqual(a.annotators, ["a1", "a2", "a3", "a4", "a5"]);
  a.annotators.forEach((_, j) => {
    const want = trueConfusion(ACC[j], K);
    for (let t = 0; t < K; t++) {
      for (let g = 0; g < K; g++) {
        const got = ds.confusion[j][t * K + g];
        assert.ok(Math.abs(got - want[t][g]) < 0.05, `annotator a${j + 1} [${t}][${g}]: ${got.toFixed(3)} vs ${want[t][g].toFixed(3)}`);
      }
    }
    assert.ok(Math.abs(estimatedAccuracy(ds.confusion[j], ds.prior) - ACC[j]) < 0.03);
  });
  for (let c = 0; c < K; c++) assert.ok(Math.abs(ds.prior[c] - 1 / 3) < 0.03);
  const mv = accuracyOf(majorityVote(a).label, truth, a.labels, a.items);
  const em = accuracyOf(ds.consensus.label, truth, a.labels, a.items);
  assert.ok(em > mv + 0.02, `Dawid-Skene ${em} vs majority ${mv}`);
  // Deterministic.
  assert.deepEqual(dawidSkene(a).consensus.label, ds.consensus.label);
});

void test("Dawid-Skene stops at the iteration cap and reports it", () => {
  const a = simulateCrowd(truthOf(300, 3, 1), 3, { accuracy: ACC, seed: 2 });
  const r = dawidSkene(a, { maxIter: 2 });
  assert.equal(r.iterations, 2);
  assert.equal(r.converged, false);
  for (let i = 0; i < 300; i++) {
    let s = 0;
    for (let c = 0; c < 3; c++) s += r.consensus.probs[i * 3 + c];
    assert.ok(Math.abs(s - 1) < 1e-9);
  }
});

void test("majority vote: ties go to the label given most often overall, then to the first in order", () => {
  const a = encodeAnnotations([
    // "b" is the most frequent label overall (5 times); "a" and "c" are given 3 times each.
    { item: "t1", annotator: "x", label: "a" },
    { item: "t1", annotator: "y", label: "b" },
    { item: "t2", annotator: "x", label: "b" },
    { item: "t2", annotator: "y", label: "b" },
    { item: "t3", annotator: "x", label: "b" },
    { item: "t4", annotator: "x", label: "a" },
    { item: "t4", annotator: "y", label: "c" },
    { item: "t5", annotator: "x", label: "c" },
    { item: "t5", annotator: "y", label: "a" },
    { item: "t5", annotator: "z", label: "c" },
    { item: "t6", annotator: "z", label: "b" },
  ]);
  const m = majorityVote(a);
  const got = Array.from(m.label, (l) => a.labels[l]);
  // t1: a/b tie -> b (more frequent, though it sorts after a); t4: a/c tie, equally frequent -> a
  // (sorts first); t5: c wins 2-1.
  assert.deepEqual(got, ["b", "b", "b", "a", "c", "b"]);
  assert.deepEqual(Array.from(m.nLabels), [2, 2, 1, 2, 3, 1]);
  assert.deepEqual(Array.from(m.confidence, (c) => Number(c.toFixed(3))), [0.5, 1, 1, 0.5, 0.667, 1]);
  // Equal frequencies overall: the label that sorts first.
  const b = encodeAnnotations([
    { item: "t1", annotator: "x", label: "q" },
    { item: "t1", annotator: "y", label: "p" },
  ]);
  assert.equal(b.labels[majorityVote(b).label[0]], "p");
});

void test("labels sort numerically when all are numbers; a repeated label by one annotator keeps the last", () => {
  assert.deepEqual(sortLabels(["10", "9", "2"]), ["2", "9", "10"]);
  assert.deepEqual(sortLabels(["b", "10", "a"]), ["10", "a", "b"]);
  const a = encodeAnnotations([
    { item: "t", annotator: "x", label: "a" },
    { item: "t", annotator: "x", label: "b" },
  ]);
  assert.equal(a.item.length, 1);
  assert.equal(a.labels[a.label[0]], "b");
});

void test("stratified folds deal every class evenly over the folds", () => {
  const y = Int32Array.from({ length: 103 }, (_, i) => (i < 50 ? 0 : i < 100 ? 1 : 2));
  const f = dealFolds(y, 3, 5, 0);
  for (const c of [0, 1]) {
    const per = new Int32Array(5);
    y.forEach((l, r) => {
      if (l === c) per[f[r]]++;
    });
    assert.deepEqual(Array.from(per), [10, 10, 10, 10, 10]);
  }
  assert.deepEqual(dealFolds(y, 3, 5, 0), f);
  // The class of 3 rows (fewer than folds) is dealt without complaint, to 3 folds.
  assert.equal(new Set(Array.from(f.subarray(100))).size, 3);
});

void test("model consensus uses informative features to beat Dawid-Skene, and is deterministic per seed", () => {
  const K = 3;
  const n = 900;
  const truth = truthOf(n, K, 21);
  // Two noisy features that separate the classes: class centres on a triangle.
  const rng = new Rng(4);
  const X = dense(n, 2);
  const centres = [
    [0, 0],
    [3, 0],
    [1.5, 2.6],
  ];
  for (let i = 0; i < n; i++) for (let d = 0; d < 2; d++) X.data[i * 2 + d] = centres[truth[i]][d] + (rng.next() + rng.next() + rng.next() - 1.5) * 1.2;
  const a = simulateCrowd(truth, K, { accuracy: [0.8, 0.7, 0.6, 0.55, 0.5], seed: 8 });
  // Items appear in row order, so row i of X is item i of the annotations.
  assert.equal(a.items[10], "i10");
  const ds = accuracyOf(dawidSkene(a).consensus.label, truth, a.labels, a.items);
  const r = modelConsensus(a, X, { seed: 1 });
  const mc = accuracyOf(r.consensus.label, truth, a.labels, a.items);
  assert.ok(mc > ds + 0.02, `model ${mc} vs Dawid-Skene ${ds}`);
  assert.ok(r.softConfusion !== null && estimatedAccuracy(r.softConfusion, r.prior) > 0.8);
  assert.deepEqual(modelConsensus(a, X, { seed: 1 }).consensus.probs, r.consensus.probs);
});

void test("model consensus on a tiny file keeps the annotators' evidence (no slide to flat posteriors)", () => {
  const a = encodeAnnotations(
    [
      ["i1", "a", "pos"], ["i1", "b", "pos"], ["i2", "a", "neg"], ["i2", "b", "pos"], ["i3", "a", "pos"],
      ["i4", "b", "neg"], ["i5", "a", "pos"], ["i6", "a", "neg"], ["i6", "b", "neg"],
    ].map(([item, annotator, label]) => ({ item, annotator, label })),
  );
  const X = dense(6, 1, Float64Array.from([1, -1, 1, -1, 1, -1]));
  const r = modelConsensus(a, X, { seed: 0 });
  assert.deepEqual(Array.from(r.consensus.label, (l) => a.labels[l]), ["pos", "neg", "pos", "neg", "pos", "neg"]);
  assert.ok(r.consensus.confidence[0] > 0.8 && r.consensus.confidence[5] > 0.8);
});
