import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { committeeCandidates, committeeContext, committeeProba, klScores, qbcKl, qbcMaxDisagreement, qbcVoteEntropy, voteEntropyScores } from "./committee.js";
import { makeContext } from "./testing.js";
import { marginScores } from "./uncertainty.js";

// Three members, two items, two classes: they agree on item 0, split 2:1 on item 1.
const members = [Float64Array.from([0.9, 0.1, 0.6, 0.4]), Float64Array.from([0.8, 0.2, 0.3, 0.7]), Float64Array.from([0.7, 0.3, 0.8, 0.2])];

void test("vote entropy: 0 when all members vote alike, H(2/3, 1/3) on a 2:1 split", () => {
  const s = voteEntropyScores(members, 2, 2);
  assert.ok(s[0] < 1e-5);
  const h = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
  assert.ok(Math.abs(s[1] - h) < 1e-5);
});

void test("KL to the consensus: mean and max over members, by hand", () => {
  const kl = (p: number, q: number): number => p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
  const avg1 = (0.6 + 0.3 + 0.8) / 3;
  const each = [kl(0.6, avg1), kl(0.3, avg1), kl(0.8, avg1)];
  const mean = klScores(members, 2, 2, "mean");
  const max = klScores(members, 2, 2, "max");
  assert.ok(Math.abs(mean[1] - (each[0] + each[1] + each[2]) / 3) < 1e-12);
  assert.ok(Math.abs(max[1] - Math.max(...each)) < 1e-12);
  assert.ok(mean[0] < mean[1]);
});

// 1-D: overlapping classes around 0, unlabeled items far left, at the boundary, far right.
const rows = [[-3], [-1], [0.5], [-0.5], [1], [3], [-2.5], [2.5], [-8], [0], [8]];
const labeled = [0, 1, 2, 3, 4, 5, 6, 7];
const labels = [0, 0, 0, 1, 1, 1, 0, 1];

void test("bagged members differ, see every class, and are reproducible under the seed", () => {
  const a = committeeProba(makeContext(rows, labeled, labels, { seed: 3 }));
  const b = committeeProba(makeContext(rows, labeled, labels, { seed: 3 }));
  assert.equal(a.length, 5);
  assert.deepEqual(a, b);
  assert.ok(a.some((p) => p[2] !== a[0][2]), "members should differ on the boundary item");
  for (const p of a) assert.ok(p[0] > 0.5 && p[5] > 0.5, "every member predicts both classes somewhere");
});

void test("every committee strategy queries the boundary item before the far ones", () => {
  for (const s of [qbcVoteEntropy, qbcKl, qbcMaxDisagreement]) {
    const sel = s.select(makeContext(rows, labeled, labels, { seed: 5 }), 1);
    assert.deepEqual(Array.from(sel.indices), [9], s.name);
  }
});

void test("committee work budget: whole pools within it; above it the lowest-margin candidates, and the batch comes from them", () => {
  const dense = (n: number, cols: number) => ({ kind: "dense" as const, rows: n, cols, data: new Float64Array(0) });
  assert.equal(committeeCandidates(dense(100_000, 50), 100_000), 100_000);
  assert.equal(committeeCandidates(dense(1_000_000, 50), 1_000_000), 160_000);
  assert.equal(committeeCandidates(dense(5_000, 50), 5_000, 5, 1), 1000, "never fewer than 1,000");
  const rng = new Rng(4);
  const pool = Array.from({ length: 3000 }, () => [rng.next() * 6 - 3, rng.next() * 6 - 3]);
  const lab = Array.from({ length: 40 }, (_, i) => i);
  const ctx = () => makeContext(pool, lab, lab.map((i) => (pool[i][0] + pool[i][1] > 0 ? 1 : 0)), { seed: 2 });
  const c = ctx();
  const budget = 5 * 2 * 1000; // exactly 1,000 candidates of 2 dense columns
  const sub = committeeContext(c, 5, budget);
  assert.equal(sub.unlabeled.length, 1000);
  const u = marginScores(c.model.predictProba(c.X, c.unlabeled), c.unlabeled.length, 2);
  const cut = Array.from(u).sort((a, b) => b - a)[999];
  for (const i of sub.unlabeled) assert.ok(u[c.unlabeled.indexOf(i)] >= cut, `item ${i} is among the 1,000 least sure`);
  assert.ok(sub.unlabeled.every((v, t) => t === 0 || v > sub.unlabeled[t - 1]), "in pool order");
  assert.equal(committeeContext(c), c, "within the default budget the context is unchanged");
  // The registered strategy on a whole pool equals the unbudgeted committee on it.
  const s = qbcKl.select(ctx(), 5);
  const members = committeeProba(ctx());
  const scores = klScores(members, c.unlabeled.length, 2, "mean");
  const best = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 5).map((p) => c.unlabeled[p]);
  assert.deepEqual(Array.from(s.indices), best);
});
