import { test } from "node:test";
import assert from "node:assert/strict";
import { chartedStrategies, headlineText, renderReport, savings } from "./report.js";
import { pairedDifference } from "./aggregate.js";
import type { ReferenceResults, SimulationResults, StrategyResult } from "./types.js";

const labels = Array.from({ length: 30 }, (_, i) => 10 + 10 * i);

/** A strategy whose mean curve rises towards `top`, with sd 0.02 and five per-seed curves. */
function strategy(top: number, speed: number, labelsToMatch: number | null): StrategyResult {
  const mean = labels.map((l) => top - (top - 0.47) * Math.exp(-l / speed));
  mean[mean.length - 1] = top;
  const perSeed = [0, 1, 2, 3, 4].map((seed) => {
    const accuracy = mean.map((m, i) => m + 0.01 * Math.sin(seed + i));
    return { seed, accuracy, aulc: accuracy.reduce((a, b) => a + b, 0) / accuracy.length };
  });
  return {
    labels,
    mean_accuracy: mean,
    sd_accuracy: mean.map(() => 0.02),
    aulc: mean.reduce((a, b) => a + b, 0) / mean.length,
    acc_at: { "50": mean[4], "100": mean[9], "200": mean[19], "300": mean[29] },
    median_iteration_s: 0.0123,
    labels_to_match_random: labelsToMatch,
    per_seed: perSeed,
  };
}

/** The fixture's results with vs_random and labels_saved filled in as simulate does. */
function results(over: Partial<SimulationResults> = {}, matches: Record<string, number | null> = {}): SimulationResults {
  const raw = rawResults(over, matches);
  const random = raw.strategies.random;
  if (random === undefined) return raw;
  const budget = raw.options.budget;
  const strategies = Object.fromEntries(
    Object.entries(raw.strategies).map(([name, s]) => [
      name,
      name === "random"
        ? s
        : {
            ...s,
            vs_random: pairedDifference(s.per_seed.map((p) => p.aulc), random.per_seed.map((p) => p.aulc)),
            labels_saved: {
              value: s.labels_to_match_random === null ? null : budget - s.labels_to_match_random,
              low: s.labels_to_match_random === null ? 0 : budget - s.labels_to_match_random - 20,
              high: s.labels_to_match_random === null ? 0 : budget - s.labels_to_match_random + 10,
              resamples: 2000,
              never_matched: 0,
              seeds: s.per_seed.length,
            },
          },
    ]),
  );
  return { ...raw, strategies };
}

function rawResults(over: Partial<SimulationResults> = {}, matches: Record<string, number | null> = {}): SimulationResults {
  return {
    dataset: "digits.csv",
    rows: 1797,
    classes: 10,
    protocol: "70/30 stratified; logistic regression; init 10; batch 10; budget 300; seeds 0-4",
    full_pool_accuracy: 0.969,
    strategies: {
      random: strategy(0.931, 60, 290),
      margin: strategy(0.965, 35, "margin" in matches ? matches.margin : 140),
      entropy: strategy(0.96, 45, "entropy" in matches ? matches.entropy : 200),
      least_confidence: strategy(0.962, 40, "least_confidence" in matches ? matches.least_confidence : 180),
    },
    options: { label: "label", text: null, seeds: [0, 1, 2, 3, 4], initial: 10, batch: 10, budget: 300, testFraction: 0.3, model: "logistic" },
    ...over,
  };
}

const reference: ReferenceResults = {
  dataset: "digits.csv",
  full_pool_accuracy: 0.969,
  strategies: {
    random: { labels, mean_accuracy: labels.map(() => 0.85), aulc: 0.8668, median_iteration_s: 0.0093 },
    margin: { labels, mean_accuracy: labels.map(() => 0.9), aulc: 0.9005, median_iteration_s: 0.0123 },
  },
};

function count(html: string, re: RegExp): number {
  return html.match(re)?.length ?? 0;
}

void test("headline names the strategy that saved the most labels", () => {
  assert.equal(
    headlineText(results()),
    "Margin sampling reached random sampling's final accuracy (0.931 at 300 labels) with 140 labels: 160 labels saved (53%; 95% interval 140–170 over 5 seeds).",
  );
  const html = renderReport(results());
  assert.ok(html.includes("Margin sampling reached random sampling&#39;s final accuracy (0.931 at 300 labels) with 140 labels: 160 labels saved (53%; 95% interval 140–170 over 5 seeds)."));
  // Another strategy saving more wins the headline, whatever the AULC.
  assert.match(headlineText(results({}, { entropy: 100 })), /^Entropy sampling .* with 100 labels: 200 labels saved \(67%; 95% interval 180–210 over 5 seeds\)\.$/);
  assert.equal(savings(results())[0].strategy, "margin");
});

void test("headline says so plainly when no strategy matched random", () => {
  const r = results({}, { margin: null, entropy: null, least_confidence: null });
  assert.equal(
    headlineText(r),
    "No strategy reached random sampling's final accuracy (0.931 at 300 labels) with fewer labels than the 300-label budget: active learning saved no labels on this data.",
  );
  const html = renderReport(r);
  assert.match(html, /No strategy reached random sampling/);
  assert.equal(count(html, /class="al-bar"/g), 0);
  assert.equal(count(html, /did not reach random/g), 3);
  // Matching only at the budget saves nothing either.
  assert.match(headlineText(results({}, { margin: 300, entropy: null, least_confidence: null })), /^No strategy reached/);
});

void test("headline without a random baseline", () => {
  const r = results();
  const rest = Object.fromEntries(Object.entries(r.strategies).filter(([name]) => name !== "random"));
  assert.match(headlineText({ ...r, strategies: rest }), /no random-sampling baseline/);
  assert.doesNotThrow(() => renderReport({ ...r, strategies: rest }));
  assert.doesNotThrow(() => renderReport({ ...r, strategies: {} }));
});

void test("user-supplied names are escaped, never raw", () => {
  const evil = "<script>alert(1)</script>";
  const r = results({ dataset: evil, options: { ...results().options, label: `"><img src=x onerror=alert(1)>`, text: "a&b" } });
  const html = renderReport(r, { title: `Report for ${evil}`, reference: { ...reference, dataset: evil } });
  assert.ok(!/<script/i.test(html), "no raw script tag");
  assert.ok(!html.includes("<img"), "no raw img tag");
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(html.includes("a&amp;b"));
  const badStrategy = renderReport({ ...r, strategies: { ...r.strategies, "<b>x</b>": strategy(0.9, 50, null) } });
  assert.ok(!badStrategy.includes("<b>x</b>"));
  assert.ok(badStrategy.includes("&lt;b&gt;x&lt;/b&gt;"));
});

void test("the page is self-contained: no scripts, no external resources", () => {
  const html = renderReport(results(), { reference });
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.ok(!/<script|<link|src=|href=|@import|url\(http/i.test(html));
  const urls = html.match(/https?:\/\/[^"' )]+/g) ?? [];
  assert.deepEqual([...new Set(urls)], ["http://www.w3.org/2000/svg"]);
});

void test("one line and one band per strategy; full-pool rule; labels-saved bars", () => {
  const html = renderReport(results());
  assert.equal(count(html, /<path class="al-line" /g), 4);
  assert.equal(count(html, /<path class="al-band" /g), 4);
  for (const name of ["random", "margin", "entropy", "least_confidence"]) {
    assert.ok(html.includes(`class="al-line" data-series="${name}"`), name);
  }
  assert.match(html, /class="al-rule"/);
  assert.match(html, /all labels: 0\.969/);
  assert.equal(count(html, /class="al-bar"/g), 3);
  assert.match(html, /160 labels saved \(53%\)/);
});

void test("reference lines, legend entry and columns appear only when a reference is given", () => {
  const without = renderReport(results());
  assert.equal(count(without, /al-ref/g), 0);
  assert.ok(!without.includes("modAL"));
  const withRef = renderReport(results(), { reference });
  assert.equal(count(withRef, /<path class="al-line al-ref"/g), 2);
  assert.match(withRef, /stroke-dasharray="5 4"/);
  assert.match(withRef, />modAL reference</);
  assert.match(withRef, />modAL AULC</);
  // margin: ours minus reference 0.9005.
  const marginAulc = results().strategies.margin.aulc;
  const diff = (marginAulc - 0.9005).toFixed(3);
  assert.ok(withRef.includes(Number(diff) > 0 ? `+${diff}` : `−${diff.slice(1)}`));
});

void test("table rows are ranked by AULC with accuracy at the acc_at points", () => {
  const html = renderReport(results());
  const tbody = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
  const order = [...tbody.matchAll(/<\/span>([^<]+)<\/th>/g)].map((m) => m[1]);
  const r = results();
  const expected = Object.entries(r.strategies)
    .sort((a, b) => b[1].aulc - a[1].aulc)
    .map(([n]) => n);
  assert.deepEqual(order, expected);
  assert.match(html, /scope="colgroup"[^>]*>Accuracy at … labels</);
  assert.ok(tbody.includes(`<td>${r.strategies.margin.acc_at["300"].toFixed(3)}</td>`));
  assert.match(tbody, /baseline/);
  assert.match(tbody, /± 0\.0\d\d/);
  // Median iteration in ms, and the footer lists the options.
  assert.ok(tbody.includes("<td>12</td>"));
  assert.match(html, /<dt>Test fraction<\/dt><dd>30%<\/dd>/);
  assert.match(html, /<dt>Seeds<\/dt><dd>0–4 \(5\)<\/dd>/);
});

void test("with many strategies the chart shows the best six and random, in distinct colours, and says so", () => {
  const base = results();
  const strategies: Record<string, StrategyResult> = { random: base.strategies.random };
  for (let i = 0; i < 12; i++) strategies[`s${i}`] = strategy(0.94 + i / 1000, 60 - i, 200);
  const res = { ...base, strategies };
  assert.deepEqual(chartedStrategies(res), ["s11", "s10", "s9", "s8", "s7", "s6", "random"]);
  const html = renderReport(res);
  assert.match(html, /The chart shows the 6 strategies of highest AULC and random sampling; all 13 are in the tables below/);
  const chart = html.slice(html.indexOf('id="al-learning-curve"'), html.indexOf("</svg>", html.indexOf('id="al-learning-curve"')));
  const strokes = [...chart.matchAll(/<path class="al-line" data-series="[^"]*" d="[^"]*" fill="none" stroke="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]);
  assert.equal(strokes.length, 7);
  assert.equal(new Set(strokes).size, 7);
});

void test("the paired comparison with random: a column only when random ran, its mean ± se and seeds above", () => {
  const r = results();
  const withPaired: SimulationResults = {
    ...r,
    strategies: { ...r.strategies, margin: { ...r.strategies.margin, vs_random: { mean: 0.0312, se: 0.0041, above: 5, seeds: 5, significant: true } } },
  };
  const html = renderReport(withPaired);
  assert.match(html, /AULC − random, paired/);
  assert.match(html, /\+0\.031\* <span class="sd">± 0\.004<br>5 of 5 seeds above<\/span>/);
  assert.match(html, /more than the luck of the split/);
  const noRandom = renderReport({ ...r, strategies: Object.fromEntries(Object.entries(r.strategies).filter(([n]) => n !== "random")) });
  assert.doesNotMatch(noRandom, /AULC − random, paired/);
});

void test("the sub-headline says which strategies the seeds cannot tell from the best", () => {
  const r = results();
  // Identical noise in every strategy: the gaps are constant over seeds, so all are separated.
  assert.match(renderReport(r), /Every other strategy is below it by more than the seeds' noise \(paired t-test, 5%\)/);
  const m = r.strategies.margin;
  const shaky: StrategyResult = { ...m, aulc: m.aulc - 0.001, per_seed: m.per_seed.map((p, i) => ({ ...p, aulc: p.aulc + (i % 2 === 0 ? 0.01 : -0.012) })) };
  const html = renderReport({ ...r, strategies: { ...r.strategies, least_confidence: shaky } });
  assert.match(html, /On these 5 seeds it cannot be told apart from least_confidence \(paired t-test, 5%\)/);
  assert.doesNotMatch(renderReport({ ...r, options: { ...r.options, seeds: [0] } }), /paired t-test, 5%\)\./);
});

/** The fixture cut to its first `n` seeds, vs_random recomputed from those. */
function firstSeeds(n: number, matches: Record<string, number | null> = {}): SimulationResults {
  const raw = results({}, matches);
  const strategies = Object.fromEntries(Object.entries(raw.strategies).map(([name, s]) => [name, { ...s, per_seed: s.per_seed.slice(0, n) }]));
  const random = strategies.random;
  for (const [name, s] of Object.entries(strategies)) {
    if (name === "random") continue;
    const ls = s.labels_saved;
    strategies[name] = {
      ...s,
      vs_random: pairedDifference(s.per_seed.map((p) => p.aulc), random.per_seed.map((p) => p.aulc)),
      ...(ls === undefined ? {} : { labels_saved: n < 3 ? { ...ls, low: null, high: null, resamples: 0, seeds: n } : ls }),
    };
  }
  return { ...raw, strategies, options: { ...raw.options, seeds: raw.options.seeds.slice(0, n) } };
}

void test("labels saved are claimed only when the paired test says the strategy beats random (issue 10: 80% saved, indistinguishable from random)", () => {
  // What simulate --seeds 1 wrote before: margin "saved" 40 of 100 labels on one seed, which says
  // nothing about whether it beats random. The headline must not claim it.
  const one = firstSeeds(1);
  assert.equal(one.strategies.margin.vs_random?.significant, false);
  const h1 = headlineText(one);
  assert.doesNotMatch(h1, /saved \(/);
  assert.equal(h1, "With 1 seed the strategies cannot be told from random sampling (the paired test needs at least 3 seeds), so no labels saved are claimed.");
  const html1 = renderReport(one);
  assert.match(html1, /<p class="warning">Warning: only 1 seed: standard errors and intervals need at least 3 seeds, so they are n\/a\.<\/p>/);
  assert.match(html1, /Test accuracy on 1 seed \(one seed has no spread to draw\)/);
  assert.doesNotMatch(html1, /±1 standard deviation/);
  assert.doesNotMatch(html1, /± 0\.000/);
  assert.match(html1, /± n\/a<br>0 of 1 seeds above|± n\/a<br>1 of 1 seeds above/);
  assert.match(html1, /interval n\/a/);
  assert.match(html1, /not beyond the seeds&#39; noise/);
  // Five seeds where the strategies' per-seed AULCs straddle random's: not significant, no claim.
  const r = results();
  const rnd = r.strategies.random.per_seed;
  const straddle = (s: StrategyResult): StrategyResult => {
    const per_seed = s.per_seed.map((p, i) => ({ ...p, aulc: rnd[i].aulc + (i % 2 === 0 ? 0.02 : -0.021) }));
    return { ...s, per_seed, vs_random: pairedDifference(per_seed.map((p) => p.aulc), rnd.map((p) => p.aulc)) };
  };
  const noisy: SimulationResults = {
    ...r,
    strategies: { random: r.strategies.random, margin: straddle(r.strategies.margin), entropy: straddle(r.strategies.entropy) },
  };
  assert.equal(headlineText(noisy), "On these 5 seeds the strategies cannot be told from random sampling (paired t-test, 5%), so no labels saved are claimed.");
  // A strategy that beats random wins the headline even if one within the noise "saved" more.
  const mixed: SimulationResults = { ...r, strategies: { ...r.strategies, entropy: straddle({ ...r.strategies.entropy, labels_to_match_random: 50 }) } };
  assert.match(headlineText(mixed), /^Margin sampling .* 160 labels saved \(53%; 95% interval 140–170 over 5 seeds\)\.$/);
  // Significantly worse than random is said so.
  const worse = { ...r.strategies.entropy, per_seed: rnd.map((p, i) => ({ ...p, aulc: p.aulc - 0.03 - 0.001 * i })) };
  const bad: SimulationResults = { ...r, strategies: { random: r.strategies.random, entropy: { ...worse, vs_random: pairedDifference(worse.per_seed.map((p) => p.aulc), rnd.map((p) => p.aulc)) } } };
  assert.equal(headlineText(bad), "On these 5 seeds no strategy beat random sampling (paired t-test, 5%; entropy did worse), so no labels saved are claimed.");
});

void test("the summary table shows the labels-saved interval and the bootstrap is explained", () => {
  const html = renderReport(results());
  assert.match(html, /160 <span class="sd">\(53%\)<br>95%: 140–170<\/span>/);
  assert.match(html, /percentile bootstrap over seeds \(the seeds are resampled with replacement, 2,000 times/);
  assert.match(html, />160 labels saved \(53%\)</);
  assert.equal(count(html, /class="al-bar-interval"/g), 3);
  assert.doesNotMatch(html, /class="warning"/);
});
