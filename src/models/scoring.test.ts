import assert from "node:assert/strict";
import test from "node:test";
import { softmaxRows } from "../linalg/kernels.js";
import { dense, type CsrMatrix, type DenseMatrix, type Matrix } from "../linalg/matrix.js";
import { jsScores } from "../linalg/pool-scores.js";
import { Rng } from "../linalg/rng.js";
import { topK } from "../linalg/topk.js";
import { entropyScores, leastConfidenceScores, margin, marginScores, type UncertaintyMeasure } from "../strategies/uncertainty.js";
import { LogisticRegression } from "./logistic.js";
import { MultinomialNB } from "./naive-bayes.js";
import { poolPass, type LinearView, type MeasureName } from "./scoring.js";

const measures: [MeasureName, UncertaintyMeasure][] = [["margin", marginScores], ["least_confidence", leastConfidenceScores], ["entropy", entropyScores]];

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** n rows of d features around one random centre per class (labels y). */
function blobs(n: number, d: number, K: number, seed: number): { X: DenseMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: K * d }, () => gaussian(rng));
  const y = Int32Array.from({ length: n }, () => rng.int(K));
  const X = dense(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.data[i * d + j] = centres[y[i] * d + j] + 1.2 * gaussian(rng);
  return { X, y };
}

/** Non-negative CSR rows (counts-like) whose columns lean to the class. */
function texts(n: number, d: number, K: number, seed: number): { X: CsrMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const y = Int32Array.from({ length: n }, () => rng.int(K));
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const len = 1 + rng.int(8);
    while (cols.size < len) cols.add(rng.next() < 0.6 ? (y[i] * Math.floor(d / K) + rng.int(Math.floor(d / K))) % d : rng.int(d));
    for (const j of [...cols].sort((a, b) => a - b)) {
      idx.push(j);
      val.push(1 + rng.int(3));
    }
    indptr[i + 1] = idx.length;
  }
  return { X: { kind: "csr", rows: n, cols: d, indptr, indices: Int32Array.from(idx), values: Float64Array.from(val) }, y };
}

/** Probabilities by the JS loops and the formulas of the models, written out independently. */
function jsProba(X: Matrix, rows: Int32Array, v: LinearView): Float64Array {
  const n = rows.length;
  const s = new Float64Array(n * v.m);
  jsScores(X, rows, 0, n, v.w, v.b, v.m, s);
  const out = new Float64Array(n * v.K);
  if (v.link === "binomial") {
    for (let r = 0; r < n; r++) {
      const z = s[r];
      const p1 = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      out[r * v.K + v.present[1]] = p1;
      out[r * v.K + v.present[0]] = 1 - p1;
    }
    return out;
  }
  softmaxRows(s, n, v.m);
  for (let r = 0; r < n; r++) for (let t = 0; t < v.m; t++) out[r * v.K + v.present[t]] = s[r * v.m + t];
  return out;
}

function closeRel(a: Float64Array, b: Float64Array, rel: number, abs: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= rel * Math.abs(b[i]) + abs, `${what}: [${i}] ${a[i]} vs ${b[i]}`);
}

/** The model's parameters as a LinearView (through its public JSON), to drive poolPass directly. */
function viewOf(model: LogisticRegression | MultinomialNB): LinearView {
  const j = model.toJSON() as unknown as Record<string, unknown>;
  if (model instanceof LogisticRegression) {
    const p = j.params as { present: number[]; w: number[]; b: number[] };
    const link = p.present.length === 1 ? "constant" : p.b.length === 1 ? "binomial" : "softmax";
    return { w: Float64Array.from(p.w), b: Float64Array.from(p.b), m: p.b.length, link, present: Int32Array.from(p.present), K: model.nClasses };
  }
  const present = Int32Array.from(j.present as number[]);
  return { w: Float64Array.from(j.logTheta as number[]), b: Float64Array.from(j.logPrior as number[]), m: present.length, link: "softmax", present, K: model.nClasses };
}

void test("the fused pass returns the bits of predictProba + measure + topK, over many blocks, for every measure and link", () => {
  const cases: { name: string; X: Matrix; model: LogisticRegression | MultinomialNB }[] = [];
  {
    const { X, y } = blobs(900, 13, 4, 1);
    cases.push({ name: "dense softmax, a class absent", X, model: new LogisticRegression(5).fit(X, y.subarray(0, 200), { rows: Int32Array.from({ length: 200 }, (_, i) => i) }) });
    const y2 = y.map((c) => (c < 2 ? 0 : 2));
    cases.push({ name: "dense binomial (classes 0 and 2 of 3)", X, model: new LogisticRegression(3).fit(X, y2) });
  }
  {
    const { X, y } = texts(1500, 60, 3, 2);
    cases.push({ name: "CSR softmax", X, model: new LogisticRegression(3).fit(X, y) });
    cases.push({ name: "CSR binomial", X, model: new LogisticRegression(2).fit(X, y.map((c) => (c === 0 ? 0 : 1))) });
    cases.push({ name: "CSR naive Bayes", X, model: new MultinomialNB(3).fit(X, y) });
  }
  for (const { name, X, model } of cases) {
    const rng = new Rng(7);
    const rows = Int32Array.from(rng.sample(Int32Array.from({ length: X.rows }, (_, i) => i), Math.floor(X.rows * 0.7))).sort();
    const proba = model.predictProba(X, rows);
    const v = viewOf(model);
    closeRel(proba, jsProba(X, rows, v), 1e-12, 1e-300, `${name}: predictProba vs the JS loops`);
    for (const [mName, fn] of measures) {
      const want = fn(proba, rows.length, model.nClasses);
      assert.deepEqual(model.uncertainty(X, mName, rows), want, `${name} ${mName}: uncertainty`);
      const top = model.mostUncertain(X, mName, 25, rows);
      assert.deepEqual(Array.from(top.positions), Array.from(topK(want, 25)), `${name} ${mName}: picks`);
      assert.deepEqual(Array.from(top.scores), Array.from(topK(want, 25), (p) => want[p]), `${name} ${mName}: scores`);
      // Blocks of a few rows each: the same picks, the same bits.
      for (const blockBytes of [200, 4096]) {
        const values = new Float64Array(rows.length);
        const probaSmall = new Float64Array(proba.length);
        const t = poolPass(X, rows, v, { proba: probaSmall, measure: mName, values, top: 25, blockBytes });
        assert.ok(t !== null);
        assert.deepEqual(probaSmall, proba, `${name} ${mName} block ${blockBytes}: probabilities`);
        assert.deepEqual(values, want, `${name} ${mName} block ${blockBytes}: values`);
        assert.deepEqual(t.positions, top.positions, `${name} ${mName} block ${blockBytes}: picks`);
      }
    }
  }
});

void test("the margin strategy picks through the fused pass what it picks from the probabilities", () => {
  const { X, y } = blobs(3000, 20, 6, 3);
  const labeled = Int32Array.from({ length: 120 }, (_, i) => i * 25);
  const model = new LogisticRegression(6).fit(X, Int32Array.from(labeled, (i) => y[i]), { rows: labeled });
  const taken = new Set(labeled);
  const unlabeled = Int32Array.from({ length: X.rows }, (_, i) => i).filter((i) => !taken.has(i));
  const ctx = { model, X, unlabeled, labeled, labels: Int32Array.from(labeled, (i) => y[i]), nClasses: 6, rng: new Rng(1), newModel: (k: number) => new LogisticRegression(k) };
  const fused = margin.select(ctx, 10);
  // The same model seen only through predictProba (no fused pass).
  const plain = margin.select({ ...ctx, model: { nClasses: 6, predictProba: (A: Matrix, r?: Int32Array) => model.predictProba(A, r) } }, 10);
  assert.deepEqual(fused.indices, plain.indices);
  assert.deepEqual(fused.scores, plain.scores);
  assert.equal(fused.indices.length, 10);
  for (const i of fused.indices) assert.ok(!taken.has(i), "only unlabeled rows are picked");
});

void test("a dense pool over 64 MiB (where the old kernels fell back to JS) scores through blocks equal to the JS loops", () => {
  // 86,000 x 100 doubles = 68.8 MB.
  const n = 86_000;
  const d = 100;
  const rng = new Rng(11);
  const X = dense(n, d, Float64Array.from({ length: n * d }, () => rng.next() * 2 - 1));
  const y = Int32Array.from({ length: 400 }, (_, i) => (X.data[i * d] + X.data[i * d + 1] > 0 ? 1 : 0) + (X.data[i * d + 2] > 0.3 ? 2 : 0));
  const model = new LogisticRegression(4).fit(X, y, { rows: Int32Array.from({ length: 400 }, (_, i) => i) });
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const proba = model.predictProba(X);
  closeRel(proba, jsProba(X, all, viewOf(model)), 1e-12, 1e-300, "predictProba");
  const want = marginScores(jsProba(X, all, viewOf(model)), n, 4);
  const top = model.mostUncertain(X, "margin", 10);
  assert.deepEqual(Array.from(top.positions), Array.from(topK(want, 10)), "the picks of the JS path");
});
