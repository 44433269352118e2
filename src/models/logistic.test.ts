import assert from "node:assert/strict";
import test from "node:test";
import { denseFromRows, takeRows, type CsrMatrix, type Matrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { lbfgs } from "../linalg/lbfgs.js";
import { LogisticRegression, logisticObjective } from "./logistic.js";
import { modelFromJSON } from "./registry.js";
import { gradientAt, logisticProblem, newtonOptimum } from "./testing.js";

function randomProblem(n: number, d: number, k: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next() * 2 - 1));
  const y = Int32Array.from(rows, (r) => Math.min(k - 1, Math.floor(((r[0] + 1) / 2) * k + (rng.next() - 0.5) * 0.6)));
  return { X: denseFromRows(rows), y: Int32Array.from(y, (v) => Math.max(0, v)) };
}

function toCsr(X: Matrix): CsrMatrix {
  if (X.kind === "csr") return X;
  const indptr = new Int32Array(X.rows + 1);
  const ind: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j];
      if (Math.abs(v) > 0.3) {
        ind.push(j);
        val.push(v);
      }
    }
    indptr[i + 1] = val.length;
  }
  return { kind: "csr", rows: X.rows, cols: X.cols, indptr, indices: Int32Array.from(ind), values: Float64Array.from(val) };
}

function gradientCheck(X: Matrix, y: Int32Array, m: number, rows: Int32Array | null): void {
  const fg = logisticObjective(X, rows, y, m, 0.7);
  const rng = new Rng(3);
  const theta = Float64Array.from({ length: X.cols * m + m }, () => rng.next() - 0.5);
  const g = new Float64Array(theta.length);
  fg(theta, g);
  const scratch = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const h = 1e-6;
    const tp = theta.slice();
    tp[i] += h;
    const tm = theta.slice();
    tm[i] -= h;
    const numeric = (fg(tp, scratch) - fg(tm, scratch)) / (2 * h);
    assert.ok(Math.abs(numeric - g[i]) < 1e-5 * Math.max(1, Math.abs(numeric)), `component ${i}: analytic ${g[i]} vs numeric ${numeric}`);
  }
}

void test("gradient of the logistic objective matches finite differences (binomial and multinomial, dense and CSR, row subsets)", () => {
  const { X } = randomProblem(40, 6, 3, 1);
  const y3 = Int32Array.from({ length: 40 }, (_, i) => i % 3);
  const y2 = Int32Array.from({ length: 40 }, (_, i) => i % 2);
  gradientCheck(X, y2, 1, null);
  gradientCheck(X, y3, 3, null);
  gradientCheck(toCsr(X), y3, 3, null);
  gradientCheck(toCsr(X), y2, 1, null);
  const rows = Int32Array.from([5, 2, 9, 30, 31, 7, 11]);
  gradientCheck(X, Int32Array.from(rows, (r) => r % 3), 3, rows);
  gradientCheck(toCsr(X), Int32Array.from(rows, (r) => r % 2), 1, rows);
});

void test("nearly unregularised binomial fit recovers the closed-form maximum-likelihood estimate", () => {
  // x in {0, 1}; P(y=1 | x=0) = 3/10, P(y=1 | x=1) = 8/10 -> b = logit(0.3), w = logit(0.8) - logit(0.3).
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 10; i++) {
    rows.push([0]);
    y.push(i < 3 ? 1 : 0);
    rows.push([1]);
    y.push(i < 8 ? 1 : 0);
  }
  const m = new LogisticRegression(2, { C: 1e8, tol: 1e-10, maxIter: 500 }).fit(denseFromRows(rows), y);
  const p = m.predictProba(denseFromRows([[0], [1]]));
  assert.ok(Math.abs(p[1] - 0.3) < 1e-4, `P(1|x=0) = ${p[1]}`);
  assert.ok(Math.abs(p[3] - 0.8) < 1e-4, `P(1|x=1) = ${p[3]}`);
});

void test("fit reaches a stationary point: the gradient of the objective is ~0", () => {
  const { X, y } = randomProblem(120, 5, 4, 2);
  const m = new LogisticRegression(4, { tol: 1e-8, maxIter: 1000 }).fit(X, y);
  const saved = m.toJSON() as unknown as { params: { w: number[]; b: number[] } };
  const theta = Float64Array.from([...saved.params.w, ...saved.params.b]);
  const g = new Float64Array(theta.length);
  logisticObjective(X, null, y, 4, 1)(theta, g);
  for (const v of g) assert.ok(Math.abs(v) < 1e-5, `gradient component ${v}`);
});

void test("probabilities have one column per class, rows sum to 1, unseen classes get 0", () => {
  const { X, y } = randomProblem(60, 3, 3, 4);
  const yNo2 = Int32Array.from(y, (v) => (v === 2 ? 0 : v));
  const m = new LogisticRegression(5).fit(X, yNo2);
  const p = m.predictProba(X, Int32Array.from([0, 1, 2]));
  assert.equal(p.length, 3 * 5);
  for (let r = 0; r < 3; r++) {
    let s = 0;
    for (let c = 0; c < 5; c++) s += p[r * 5 + c];
    assert.ok(Math.abs(s - 1) < 1e-12);
    assert.equal(p[r * 5 + 2], 0);
    assert.equal(p[r * 5 + 4], 0);
  }
  const one = new LogisticRegression(3).fit(X, new Int32Array(60).fill(1));
  assert.deepEqual(Array.from(one.predictProba(X, Int32Array.from([0]))), [0, 1, 0]);
});

void test("warm start converges to the same model as a cold start", () => {
  const { X, y } = randomProblem(200, 6, 3, 5);
  const first = takeRows(X, Int32Array.from({ length: 100 }, (_, i) => i));
  const warm0 = new LogisticRegression(3, { tol: 1e-7, maxIter: 500 }).fit(first, y.subarray(0, 100));
  const warm = new LogisticRegression(3, { tol: 1e-7, maxIter: 500 }).fit(X, y, { warmStart: warm0 });
  const cold = new LogisticRegression(3, { tol: 1e-7, maxIter: 500 }).fit(X, y);
  const a = warm.predictProba(X);
  const b = cold.predictProba(X);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4);
});

void test("unfitted use is a NOT_FITTED error; toJSON round-trips", () => {
  const { X, y } = randomProblem(50, 3, 2, 6);
  assert.throws(() => new LogisticRegression(2).predictProba(X), { code: "NOT_FITTED" });
  const m = new LogisticRegression(2).fit(X, y);
  const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ReturnType<typeof m.toJSON>);
  assert.deepEqual(Array.from(back.predictProba(X)), Array.from(m.predictProba(X)));
  assert.throws(() => m.fit(X, y.subarray(0, 10)), { code: "SHAPE_MISMATCH" });
  assert.throws(() => new LogisticRegression(2, { C: 0 }), { code: "BAD_OPTION" });
});

void test("the WebAssembly and the JS objective lead L-BFGS to the same optimum (dense, binary and multiclass)", () => {
  for (const k of [2, 4]) {
    const { X, y } = randomProblem(150, 8, k, 11 + k);
    const rows = Int32Array.from({ length: 120 }, (_, i) => i);
    const yr = y.subarray(0, 120);
    // LogisticRegression.fit takes the WebAssembly objective on dense input where the kernels load.
    const model = new LogisticRegression(k).fit(X, yr, { rows });
    assert.ok(model.fitInfo?.converged === true);
    const prob = logisticProblem(model, X, yr, rows);
    const js = new Float64Array(prob.theta.length);
    const res = lbfgs(prob.objective, js, { gtol: 1e-7, gradScale: 120, maxIter: 1000 });
    assert.ok(res.converged, res.stop);
    const opt = newtonOptimum(prob.objective, prob.theta);
    const pOpt = prob.proba(opt.theta);
    const pWasm = model.predictProba(X);
    const pJs = prob.proba(js);
    for (let i = 0; i < pOpt.length; i++) {
      assert.ok(Math.abs(pWasm[i] - pOpt[i]) <= 1e-5, `k=${k}: WebAssembly path ${pWasm[i]} vs optimum ${pOpt[i]}`);
      assert.ok(Math.abs(pJs[i] - pOpt[i]) <= 1e-5, `k=${k}: JS path ${pJs[i]} vs optimum ${pOpt[i]}`);
    }
    assert.ok(Math.abs(gradientAt(prob.objective, prob.theta).f - res.f) <= 1e-10 * 120, `k=${k}: objectives differ`);
  }
});

void test("fitInfo reports the fit: iterations, the final gradient per label within tol, why it stopped", () => {
  const { X, y } = randomProblem(100, 5, 3, 8);
  const m = new LogisticRegression(3).fit(X, y);
  const info = m.fitInfo;
  assert.ok(info !== null);
  assert.equal(info.tol, 1e-7);
  assert.equal(m.maxIter, 1000);
  assert.ok(info.converged && info.stop === "gradient" && info.iterations > 0 && info.gradNorm <= 1e-7, JSON.stringify(info));
  const capped = new LogisticRegression(3, { maxIter: 2 }).fit(X, y);
  assert.equal(capped.fitInfo?.stop, "maxIter");
  assert.equal(capped.fitInfo?.converged, false);
  assert.ok((capped.fitInfo?.gradNorm ?? 0) > 1e-7);
  assert.equal(LogisticRegression.fromJSON(m.toJSON()).fitInfo, null);
  assert.throws(() => new LogisticRegression(2, { tol: -1 }), { code: "BAD_OPTION" });
  // A looser tolerance for one fit (look-ahead refits): it stops sooner, within that tolerance, and
  // the model's own tolerance is unchanged for its next fit.
  const loose = new LogisticRegression(3);
  loose.fit(X, y, { tol: 1e-3 });
  assert.equal(loose.fitInfo?.tol, 1e-3);
  assert.ok((loose.fitInfo?.gradNorm ?? 1) <= 1e-3 && (loose.fitInfo?.iterations ?? 0) < info.iterations, JSON.stringify(loose.fitInfo));
  assert.equal(loose.fit(X, y).fitInfo?.tol, 1e-7);
});
