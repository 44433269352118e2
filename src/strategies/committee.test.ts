import assert from "node:assert/strict";
import test from "node:test";
import { committeeProba, klScores, qbcKl, qbcMaxDisagreement, qbcVoteEntropy, voteEntropyScores } from "./committee.js";
import { makeContext } from "./testing.js";

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
