/**
 * One self-contained HTML page (inline CSS and SVG, no scripts, no external resources) that
 * tells a business reader at a glance what active learning bought on a dataset: a headline
 * ("margin sampling ... 160 labels saved (53%)"), the learning curves, a ranked summary table,
 * a labels-saved bar chart and the protocol.
 *
 * @example
 * const html = renderReport(JSON.parse(readFileSync("results.json", "utf8")) as SimulationResults,
 *   { reference: JSON.parse(readFileSync("modal-digits.json", "utf8")) as ReferenceResults });
 */
import type { ReferenceResults, SimulationResults, StrategyResult } from "./types.js";
import { type Bar, type LineSeries, renderBarChart, renderLineChart } from "./charts.js";
import { renderRankingSection, renderStoppingSection } from "./report-stopping.js";
import { renderSliceSection } from "./report-slices.js";
import { tiedWithBest } from "./aggregate.js";
import { BOOTSTRAP_RESAMPLES, MIN_SEEDS_FOR_SPREAD } from "./bootstrap.js";
import { BASELINE_GREY, PALETTE, escapeXml, formatInteger, formatNumber } from "./svg.js";

export interface ReportOptions {
  /** Reference curves (e.g. modAL) drawn as thin dashed lines and compared in the table. */
  readonly reference?: ReferenceResults;
  /** Page title; default "Active learning report: <dataset>". */
  readonly title?: string;
}

/** The name of the baseline strategy every other strategy is measured against. */
export const BASELINE = "random";

/** How many labels a strategy saved against random sampling, within the budget. */
export interface Saving {
  readonly strategy: string;
  /** Fewest labels at which it reached random's final accuracy; null if it never did. */
  readonly labelsToMatch: number | null;
  /** budget − labelsToMatch, or null. */
  readonly saved: number | null;
  /** saved / budget, or null. */
  readonly fraction: number | null;
}

/** Labels saved by every non-random strategy, most saved first (then by AULC); unmatched last. */
export function savings(results: SimulationResults): Saving[] {
  const budget = results.options.budget;
  return Object.entries(results.strategies)
    .filter(([name]) => name !== BASELINE)
    .map(([name, s]): Saving & { aulc: number } => {
      const m = s.labels_to_match_random;
      const saved = m === null || !Number.isFinite(m) ? null : budget - m;
      return { strategy: name, labelsToMatch: m, saved, fraction: saved === null || budget <= 0 ? null : saved / budget, aulc: s.aulc };
    })
    .sort((a, b) => (b.saved ?? -Infinity) - (a.saved ?? -Infinity) || b.aulc - a.aulc)
    .map(({ strategy, labelsToMatch, saved, fraction }) => ({ strategy, labelsToMatch, saved, fraction }));
}

/** "a", "a and b", "a, b and c". */
function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "margin" -> "margin sampling", "least_confidence" -> "least confidence sampling". */
export function strategyDisplayName(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return /sampling/i.test(words) ? words : `${words} sampling`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function last(a: readonly number[]): number {
  return a.length > 0 ? a[a.length - 1] : NaN;
}

function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)}%` : "—";
}

/** Labels, pluralised: "1 label", "160 labels". */
function labelsText(n: number): string {
  return `${formatInteger(n)} ${n === 1 ? "label" : "labels"}`;
}

/** A paired t-test over seeds says the strategy's AULC is above random sampling's. */
export function beatsRandom(s: StrategyResult | undefined): boolean {
  return s?.vs_random?.significant === true && s.vs_random.mean > 0;
}

/** "95% interval 120–190" for labels saved, or "" when there is none (fewer than 3 seeds). */
export function savedIntervalText(s: StrategyResult | undefined): string {
  const ls = s?.labels_saved;
  if (ls === undefined || ls.low === null || ls.high === null) return "";
  return `95% interval ${formatInteger(ls.low)}–${formatInteger(ls.high)}`;
}

/** "1 seed", "5 seeds". */
function seedsCount(n: number): string {
  return `${formatInteger(n)} ${n === 1 ? "seed" : "seeds"}`;
}

/**
 * The headline sentence, as plain (unescaped) text. Labels saved are claimed only for a strategy
 * the paired t-test says beats random sampling; otherwise the headline says the seeds cannot tell
 * the strategies from random.
 */
export function headlineText(results: SimulationResults): string {
  const random = results.strategies[BASELINE];
  if (!random) {
    return "These results have no random-sampling baseline, so labels saved cannot be measured.";
  }
  const target = `${formatNumber(last(random.mean_accuracy), 3)} at ${labelsText(last(random.labels))}`;
  if (Object.keys(results.strategies).length === 1) {
    return `Only random sampling was run (final accuracy ${target}); there is nothing to compare it with.`;
  }
  const seeds = results.options.seeds.length;
  const winners = savings(results).filter((s) => beatsRandom(results.strategies[s.strategy]));
  if (winners.length === 0) {
    if (seeds < MIN_SEEDS_FOR_SPREAD) {
      return (
        `With ${seedsCount(seeds)} the strategies cannot be told from random sampling (the paired test needs at least ${MIN_SEEDS_FOR_SPREAD} seeds), ` +
        `so no labels saved are claimed.`
      );
    }
    const worse = Object.keys(results.strategies).filter((n) => n !== BASELINE && results.strategies[n].vs_random?.significant === true);
    return worse.length === 0
      ? `On these ${seedsCount(seeds)} the strategies cannot be told from random sampling (paired t-test, 5%), so no labels saved are claimed.`
      : `On these ${seedsCount(seeds)} no strategy beat random sampling (paired t-test, 5%; ${joinNames(worse.map(shortName))} did worse), so no labels saved are claimed.`;
  }
  const best = winners[0];
  if (best.saved !== null && best.labelsToMatch !== null && best.saved > 0) {
    const interval = savedIntervalText(results.strategies[best.strategy]);
    return (
      `${capitalize(strategyDisplayName(best.strategy))} reached random sampling's final accuracy (${target}) ` +
      `with ${labelsText(best.labelsToMatch)}: ${labelsText(best.saved)} saved (${percent(best.fraction ?? 0)}` +
      `${interval === "" ? "" : `; ${interval} over ${seedsCount(seeds)}`}).`
    );
  }
  return (
    `No strategy reached random sampling's final accuracy (${target}) with fewer labels than the ` +
    `${formatInteger(results.options.budget)}-label budget: active learning saved no labels on this data.`
  );
}

function mean(a: readonly number[]): number {
  return a.length > 0 ? a.reduce((s, v) => s + v, 0) / a.length : NaN;
}

/** Population standard deviation (NaN for an empty list). */
function sd(a: readonly number[]): number {
  if (a.length === 0) return NaN;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
}

/**
 * Stable colours: random grey, the others through the palette, the charted strategies first (in
 * the order the results list them) so that the curves on the chart never share a colour.
 */
function colours(results: SimulationResults, reference?: ReferenceResults): Map<string, string> {
  const map = new Map<string, string>();
  let next = 0;
  const charted = new Set(chartedStrategies(results));
  const listed = Object.keys(results.strategies);
  const names = [...listed.filter((n) => charted.has(n)), ...listed.filter((n) => !charted.has(n)), ...Object.keys(reference?.strategies ?? {})];
  for (const name of names) {
    if (map.has(name)) continue;
    map.set(name, name === BASELINE ? BASELINE_GREY : PALETTE[next++ % PALETTE.length]);
  }
  return map;
}

/** Strategy names ranked by AULC, best first (name as tie-break, for a stable order). */
function ranked(results: SimulationResults): string[] {
  return Object.keys(results.strategies).sort(
    (a, b) => results.strategies[b].aulc - results.strategies[a].aulc || a.localeCompare(b),
  );
}

/**
 * A strategy as the tables, charts and lists name it: its registry name (`least_confidence`), the
 * one a user types after --strategies; only sentences use the display name ("least confidence sampling").
 */
function shortName(name: string): string {
  return name;
}

/** Most curves drawn on one chart; beyond that the chart shows the best ones and random. */
export const MAX_CURVES = 7;

/** The strategies drawn on the learning-curve chart: all, or the best MAX_CURVES - 1 by AULC plus random. */
export function chartedStrategies(results: SimulationResults): string[] {
  const order = ranked(results);
  if (order.length <= MAX_CURVES) return order;
  const best = order.filter((n) => n !== "random").slice(0, MAX_CURVES - 1);
  return order.filter((n) => best.includes(n) || n === "random");
}

function learningCurveChart(results: SimulationResults, reference: ReferenceResults | undefined, colour: Map<string, string>): string {
  const order = chartedStrategies(results);
  const series: LineSeries[] = order.map((name) => {
    const s = results.strategies[name];
    return {
      name: shortName(name),
      x: s.labels,
      y: s.mean_accuracy,
      color: colour.get(name) ?? BASELINE_GREY,
      band: {
        lower: s.mean_accuracy.map((m, i) => m - (s.sd_accuracy[i] ?? NaN)),
        upper: s.mean_accuracy.map((m, i) => m + (s.sd_accuracy[i] ?? NaN)),
      },
    };
  });
  const refSeries: LineSeries[] = Object.entries(reference?.strategies ?? {}).filter(([name]) => order.includes(name)).map(([name, r]) => ({
    name: `modAL ${shortName(name)}`,
    x: r.labels,
    y: r.mean_accuracy,
    color: colour.get(name) ?? BASELINE_GREY,
    dash: "5 4",
    strokeWidth: 1.25,
    opacity: 0.9,
    className: "al-ref",
    legend: false,
  }));
  return renderLineChart({
    id: "al-learning-curve",
    title: `Test accuracy against labels spent, ${results.dataset}`,
    xLabel: "Labels spent",
    yLabel: "Test accuracy",
    // Reference lines go first so our own lines are drawn on top of them.
    series: [...refSeries, ...series],
    rules: Number.isFinite(results.full_pool_accuracy)
      ? [{ y: results.full_pool_accuracy, label: `all labels: ${formatNumber(results.full_pool_accuracy, 3)}`, color: "#333", dash: "8 4" }]
      : [],
    extraLegend: [
      ...(refSeries.length > 0 ? [{ label: "modAL reference", color: "#555", kind: "line" as const, dash: "5 4", strokeWidth: 1.25 }] : []),
      ...(Number.isFinite(results.full_pool_accuracy) ? [{ label: "all labels", color: "#333", kind: "line" as const, dash: "8 4", strokeWidth: 1.5 }] : []),
    ],
    yClamp: [0, 1],
    xFromZero: true,
    formatX: (v) => formatInteger(v),
  });
}

/** The labels-saved interval as a bar's whisker, when there is one. */
function intervalOf(s: StrategyResult | undefined): { interval?: { low: number; high: number } } {
  const ls = s?.labels_saved;
  return ls === undefined || ls.low === null || ls.high === null ? {} : { interval: { low: ls.low, high: ls.high } };
}

function savingsChart(results: SimulationResults, colour: Map<string, string>): string {
  const budget = results.options.budget;
  const bars: Bar[] = savings(results).map((s) => ({
    label: shortName(s.strategy),
    value: s.saved !== null && s.saved > 0 ? s.saved : s.saved === null ? null : 0,
    color: colour.get(s.strategy) ?? BASELINE_GREY,
    valueLabel:
      s.saved === null
        ? "did not reach random's final accuracy"
        : `${labelsText(s.saved)} saved (${percent(s.fraction ?? 0)})${beatsRandom(results.strategies[s.strategy]) ? "" : ", not beyond the seeds' noise"}`,
    ...intervalOf(results.strategies[s.strategy]),
    faded: !beatsRandom(results.strategies[s.strategy]),
  }));
  return renderBarChart({
    id: "al-labels-saved",
    title: `Labels saved versus random sampling, out of a budget of ${budget}`,
    xLabel: `Labels saved (budget ${formatInteger(budget)})`,
    bars,
    xMax: budget > 0 ? budget : undefined,
    formatX: (v) => formatInteger(v),
  });
}

/** The acc_at keys over all strategies, in numeric order. */
function accAtPoints(results: SimulationResults): string[] {
  const keys = new Set<string>();
  for (const s of Object.values(results.strategies)) for (const k of Object.keys(s.acc_at)) keys.add(k);
  return [...keys].sort((a, b) => Number(a) - Number(b));
}

function milliseconds(seconds: number): string {
  const ms = seconds * 1000;
  if (!Number.isFinite(ms)) return "—";
  return ms < 10 ? formatNumber(ms, 1) : formatInteger(ms);
}

function signed(v: number, decimals: number): string {
  if (!Number.isFinite(v)) return "—";
  const r = Number(v.toFixed(decimals));
  if (r === 0) return formatNumber(0, decimals);
  return r > 0 ? `+${formatNumber(r, decimals)}` : `−${formatNumber(-r, decimals)}`;
}

function summaryTable(results: SimulationResults, reference: ReferenceResults | undefined, colour: Map<string, string>): string {
  const points = accAtPoints(results);
  const budget = results.options.budget;
  // Two header rows: the accuracy columns share one "Accuracy at … labels" group header.
  const single = (text: string, cls = ""): string =>
    `<th scope="col" rowspan="${points.length > 0 ? 2 : 1}"${cls ? ` class="${cls}"` : ""}>${escapeXml(text)}</th>`;
  const head1 = [
    single("Strategy", "left"),
    single("AULC ± sd"),
    ...(points.length > 0 ? [`<th scope="colgroup" colspan="${points.length}" class="group">Accuracy at … labels</th>`] : []),
    single("Labels to match random"),
    single("Labels saved"),
    ...(results.strategies[BASELINE] !== undefined ? [single("AULC − random, paired")] : []),
    single("Median ms per iteration"),
    ...(reference ? [single("modAL AULC"), single("Δ vs modAL")] : []),
  ];
  const head2 = points.map((p) => `<th scope="col">${escapeXml(formatInteger(Number(p)))}</th>`);
  const rows = ranked(results).map((name) => {
    const s: StrategyResult = results.strategies[name];
    const seedAulc = s.per_seed.map((p) => p.aulc);
    const aulc =
      seedAulc.length > 1 ? `${formatNumber(s.aulc, 3)} <span class="sd">± ${formatNumber(sd(seedAulc), 3)}</span>` : formatNumber(s.aulc, 3);
    const isBaseline = name === BASELINE;
    const match = isBaseline ? '<span class="muted">baseline</span>' : s.labels_to_match_random === null ? '<span class="muted">not reached</span>' : formatInteger(s.labels_to_match_random);
    const interval = savedIntervalText(s);
    const saved =
      isBaseline || s.labels_to_match_random === null
        ? "—"
        : `${formatInteger(budget - s.labels_to_match_random)} <span class="sd">(${percent((budget - s.labels_to_match_random) / budget)})` +
          `${s.labels_saved === undefined ? "" : `<br>${interval === "" ? "interval n/a" : escapeXml(interval.replace("95% interval ", "95%: "))}`}</span>`;
    const ref = reference?.strategies[name];
    const cells = [
      `<th scope="row"><span class="key" style="background:${escapeXml(colour.get(name) ?? BASELINE_GREY)}"></span>${escapeXml(shortName(name))}</th>`,
      `<td>${aulc}</td>`,
      ...points.map((p) => `<td>${p in s.acc_at ? formatNumber(s.acc_at[p], 3) : "—"}</td>`),
      `<td>${match}</td>`,
      `<td>${saved}</td>`,
      ...(results.strategies[BASELINE] === undefined
        ? []
        : [
            s.vs_random === undefined
              ? '<td><span class="muted">—</span></td>'
              : `<td>${signed(s.vs_random.mean, 3)}${s.vs_random.significant ? "*" : ""} <span class="sd">${s.vs_random.se === null ? "± n/a" : `± ${formatNumber(s.vs_random.se, 3)}`}<br>${s.vs_random.above} of ${s.vs_random.seeds} seeds above</span></td>`,
          ]),
      `<td>${milliseconds(s.median_iteration_s)}</td>`,
      ...(reference ? [`<td>${ref ? formatNumber(ref.aulc, 3) : "—"}</td>`, `<td>${ref ? signed(s.aulc - ref.aulc, 3) : "—"}</td>`] : []),
    ];
    return `<tr>${cells.join("")}</tr>`;
  });
  return (
    `<table class="summary"><thead><tr>${head1.join("")}</tr>${head2.length > 0 ? `<tr>${head2.join("")}</tr>` : ""}</thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

/** "0–4" for consecutive seeds, else a list (shortened past 10). */
function seedsText(seeds: readonly number[]): string {
  if (seeds.length === 0) return "none";
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  if (consecutive && seeds.length > 2) return `${seeds[0]}–${seeds[seeds.length - 1]} (${seeds.length})`;
  if (seeds.length <= 10) return seeds.join(", ");
  return `${seeds.slice(0, 10).join(", ")}, … (${seeds.length})`;
}

function footer(results: SimulationResults, reference: ReferenceResults | undefined): string {
  const o = results.options;
  const items: [string, string][] = [
    ["Dataset", results.dataset],
    ["Rows", formatInteger(results.rows)],
    ["Classes", formatInteger(results.classes)],
    ["Label column", o.label],
    ...(o.text !== null ? ([["Text column", o.text]] as [string, string][]) : []),
    ["Seeds", seedsText(o.seeds)],
    ["Initial labels", formatInteger(o.initial)],
    ["Batch", formatInteger(o.batch)],
    ["Budget", formatInteger(o.budget)],
    ["Test fraction", `${formatNumber(o.testFraction * 100, Number.isInteger(o.testFraction * 100) ? 0 : 1)}%`],
    ["Model", o.model],
    ...(reference ? ([["Reference", `modAL on ${reference.dataset}`]] as [string, string][]) : []),
    ["Protocol", results.protocol],
  ];
  return (
    `<footer><h2>Protocol and options</h2><dl>${items.map(([k, v]) => `<div${v.length > 28 ? ' class="wide"' : ""}><dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd></div>`).join("")}</dl>` +
    `<p class="muted">AULC: area under the learning curve, the mean test accuracy over all label counts (higher is better). ` +
    `Labels saved: the budget minus the fewest labels at which a strategy's mean accuracy reached random sampling's accuracy at the full budget. ` +
    `Generated by activelearn.</p></footer>`
  );
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1d2433;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:28px 32px 40px;background:#fff;min-height:100vh}
h1{font-size:24px;margin:0 0 4px;font-weight:650}
h2{font-size:17px;margin:32px 0 8px;font-weight:650}
.facts{color:#5b6476;margin:0 0 18px;font-size:14px}
.headline{font-size:21px;line-height:1.4;margin:0 0 8px;padding:14px 18px;border-left:5px solid #0072B2;background:#eef5fb;border-radius:4px}
.sub{margin:0 0 8px;color:#333}
.warning{margin:0 0 8px;padding:8px 14px;border-left:5px solid #D55E00;background:#fdf1e9;border-radius:4px}
figure{margin:0}
figcaption{color:#5b6476;font-size:13px;margin-top:4px}
svg.al-chart{display:block;width:100%;height:auto}
table.summary{border-collapse:collapse;width:100%;font-size:13.5px;font-variant-numeric:tabular-nums}
table.summary th,table.summary td{padding:7px 5px;border-bottom:1px solid #e3e6eb;text-align:right;white-space:nowrap}
table.summary thead th{font-weight:600;color:#3b4354;border-bottom:2px solid #c9ced8;white-space:normal;vertical-align:bottom;min-width:50px}
table.summary thead th.group{text-align:center;border-bottom:1px solid #c9ced8;padding-bottom:3px}
table.summary th.left,table.summary tbody th{text-align:left}
table.summary tbody th{font-weight:600}
table.summary tbody tr:first-child{background:#f3f8fc}
table.summary td.flag{background:#fdf1e9;color:#8a3300;font-weight:600}
ul.findings{margin:8px 0;padding-left:20px;color:#8a3300}
.key{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:8px;vertical-align:-1px}
.sd,.muted{color:#6b7385}
.table-wrap{overflow-x:auto}
footer{margin-top:36px;border-top:1px solid #e3e6eb;padding-top:4px;font-size:13px;color:#3b4354}
footer h2{font-size:15px}
footer dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:6px 18px;margin:0 0 12px}
footer dl div{min-width:0}
footer dl div.wide{grid-column:1/-1}
footer dt{color:#6b7385;font-size:12px}
footer dd{margin:0;overflow-wrap:anywhere}
@media print{body{background:#fff}main{padding:0}}
`;

/** The results' warnings; for results written before they had any, the few-seeds warning. */
function fewSeeds(results: SimulationResults): string[] {
  if (results.warnings !== undefined) return results.warnings;
  const n = results.options.seeds.length;
  return n < MIN_SEEDS_FOR_SPREAD ? [`only ${seedsCount(n)}: standard errors and intervals need at least ${MIN_SEEDS_FOR_SPREAD} seeds, so they are n/a`] : [];
}

/** Renders the whole report page. Every piece of text from the results is HTML-escaped. */
export function renderReport(results: SimulationResults, options: ReportOptions = {}): string {
  const { reference } = options;
  const title = options.title ?? `Active learning report: ${results.dataset}`;
  const colour = colours(results, reference);
  const order = ranked(results);
  const best = order[0];
  const random = results.strategies[BASELINE];
  const nonRandom = Object.keys(results.strategies).filter((n) => n !== BASELINE);
  const seeds = results.options.seeds.length;

  const sub: string[] = [];
  if (best !== undefined) {
    const versus = random && best !== BASELINE ? ` against ${formatNumber(random.aulc, 3)} for random sampling` : "";
    sub.push(`Best learning curve overall: ${escapeXml(shortName(best))} (AULC ${formatNumber(results.strategies[best].aulc, 3)}${versus}).`);
    const tied = tiedWithBest(results.strategies)?.tied ?? [];
    if (seeds >= MIN_SEEDS_FOR_SPREAD && order.length > 1)
      sub.push(
        tied.length === 0
          ? "Every other strategy is below it by more than the seeds' noise (paired t-test, 5%)."
          : `On these ${seeds} seeds it cannot be told apart from ${escapeXml(joinNames(tied.map(shortName)))} (paired t-test, 5%).`,
      );
  }
  if (Number.isFinite(results.full_pool_accuracy)) {
    sub.push(`With every label in the pool, the model reaches ${formatNumber(results.full_pool_accuracy, 3)}.`);
  }

  const facts = [
    escapeXml(results.dataset),
    `${formatInteger(results.rows)} rows`,
    `${formatInteger(results.classes)} classes`,
    `budget ${formatInteger(results.options.budget)} labels`,
    `${seeds} ${seeds === 1 ? "seed" : "seeds"}`,
  ].join(" · ");

  const body = [
    `<header><h1>${escapeXml(title)}</h1><p class="facts">${facts}</p>`,
    `<p class="headline">${escapeXml(headlineText(results))}</p>`,
    ...fewSeeds(results).map((w) => `<p class="warning">Warning: ${escapeXml(w)}.</p>`),
    sub.length ? `<p class="sub">${sub.join(" ")}</p>` : "",
    "</header>",
    `<section><h2>Learning curves</h2><figure>${learningCurveChart(results, reference, colour)}`,
    `<figcaption>${seeds === 1 ? "Test accuracy on 1 seed (one seed has no spread to draw)." : `Mean test accuracy over ${seeds} seeds; shaded bands show ±1 standard deviation over seeds.`}` +
      (chartedStrategies(results).length < Object.keys(results.strategies).length
        ? ` The chart shows the ${MAX_CURVES - 1} strategies of highest AULC and random sampling; all ${Object.keys(results.strategies).length} are in the tables below.`
        : "") +
      (reference ? ` Thin dashed lines: modAL reference curves (${escapeXml(reference.dataset)}), in the same colour as the matching strategy.` : "") +
      `</figcaption></figure></section>`,
    `<section><h2>Summary</h2><div class="table-wrap">${summaryTable(results, reference, colour)}</div>`,
    `<p class="muted" style="font-size:13px">Ranked by AULC, best first. ± is the standard deviation of the per-seed AULC.` +
      (results.strategies[BASELINE] === undefined
        ? ""
        : ` AULC − random, paired: in each seed every strategy starts from the same split and initial labels, so the mean of the per-seed differences, ± its standard error, ` +
          `says whether a strategy beats random sampling by more than the luck of the split; * marks a difference a paired t-test (5%) says is more than that luck ` +
          `(n/a with fewer than ${MIN_SEEDS_FOR_SPREAD} seeds). Labels saved: the 95% interval is a percentile bootstrap over seeds ` +
          `(the seeds are resampled with replacement, ${formatInteger(BOOTSTRAP_RESAMPLES)} times, the same seeds for the strategy and random, and the labels saved are measured again in each resample).`) +
      `</p></section>`,
    nonRandom.length > 0 && random
      ? `<section><h2>Labels saved versus random sampling</h2><figure>${savingsChart(results, colour)}` +
        `<figcaption>Labels a strategy did not need, out of the ${formatInteger(results.options.budget)}-label budget, to reach random sampling's final accuracy, ` +
        `the whiskers a 95% bootstrap interval over seeds; a pale bar, "not beyond the seeds' noise", marks a strategy the paired t-test cannot tell from random sampling, whose saving is not claimed.</figcaption></figure></section>`
      : "",
    renderRankingSection(results),
    renderStoppingSection(results),
    renderSliceSection(results),
    footer(results, reference),
  ].join("\n");

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
