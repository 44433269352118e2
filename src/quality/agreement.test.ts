import assert from "node:assert/strict";
import test from "node:test";
import { agreementReport, bootstrapFigure, MIN_SHARED_ITEMS, quantileSorted } from "./agreement-report.js";
import { annotatorPairs, cohenKappa, countsFromTable, fleissKappa, itemCounts, krippendorffAlpha, oneVsRest, percentAgreement } from "./agreement.js";
import { encodeAnnotations, type AnnotationTriple } from "./annotations.js";
import { Rng } from "../linalg/rng.js";

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example: 4 observers,
// 12 units, values 1..5, "." missing.
const KRIPPENDORFF = [
  "1 2 3 3 2 1 4 1 2 . . .",
  "1 2 3 3 2 2 4 1 2 5 . 3",
  ". 3 3 3 2 3 4 2 2 5 1 .",
  "1 2 3 3 2 4 4 1 2 5 1 .",
];
function krippendorffData(): AnnotationTriple[] {
  const out: AnnotationTriple[] = [];
  KRIPPENDORFF.forEach((row, o) =>
    row.split(" ").forEach((v, u) => {
      if (v !== ".") out.push({ item: `u${u + 1}`, annotator: "ABCD"[o], label: v });
    }),
  );
  return out;
}

void test("Krippendorff's alpha reproduces his nominal worked example with missing data (0.743)", () => {
  const a = encodeAnnotations(krippendorffData());
  assert.equal(a.item.length, 41);
  // From first principles: unit 12 has one value and drops out; the 11 pairable units hold n = 40
  // values with n_c = 9, 13, 10, 5, 3 for c = 1..5. Disagreeing coincidences (ordered pairs of
  // different values in a unit, over m_u - 1): unit 2 (2,2,3,2) has 6 such pairs / 3 = 2; unit 6
  // (1,2,3,4) 12 / 3 = 4; unit 8 (1,1,2,1) 6 / 3 = 2; every other unit agrees: D = 8.
  const x = itemCounts(a);
  let D = 0;
  for (let i = 0; i < x.m.length; i++) {
    if (x.m[i] < 2) continue;
    let sq = 0;
    for (let c = 0; c < x.K; c++) sq += x.counts[i * x.K + c] ** 2;
    D += (x.m[i] ** 2 - sq) / (x.m[i] - 1);
  }
  assert.equal(D, 8);
  // Expected: n^2 - sum n_c^2 = 1600 - (81 + 169 + 100 + 25 + 9) = 1216; alpha = 1 - 39 * 8 / 1216.
  const hand = 1 - (39 * 8) / 1216;
  assert.ok(Math.abs(hand - 0.743421) < 1e-6);
  assert.ok(Math.abs(krippendorffAlpha(x) - hand) < 1e-12);
  assert.equal(krippendorffAlpha(x).toFixed(3), "0.743");
});

// Fleiss (1971) as worked on Wikipedia's "Fleiss' kappa" page: 10 subjects, 14 raters, 5 categories.
const FLEISS = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

void test("Fleiss' kappa of the textbook table: Pbar 0.378, Pe 0.213, kappa 0.210", () => {
  const x = countsFromTable(FLEISS);
  assert.ok(Math.abs(percentAgreement(x) - 0.378022) < 1e-6);
  const k = fleissKappa(x);
  // By hand: p_j = (20, 28, 39, 21, 32) / 140, Pe = sum p_j^2 = 0.212755.
  const pe = [20, 28, 39, 21, 32].reduce((s, v) => s + (v / 140) ** 2, 0);
  assert.ok(Math.abs(k - (0.378022 - pe) / (1 - pe)) < 1e-5);
  assert.equal(k.toFixed(3), "0.210");
});

void test("Cohen's kappa hand-checked on a 2 x 2 table: po 0.7, pe 0.5, kappa 0.4", () => {
  // 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15.
  const la: number[] = [];
  const lb: number[] = [];
  const add = (n: number, x: number, y: number): void => {
    for (let i = 0; i < n; i++) {
      la.push(x);
      lb.push(y);
    }
  };
  add(20, 0, 0);
  add(5, 0, 1);
  add(10, 1, 0);
  add(15, 1, 1);
  assert.ok(Math.abs(cohenKappa(la, lb, 2) - 0.4) < 1e-12);
  // Weights are multiplicities: doubling every item changes nothing.
  assert.ok(Math.abs(cohenKappa(la, lb, 2, new Float64Array(50).fill(2)) - 0.4) < 1e-12);
  // One label used throughout: chance agreement is 1, kappa undefined.
  assert.ok(Number.isNaN(cohenKappa([0, 0], [0, 0], 2)));
});

void test("with two raters per item Fleiss' kappa and alpha agree with their two-rater forms", () => {
  // Same pairs as the Cohen example, as items with two ratings each.
  const times = (k: number, row: number[]): number[][] => Array.from({ length: k }, () => row);
  const x = countsFromTable([...times(20, [2, 0]), ...times(15, [1, 1]), ...times(15, [0, 2])]);
  // Scott's pi (Fleiss with 2 raters): pooled shares yes = (40 + 15) / 100 = 0.55.
  const pe = 0.55 ** 2 + 0.45 ** 2;
  assert.ok(Math.abs(fleissKappa(x) - (0.7 - pe) / (1 - pe)) < 1e-12);
  // Alpha = 1 - (n - 1)/n * (1 - pi) for nominal data with two coders (n = 100 values).
  assert.ok(Math.abs(krippendorffAlpha(x) - (1 - (99 / 100) * (1 - fleissKappa(x)))) < 1e-12);
});

void test("alpha per label treats one label against the rest", () => {
  const x = countsFromTable([
    [2, 0, 0],
    [0, 2, 0],
    [0, 1, 1],
    [0, 0, 2],
  ]);
  const bin = oneVsRest(x, 0);
  assert.deepEqual(Array.from(bin.counts), [2, 0, 0, 2, 0, 2, 0, 2]);
  assert.equal(krippendorffAlpha(bin), 1); // label 0 is never confused with anything
  assert.ok(krippendorffAlpha(oneVsRest(x, 1)) < 1);
});

void test("annotator pairs hold the shared items' labels", () => {
  const a = encodeAnnotations([
    { item: "x", annotator: "b", label: "p" },
    { item: "x", annotator: "a", label: "q" },
    { item: "y", annotator: "a", label: "p" },
    { item: "y", annotator: "c", label: "p" },
  ]);
  const pairs = annotatorPairs(a);
  assert.deepEqual(
    pairs.map((p) => [a.annotators[p.a], a.annotators[p.b], Array.from(p.la, (l) => a.labels[l]), Array.from(p.lb, (l) => a.labels[l])]),
    [
      ["a", "b", ["q"], ["p"]],
      ["a", "c", ["p"], ["p"]],
    ],
  );
});

void test("bootstrap intervals are deterministic per seed and contain the value", () => {
  const a = encodeAnnotations(krippendorffData());
  const r1 = agreementReport(a, { seed: 3, resamples: 500 });
  const r2 = agreementReport(a, { seed: 3, resamples: 500 });
  const r3 = agreementReport(a, { seed: 4, resamples: 500 });
  assert.deepEqual(r1, r2);
  assert.notDeepEqual(r1.krippendorff_alpha, r3.krippendorff_alpha);
  for (const f of [r1.percent_agreement, r1.fleiss_kappa, r1.krippendorff_alpha]) {
    assert.ok(f.value !== null && f.ci_low !== null && f.ci_high !== null);
    assert.ok(f.ci_low <= f.value && f.value <= f.ci_high, JSON.stringify(f));
    assert.ok(f.ci_high - f.ci_low > 0.05, "12 units leave a wide interval");
  }
  assert.equal(r1.krippendorff_alpha.value?.toFixed(3), "0.743");
  // Shared units: A-B 9, A-C 8, A-D 9, B-C 9, B-D 10, C-D 10; only pairs with >= 10 are reported.
  assert.equal(MIN_SHARED_ITEMS, 10);
  assert.deepEqual(r1.cohen_kappa.map((p) => [p.a, p.b, p.n]), [["B", "D", 10], ["C", "D", 10]]);
  // B and D differ only on unit 6 (2 vs 4): po = 0.9.
  assert.ok((r1.cohen_kappa[0].value ?? 0) > 0.8);
  assert.deepEqual(Object.keys(r1.per_label), ["1", "2", "3", "4", "5"]);
  assert.equal(r1.items, 12);
  assert.equal(r1.annotators, 4);
});

void test("bootstrapFigure: a constant statistic has a zero-width interval; percentiles interpolate", () => {
  const f = bootstrapFigure(10, () => 0.5, 100, new Rng(1));
  assert.deepEqual(f, { value: 0.5, ci_low: 0.5, ci_high: 0.5 });
  assert.deepEqual(bootstrapFigure(10, () => NaN, 100, new Rng(1)), { value: null, ci_low: null, ci_high: null });
  assert.equal(quantileSorted([0, 10], 0.25), 2.5);
  // Mean of 0/1 items: the interval is near the normal one (0.5 +- 1.96 * 0.05 for n = 100).
  const v = Float64Array.from({ length: 100 }, (_, i) => i % 2);
  const mean = (w: Float64Array): number => {
    let s = 0;
    let n = 0;
    w.forEach((wi, i) => ((s += wi * v[i]), (n += wi)));
    return s / n;
  };
  const m = bootstrapFigure(100, mean, 2000, new Rng(7));
  assert.ok(Math.abs((m.ci_low ?? 0) - 0.402) < 0.03 && Math.abs((m.ci_high ?? 0) - 0.598) < 0.03, JSON.stringify(m));
});
