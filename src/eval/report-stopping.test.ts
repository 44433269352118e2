import assert from "node:assert/strict";
import test from "node:test";
import { renderRankingSection, renderStoppingSection } from "./report-stopping.js";
import type { SimulationResults, StrategyResult } from "./types.js";

function strategy(seedAulc: number[], match: number | null, withStops: boolean): StrategyResult {
  const aulc = seedAulc.reduce((a, b) => a + b, 0) / seedAulc.length;
  return {
    labels: [10, 20],
    mean_accuracy: [aulc, aulc],
    sd_accuracy: [0, 0],
    aulc,
    acc_at: {},
    median_iteration_s: 0.001,
    labels_to_match_random: match,
    per_seed: seedAulc.map((a, seed) => ({ seed, accuracy: [a, a], aulc: a })),
    ...(withStops
      ? { stopping: { "a<b>": { mean_labels: 15, mean_accuracy: 0.8, accuracy_lost_vs_budget: 0.01, fired_in_seeds: 1, example_reason: "x < y & z" } } }
      : {}),
  };
}

function results(withStops: boolean): SimulationResults {
  return {
    dataset: "d.csv",
    rows: 100,
    classes: 2,
    protocol: "p",
    full_pool_accuracy: 0.9,
    strategies: { random: strategy([0.7, 0.8], 20, withStops), margin: strategy([0.8, 0.7], 10, withStops), auto: strategy([0.9, 0.9], null, withStops) },
    options: { label: "y", text: null, seeds: [0, 1], initial: 10, batch: 10, budget: 20, testFraction: 0.3, model: "logreg" },
  };
}

void test("the ranking orders by mean rank over seeds and shows per-seed ranks", () => {
  const html = renderRankingSection(results(false));
  assert.ok(html.indexOf(">auto<") < html.indexOf(">margin<") && html.indexOf(">auto<") < html.indexOf(">random<"));
  // random and margin tie on mean rank (2 and 3, 3 and 2): 2.50 each.
  assert.equal(html.match(/<td>2\.50<\/td>/g)?.length, 2);
  assert.match(html, /not reached/);
});

void test("the stopping section escapes names and reasons and is empty without stopping data", () => {
  assert.equal(renderStoppingSection(results(false)), "");
  const html = renderStoppingSection(results(true));
  assert.match(html, /a&lt;b&gt;/);
  assert.match(html, /x &lt; y &amp; z/);
  assert.match(html, /1 of 2/);
});
