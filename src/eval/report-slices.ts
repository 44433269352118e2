/**
 * The slice-monitoring part of a simulation's report (`simulate --slice COL`): per slice column a
 * table of each value's share of the pool against each strategy's share of the labels and its test
 * accuracy with the 95% interval, the flags in words, and how well each strategy's labels cover
 * the pool's clusters; and the same findings as plain text for the CLI summary. Empty when the
 * results have no slices, so a report without `--slice` is unchanged.
 *
 * @example
 * const section = renderSliceSection(results); // "" without --slice
 * process.stdout.write(sliceSummary(results));
 */
import { SLICE_RULES, type SliceTable } from "../quality/slices.js";
import { escapeXml, formatNumber } from "./svg.js";
import type { SimulationResults, StrategyResult } from "./types.js";

const pct = (x: number): string => `${formatNumber(x * 100, 1)}%`;

function tableOf(s: StrategyResult, column: string): SliceTable | undefined {
  return s.slices?.[column];
}

/** "18.4 of 20 clusters (97% of the pool); 0.6 under-labeled", means over seeds. */
function coverageText(s: StrategyResult): string {
  const c = s.cluster_coverage;
  if (c === undefined) return "";
  return `labels in ${formatNumber(c.mean_covered, 1)} of ${c.k} clusters (holding ${pct(c.mean_covered_pool_share)} of the pool), ${formatNumber(c.mean_under_labeled, 1)} under-labeled (mean over ${c.per_seed.length} ${c.per_seed.length === 1 ? "seed" : "seeds"})`;
}

/** Plain-text findings for the CLI summary ("" without slices). */
export function sliceSummary(res: SimulationResults): string {
  const columns = res.options.slices ?? [];
  if (columns.length === 0) return "";
  const lines: string[] = [];
  for (const column of columns) {
    const findings = Object.values(res.strategies).flatMap((s) => tableOf(s, column)?.findings ?? []);
    lines.push(`slices by ${column}: ${findings.length === 0 ? "no slice flagged" : `${findings.length} flagged`}`);
    for (const f of findings) lines.push(`  - ${f}`);
  }
  const coverage = Object.entries(res.strategies).filter(([, s]) => s.cluster_coverage !== undefined);
  if (coverage.length > 0) {
    lines.push("cluster coverage of the labels at the budget:");
    for (const [name, s] of coverage) lines.push(`  ${name}: ${coverageText(s)}`);
  }
  return lines.join("\n");
}

function accuracyCell(t: SliceTable | undefined, value: string): string {
  const r = t?.rows.find((x) => x.value === value);
  if (r === undefined) return "<td>—</td><td>—</td>";
  const labels = `<td${r.flags.includes("under-labeled") ? ' class="flag" title="under-labeled"' : ""}>${pct(r.label_share)}${r.flags.includes("under-labeled") ? " ⚑" : ""}</td>`;
  const acc =
    r.accuracy === null
      ? "<td>—</td>"
      : `<td${r.flags.includes("accuracy below the whole") ? ' class="flag" title="accuracy below the whole"' : ""}>${formatNumber(r.accuracy, 3)}${r.flags.includes("accuracy below the whole") ? " ⚑" : ""}<br><span class="sd">${formatNumber(r.low ?? 0, 3)}–${formatNumber(r.high ?? 1, 3)}</span></td>`;
  return labels + acc;
}

function columnSection(res: SimulationResults, column: string): string {
  const names = Object.keys(res.strategies);
  const first = tableOf(res.strategies[names[0]], column);
  if (first === undefined) return "";
  const head1 = `<tr><th scope="col" rowspan="2" class="left">${escapeXml(column)}</th><th scope="col" rowspan="2">Share of the pool</th>${names.map((n) => `<th scope="colgroup" colspan="2" class="group">${escapeXml(n)}</th>`).join("")}</tr>`;
  const head2 = `<tr>${names.map(() => "<th scope=\"col\">Share of the labels</th><th scope=\"col\">Test accuracy, 95%</th>").join("")}</tr>`;
  const values = first.rows.map((r) => r.value);
  const body = values.map((v) => {
    const r = first.rows.find((x) => x.value === v);
    return `<tr><th scope="row">${escapeXml(v)}</th><td>${pct(r?.pool_share ?? 0)}</td>${names.map((n) => accuracyCell(tableOf(res.strategies[n], column), v)).join("")}</tr>`;
  });
  const whole = `<tr><th scope="row">all</th><td>100%</td>${names
    .map((n) => {
      const t = tableOf(res.strategies[n], column);
      return t?.accuracy == null ? "<td>100%</td><td>—</td>" : `<td>100%</td><td>${formatNumber(t.accuracy, 3)}<br><span class="sd">${formatNumber(t.low ?? 0, 3)}–${formatNumber(t.high ?? 1, 3)}</span></td>`;
    })
    .join("")}</tr>`;
  const findings = names.flatMap((n) => tableOf(res.strategies[n], column)?.findings ?? []);
  return (
    `<section><h2>Slices by ${escapeXml(column)}</h2><div class="table-wrap"><table class="summary"><thead>${head1}${head2}</thead><tbody>${body.join("")}${whole}</tbody></table></div>` +
    (findings.length === 0
      ? `<p>No slice of ${escapeXml(column)} is flagged for any strategy.</p>`
      : `<ul class="findings">${findings.map((f) => `<li>${escapeXml(f)}.</li>`).join("")}</ul>`) +
    `</section>`
  );
}

function coverageSection(res: SimulationResults): string {
  const rows = Object.entries(res.strategies).filter(([, s]) => s.cluster_coverage !== undefined);
  if (rows.length === 0) return "";
  const k = rows[0][1].cluster_coverage?.k ?? 0;
  return (
    `<section><h2>Cluster coverage</h2><div class="table-wrap"><table class="summary"><thead><tr><th scope="col" class="left">Strategy</th><th scope="col">Clusters with a label (of ${k})</th><th scope="col">Share of the pool in them</th><th scope="col">Clusters under-labeled</th></tr></thead><tbody>` +
    rows
      .map(([name, s]) => {
        const c = s.cluster_coverage!;
        return `<tr><th scope="row">${escapeXml(name)}</th><td>${formatNumber(c.mean_covered, 1)}</td><td>${pct(c.mean_covered_pool_share)}</td><td>${formatNumber(c.mean_under_labeled, 1)}</td></tr>`;
      })
      .join("") +
    `</tbody></table></div><p class="muted" style="font-size:13px">Each seed's pool is cut into ${k} clusters by k-means on the model's features (seeded, the same clusters for every strategy of a seed); ` +
    `the figures are means over seeds of the labels at the budget. A strategy that leaves clusters without labels has not seen part of the data at all.</p></section>`
  );
}

/** The HTML sections for the report ("" without slices). */
export function renderSliceSection(res: SimulationResults): string {
  const columns = res.options.slices ?? [];
  if (columns.length === 0) return "";
  const seeds = res.options.seeds.length;
  return (
    columns.map((c) => columnSection(res, c)).join("\n") +
    coverageSection(res) +
    `<section><p class="muted" style="font-size:13px">Slices: the labels each strategy had spent at the budget and its final model's test accuracy, per slice value, summed over ${seeds} ${seeds === 1 ? "seed" : "seeds"}; ` +
    `the 95% Wilson intervals rest on one seed's worth of test items (the sums divided by the seeds, since every seed tests on rows of the same data). ` +
    `⚑ marks a flag. ${escapeXml(SLICE_RULES)}</p></section>`
  );
}
