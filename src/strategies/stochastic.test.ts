import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { getStrategy } from "./registry.js";
import { epsilonMargin, gumbelTopK, powerMargin, stochasticLogits } from "./stochastic.js";
import { fixedModel, makeContext } from "./testing.js";
import { margin } from "./uncertainty.js";

void test("Gumbel-top-k draws the first item with P ∝ exp(logit)", () => {
  const rng = new Rng(3);
  const logits = Float64Array.from([Math.log(1), Math.log(3), -Infinity]);
  let second = 0;
  const trials = 20000;
  for (let t = 0; t < trials; t++) {
    const pick = gumbelTopK(logits, 2, rng);
    if (pick[0] === 1) second++;
    assert.deepEqual([...pick].sort(), [0, 1], "a -Infinity logit is never drawn while others are left");
  }
  assert.ok(Math.abs(second / trials - 0.75) < 0.015, `first draw is item 1 in ${second / trials}, expected 0.75`);
});

void test("power logits are beta ln s; soft-rank logits are -beta ln rank", () => {
  const s = Float64Array.from([0.5, 1, 0]);
  assert.deepEqual(Array.from(stochasticLogits(s, "power", 2)), [2 * Math.log(0.5), 0, -Infinity]);
  assert.deepEqual(Array.from(stochasticLogits(s, "softrank", 1)), [-Math.log(2), -0, -Math.log(3)]);
});

const rows = Array.from({ length: 40 }, (_, i) => [i, i % 3]);
const proba = rows.map((_, i) => (i < 2 ? (i === 0 ? [1, 0] : [0, 1]) : [0.5 + i / 100, 0.5 - i / 100]));
const ctx = (seed: number) => makeContext(rows, [0, 1], [0, 1], { model: fixedModel(proba), seed });

void test("power_margin samples: with a huge beta it is margin's top k; with beta 4 it varies by seed but favours uncertain items", () => {
  assert.deepEqual([...powerMargin(1e6).select(ctx(1), 5).indices], [...margin.select(ctx(1), 5).indices]);
  const s = getStrategy("power_margin");
  const a = s.select(ctx(1), 5);
  assert.deepEqual([...a.indices], [...s.select(ctx(1), 5).indices], "deterministic under a seed");
  const batches = new Set<string>();
  let lowHalf = 0;
  for (let seed = 0; seed < 200; seed++) {
    const sel = s.select(ctx(seed), 5);
    batches.add([...sel.indices].sort().join());
    for (const i of sel.indices) if (i < 21) lowHalf++;
  }
  assert.ok(batches.size > 50, "different seeds give different batches");
  assert.ok(lowHalf > 0.55 * 1000, `more picks from the more uncertain half (${lowHalf} of 1000)`);
});

void test("epsilon_margin: epsilon 0 is margin's top k; epsilon 1 is a random batch", () => {
  assert.deepEqual([...epsilonMargin(0).select(ctx(2), 5).indices], [...margin.select(ctx(2), 5).indices]);
  const r = epsilonMargin(1).select(ctx(2), 5).indices;
  assert.equal(new Set(r).size, 5);
  assert.notDeepEqual([...r], [...margin.select(ctx(2), 5).indices]);
});
