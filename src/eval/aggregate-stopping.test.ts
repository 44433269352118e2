import assert from "node:assert/strict";
import test from "node:test";
import { meanRanks, seedRanks, summarizeStopping } from "./aggregate-stopping.js";
import type { RunResult } from "./run.js";

void test("ranks per seed by AULC, ties sharing their mean rank, then averaged", () => {
  const aulc = { a: [0.9, 0.8, 0.7], b: [0.8, 0.8, 0.9], c: [0.7, 0.6, 0.8] };
  assert.deepEqual(seedRanks(aulc), { a: [1, 1.5, 3], b: [2, 1.5, 1], c: [3, 3, 2] });
  assert.deepEqual(meanRanks(aulc), { a: 1.833, b: 1.5, c: 2.667 });
});

void test("a criterion that never fired counts as stopping at the end of the run", () => {
  const run = (stops: RunResult["stops"]): RunResult => ({ labels: [10, 20, 30], accuracy: [0.5, 0.7, 0.8], iterationSeconds: [0, 0], stops });
  const runs = [run([{ criterion: "x", labels: 20, accuracy: 0.7, reason: "because" }]), run([])];
  const s = summarizeStopping(["x", "y"], runs);
  assert.deepEqual(s.x, { mean_labels: 25, mean_accuracy: 0.75, accuracy_lost_vs_budget: 0.05, fired_in_seeds: 1, example_reason: "because" });
  assert.deepEqual(s.y, { mean_labels: 30, mean_accuracy: 0.8, accuracy_lost_vs_budget: 0, fired_in_seeds: 0, example_reason: null });
});
