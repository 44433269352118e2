import assert from "node:assert/strict";
import test from "node:test";
import { dense } from "../linalg/matrix.js";
import { accuracyBelow, countSlices, mergeCounts, sliceTable, underLabeled } from "./slices.js";
import { clusterCoverage, poolClusters } from "./slices-clusters.js";
import { MISSING_SLICE, TooManySliceValues, sliceValues } from "./slices-values.js";

/** `n` copies of `v`. */
const rep = <T>(v: T, n: number): T[] => Array.from({ length: n }, () => v);

// Pool of 100: A 60, B 30, C 10; 40 labels: A 30, B 5, C 5. Evaluation sample of 80: A 45/50
// right, B 10/20, C 8/10; the whole: 63/80 = 0.7875.
const hand = countSlices({
  pool: [...rep("A", 60), ...rep("B", 30), ...rep("C", 10)],
  labeled: [...rep(1, 30), ...rep(0, 30), ...rep(1, 5), ...rep(0, 25), ...rep(1, 5), ...rep(0, 5)],
  evaluated: [...rep("A", 50), ...rep("B", 20), ...rep("C", 10)],
  correct: [...rep(1, 45), ...rep(0, 5), ...rep(1, 10), ...rep(0, 10), ...rep(1, 8), ...rep(0, 2)],
});

void test("a hand-built slice table: shares, accuracies, Wilson intervals and both flags", () => {
  const t = sliceTable("Dept", hand, { labeledBy: "random" });
  assert.equal(t.pool, 100);
  assert.equal(t.labels, 40);
  assert.equal(t.accuracy, 0.7875);
  assert.equal(t.n, 80);
  assert.deepEqual(
    t.rows.map((r) => [r.value, r.pool, r.pool_share, r.labels, r.label_share, r.accuracy, r.n]),
    [
      ["A", 60, 0.6, 30, 0.75, 0.9, 50],
      ["B", 30, 0.3, 5, 0.125, 0.5, 20],
      ["C", 10, 0.1, 5, 0.125, 0.8, 10],
    ],
  );
  // Wilson 95% for 10/20 is [0.2993, 0.7007] (by hand: centre 0.5 + z²/40, half-width z·√(0.25/20 + z²/1600), over 1 + z²/20).
  const b = t.rows[1];
  assert.equal(b.low, 0.2993);
  assert.equal(b.high, 0.7007);
  // B: 12.5% of the labels against 30% of the pool (< 15%), and 0.7007 < 0.7875: both flags.
  assert.deepEqual(b.flags, ["under-labeled", "accuracy below the whole"]);
  // A is over-labeled and accurate; C is too small to judge for labels, and 8/10 has upper bound 0.943 > 0.7875.
  assert.deepEqual(t.rows[0].flags, []);
  assert.deepEqual(t.rows[2].flags, []);
  assert.equal(t.findings.length, 2);
  assert.match(t.findings[0], /^random took 13% of its labels from Dept = B, but Dept = B is 30% of the pool/);
  assert.match(t.findings[1], /^random: accuracy on Dept = B is 0\.500 \(95% interval 0\.299–0\.701, n = 20\), below 0\.787 on the whole/);
});

void test("the under-labeled rule: half the pool share, big enough slices, enough expected labels", () => {
  assert.equal(underLabeled(30, 5, 100, 40), true); // 12.5% < 15%
  assert.equal(underLabeled(30, 6, 100, 40), false); // exactly 15%: not under half
  assert.equal(underLabeled(19, 0, 100, 40), false); // fewer than 20 pool items: never judged
  assert.equal(underLabeled(20, 0, 1000, 100), false); // 2% of 100 labels = 2 expected < 5: not judged
  assert.equal(underLabeled(20, 0, 100, 100), true);
  assert.equal(underLabeled(50, 0, 100, 0), false); // no labels yet
});

void test("the accuracy rule: the slice's Wilson upper bound under the whole's accuracy", () => {
  assert.equal(accuracyBelow(10, 20, 0.7875), true); // upper 0.7007
  assert.equal(accuracyBelow(10, 20, 0.7), false); // upper 0.7007 is not below 0.70
  assert.equal(accuracyBelow(2, 4, 0.8), false); // 2/4: upper 0.85 — four items are too few to say it is below 0.8
  assert.equal(accuracyBelow(2, 4, 0.9), true); // … but enough to say it is below 0.9
  assert.equal(accuracyBelow(0, 0, 0.9), false);
  assert.equal(accuracyBelow(1, 10, null), false);
});

void test("merged counts are the sums; values seen only in the evaluation sample get a row", () => {
  const twice = mergeCounts([hand, hand]);
  assert.deepEqual(
    twice.map((c) => [c.value, c.pool, c.labels, c.evalN, c.evalRight]),
    [
      ["A", 120, 60, 100, 90],
      ["B", 60, 10, 40, 20],
      ["C", 20, 10, 20, 16],
    ],
  );
  // Doubled counts as two independent samples: the same shares and flags, narrower intervals.
  const t = sliceTable("Dept", twice);
  assert.deepEqual(t.rows[1].flags, ["under-labeled", "accuracy below the whole"]);
  assert.ok((t.rows[1].high ?? 1) < 0.7007);
  // As two runs over the same rows: one sample's worth of evidence, the intervals of one run.
  const runs = sliceTable("Dept", twice, { runs: 2 });
  assert.equal(runs.rows[1].high, 0.7007);
  assert.equal(runs.rows[1].n, 40);
  const extra = sliceTable("x", countSlices({ pool: ["a"], labeled: [0], evaluated: ["b"], correct: [1] }));
  assert.deepEqual(
    extra.rows.map((r) => [r.value, r.pool, r.n, r.accuracy]),
    [
      ["b", 0, 1, 1],
      ["a", 1, 0, null],
    ].sort((p, q) => Number(q[1]) - Number(p[1])),
  );
});

void test("slice values: texts, missing cells, numeric quartiles, too many values refused", () => {
  assert.deepEqual(sliceValues("d", ["Sales", " R&D ", null, "NA", "Sales"]), { values: ["Sales", "R&D", MISSING_SLICE, MISSING_SLICE, "Sales"], kind: "values" });
  // A few numeric levels stay values.
  assert.deepEqual(sliceValues("stars", ["1", "2", "2", "5"]).values, ["1", "2", "2", "5"]);
  // 1..20: quartiles 5.75, 10.5, 15.25.
  const ages = Array.from({ length: 20 }, (_, i) => String(i + 1));
  const q = sliceValues("age", [...ages, ""]);
  assert.equal(q.kind, "quartiles");
  assert.deepEqual([...new Set(q.values)], ["≤ 5.75", "5.75 < x ≤ 10.5", "10.5 < x ≤ 15.25", "> 15.25", MISSING_SLICE]);
  assert.deepEqual(q.values.slice(4, 7), ["≤ 5.75", "5.75 < x ≤ 10.5", "5.75 < x ≤ 10.5"]);
  const ids = Array.from({ length: 51 }, (_, i) => `id-${i}`);
  assert.throws(() => sliceValues("name", ids), (e: unknown) => e instanceof TooManySliceValues && e.distinct === 51 && /column "name" has 51 distinct values; a slice column may have at most 50/.test(e.message));
  assert.equal(sliceValues("name", ids.slice(0, 50)).kind, "values");
  // A table of quartiles lists them low to high, not by pool share.
  const lowHigh = sliceTable("age", countSlices({ pool: q.values, labeled: q.values.map(() => 0), evaluated: [], correct: [] }), { order: q.order });
  assert.deepEqual(lowHigh.rows.map((r) => r.value), ["≤ 5.75", "5.75 < x ≤ 10.5", "10.5 < x ≤ 15.25", "> 15.25", MISSING_SLICE]);
});

void test("cluster coverage: clusters with a label, their pool share, under-labeled clusters", () => {
  // Three clusters of 40, 40 and 20 rows; labels 20, 0 and 2 (cluster 2 would expect 4.4 labels: not judged).
  const assignment = [...rep(0, 40), ...rep(1, 40), ...rep(2, 20)];
  const labeled = [...rep(1, 20), ...rep(0, 20), ...rep(0, 40), ...rep(1, 2), ...rep(0, 18)];
  const c = clusterCoverage(assignment, 3, labeled);
  assert.equal(c.covered, 2);
  assert.equal(c.covered_pool_share, 0.6);
  assert.equal(c.under_labeled, 1);
  assert.deepEqual(
    c.clusters.map((r) => [r.cluster, r.pool, r.labels, r.label_share, r.under_labeled]),
    [
      [0, 40, 20, 0.9091, false],
      [1, 40, 0, 0, true],
      [2, 20, 2, 0.0909, false],
    ],
  );
});

void test("pool clusters: seeded k-means finds two separate blobs, the same for the same seed", () => {
  const rows = 60;
  const X = dense(rows, 2, Float64Array.from({ length: rows * 2 }, (_, i) => (Math.floor(i / 2) < 30 ? 0 : 10) + ((i * 7919) % 13) / 13));
  const a = poolClusters(X, 3);
  assert.ok(a !== null);
  assert.equal(a.k, 3);
  const first = new Set(a.assignment.slice(0, 30));
  const second = new Set(a.assignment.slice(30));
  assert.ok([...first].every((c) => !second.has(c)), "no cluster spans both blobs");
  assert.deepEqual(poolClusters(X, 3)?.assignment, a.assignment);
  assert.equal(poolClusters(dense(39, 2), 0), null);
});
