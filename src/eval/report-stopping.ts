/**
 * Report sections beside the learning curves: the strategies ranked (by AULC, by labels saved,
 * and by mean rank over seeds) and where each stopping criterion would have stopped. Plain HTML
 * tables using the report's `summary` table style; every text from the results is escaped.
 *
 * @example
 * const html = renderRankingSection(results) + renderStoppingSection(results);
 */
import { seedRanks } from "./aggregate-stopping.js";
import { escapeXml, formatInteger, formatNumber } from "./svg.js";
import type { SimulationResults } from "./types.js";

/** The registry name (`least_confidence`), as the user types it. */
const name = (s: string): string => escapeXml(s);

/** Labels saved against random (budget - labels to match random); null if never matched. */
function saved(results: SimulationResults, strategy: string): number | null {
  const m = results.strategies[strategy].labels_to_match_random;
  return strategy === "random" || m === null ? null : results.options.budget - m;
}

/** 1-based competition ranks of `values` (higher is better; null last, sharing the last rank). */
function ranksOf(values: (number | null)[]): number[] {
  return values.map((v) => (v === null ? values.filter((w) => w !== null).length + 1 : 1 + values.filter((w) => w !== null && w > v).length));
}

/**
 * Ranks every strategy by AULC and by labels saved, with its rank in each seed (by that seed's
 * AULC) and the mean of those ranks. Empty when fewer than two strategies were run.
 */
export function renderRankingSection(results: SimulationResults): string {
  const names = Object.keys(results.strategies);
  if (names.length < 2) return "";
  const perSeed = seedRanks(Object.fromEntries(names.map((n) => [n, results.strategies[n].per_seed.map((p) => p.aulc)])));
  const meanRank = (n: string): number => results.strategies[n].mean_rank ?? perSeed[n].reduce((a, b) => a + b, 0) / Math.max(1, perSeed[n].length);
  const order = [...names].sort((a, b) => meanRank(a) - meanRank(b) || results.strategies[b].aulc - results.strategies[a].aulc || a.localeCompare(b));
  const aulcRank = ranksOf(order.map((n) => results.strategies[n].aulc));
  const savedRank = ranksOf(order.map((n) => (n === "random" ? 0 : saved(results, n))));
  const seeds = results.options.seeds;
  const head = [
    '<th scope="col" class="left">Strategy</th>',
    '<th scope="col">Mean rank over seeds</th>',
    ...seeds.map((s) => `<th scope="col">Seed ${escapeXml(s)}</th>`),
    '<th scope="col">AULC</th><th scope="col">Rank by AULC</th>',
    '<th scope="col">Labels saved</th><th scope="col">Rank by labels saved</th>',
  ];
  const rows = order.map((n, i) => {
    const s = saved(results, n);
    return (
      `<tr><th scope="row">${name(n)}</th><td>${formatNumber(meanRank(n), 2)}</td>` +
      perSeed[n].map((r) => `<td>${formatNumber(r, Number.isInteger(r) ? 0 : 1)}</td>`).join("") +
      `<td>${formatNumber(results.strategies[n].aulc, 3)}</td><td>${aulcRank[i]}</td>` +
      `<td>${n === "random" ? '<span class="muted">baseline</span>' : s === null ? '<span class="muted">not reached</span>' : formatInteger(s)}</td><td>${savedRank[i]}</td></tr>`
    );
  });
  return (
    `<section><h2>Strategies ranked</h2><div class="table-wrap"><table class="summary"><thead><tr>${head.join("")}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>` +
    `<p class="muted" style="font-size:13px">Ordered by mean rank: in every seed the strategies are ranked by that seed's AULC (1 = best, ties share the mean rank), ` +
    `then the ranks are averaged. Labels saved: the budget minus the labels a strategy needed to reach random sampling's final accuracy (random counts as 0).</p></section>`
  );
}

/** Where each stopping criterion would have stopped, per strategy. Empty if no run recorded it. */
export function renderStoppingSection(results: SimulationResults): string {
  const names = Object.keys(results.strategies).filter((n) => results.strategies[n].stopping !== undefined);
  if (names.length === 0) return "";
  const nSeeds = results.options.seeds.length;
  const blocks = names.map((n) => {
    const stopping = results.strategies[n].stopping ?? {};
    const rows = Object.entries(stopping).map(
      ([criterion, s]) =>
        `<tr><th scope="row">${name(criterion)}</th><td>${s.fired_in_seeds} of ${nSeeds}</td><td>${formatNumber(s.mean_labels, 0)}</td>` +
        `<td>${formatNumber(s.mean_accuracy, 3)}</td><td>${formatNumber(s.accuracy_lost_vs_budget, 3)}</td>` +
        `<td class="reason">${s.example_reason === null ? '<span class="muted">never fired</span>' : escapeXml(s.example_reason)}</td></tr>`,
    );
    return (
      `<h3>${name(n)}</h3><div class="table-wrap"><table class="summary stopping"><thead><tr>` +
      `<th scope="col" class="left">Criterion</th><th scope="col">Fired in seeds</th><th scope="col">Mean labels at stop</th>` +
      `<th scope="col">Test accuracy there</th><th scope="col">Accuracy lost vs budget</th><th scope="col" class="left">Why (first seed where it fired)</th>` +
      `</tr></thead><tbody>${rows.join("")}</tbody></table></div>`
    );
  });
  return (
    `<section><h2>When to stop</h2>` +
    `<p class="sub">Where each stopping criterion would have stopped labeling, and the test accuracy given up by stopping there instead of spending the whole budget ` +
    `(in seeds where a criterion never fired, it counts as stopping at the budget).</p>` +
    `<style>table.stopping td.reason{text-align:left;white-space:normal;min-width:260px}table.stopping tbody tr:first-child{background:none}h3{font-size:15px;margin:18px 0 6px}</style>` +
    blocks.join("\n") +
    `<p class="muted" style="font-size:13px">Criteria: the label budget; target accuracy 0.9 on an honest estimate (each model's accuracy on the next batch, before training on it, over the last 5 batches, at least 50 items); ` +
    `stabilizing predictions (mean Cohen's kappa between successive models on a 1,000-item stop set over the last 3 retrains >= 0.99; Bloodgood &amp; Vijay-Shanker 2009); ` +
    `and from 50 labels on: overall uncertainty (mean normalized entropy of unlabeled stop-set items < 0.1), max uncertainty (< 0.5) and classification change (no stop-set prediction changed; Zhu et al. 2008).</p></section>`
  );
}
