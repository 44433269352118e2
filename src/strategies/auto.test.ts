import assert from "node:assert/strict";
import test from "node:test";
import { ActiveLearner } from "../loop/learner.js";
import { denseFromRows } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { modelFactory } from "../models/registry.js";
import { createAuto } from "./auto.js";
import { getStrategy } from "./registry.js";
import { random } from "./random.js";
import { margin } from "./uncertainty.js";

/** Three noisy classes in the plane. */
function pool(): { X: ReturnType<typeof denseFromRows>; y: number[] } {
  const rng = new Rng(4);
  const rows = Array.from({ length: 240 }, () => [rng.next() * 6 - 3, rng.next() * 6 - 3]);
  return { X: denseFromRows(rows), y: rows.map((r) => (r[0] > 1 ? 2 : r[0] + r[1] > 0 ? 1 : 0)) };
}

function run(seed: number, batch: number, rounds: number): { picked: number[]; shares: number[] } {
  const { X, y } = pool();
  const auto = createAuto();
  const al = new ActiveLearner({ X, nClasses: 3, model: modelFactory("logreg"), strategy: auto, seed });
  const first = [0, 1, 2, 3, 4, 5];
  al.teach(first, first.map((i) => y[i]));
  const picked: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { indices, scores } = al.query(batch);
    assert.equal(indices.length, batch);
    for (const s of scores) assert.ok(s > 0 && s <= 1);
    picked.push(...indices);
    al.teach(indices, Array.from(indices, (i) => y[i]));
  }
  return { picked, shares: auto.armShares().map((a) => a.share) };
}

void test("auto draws distinct unlabeled items in batches, reproducibly under a seed", () => {
  const a = run(1, 7, 8);
  assert.equal(new Set(a.picked).size, a.picked.length);
  for (const i of a.picked) assert.ok(i > 5);
  assert.deepEqual(a, run(1, 7, 8));
  assert.notDeepEqual(a.picked, run(2, 7, 8).picked);
});

void test("the bandit's arm shares stay a distribution and move with rewards", () => {
  const { shares } = run(3, 10, 10);
  assert.equal(shares.length, 3);
  assert.deepEqual(createAuto().armShares().map((a) => a.arm), ["margin", "typical_variance", "representative"]);
  assert.ok(Math.abs(shares.reduce((s, v) => s + v, 0) - 1) < 1e-9);
  assert.ok(shares.some((s) => Math.abs(s - 1 / 3) > 1e-6));
});

void test("auto asks no more items than are unlabeled; options are checked; registry instances are fresh", () => {
  const { X, y } = pool();
  const auto = createAuto({ arms: [random, margin] });
  assert.deepEqual(auto.armShares().map((a) => a.arm), ["random", "margin"]);
  const al = new ActiveLearner({ X, nClasses: 3, model: modelFactory("logreg"), strategy: auto, seed: 0 });
  const all = Array.from({ length: 236 }, (_, i) => i);
  al.teach(all, all.map((i) => y[i]));
  assert.deepEqual([...al.query(10).indices].sort((p, q) => p - q), [236, 237, 238, 239]);
  assert.throws(() => createAuto({ arms: [] }), /at least one arm/);
  assert.throws(() => createAuto({ uniformShare: 0, learningRate: -1 }), /uniformShare[\s\S]*learningRate/);
  assert.notEqual(getStrategy("auto"), getStrategy("auto"));
});
