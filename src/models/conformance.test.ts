/**
 * The conformance suite every registered model passes: each fit ends at the optimum of the
 * model's training objective. On dense and CSR pools, binary and multiclass, cold and
 * warm-started (also from a model that saw fewer classes), with a class absent from training:
 * - `fitInfo` is set and says converged, its gradient within the model's tolerance;
 * - the model's own optimum check holds (`optimumChecks`, one per name in `modelNames`: a model
 *   added to the registry without one does not compile).
 *
 * The stated distance for logistic regression (tol = 1e-7 per label): the largest gradient
 * entry of the per-label objective, recomputed here in plain JS, is at most tol; against the
 * exact optimum (Newton's method from the fit, to a gradient of ~1e-13 per label) the objective
 * is within 1e-10 per label and every pool probability within 1e-5. Multinomial naive Bayes is a
 * closed form: its probabilities equal a direct computation within 1e-12.
 */
import assert from "node:assert/strict";
import test from "node:test";
import type { CsrMatrix, DenseMatrix, Matrix } from "../linalg/matrix.js";
import { rowToArray } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { LogisticRegression } from "./logistic.js";
import { modelFactory, modelNames, type ModelName } from "./registry.js";
import { gradientAt, logisticProblem, newtonOptimum } from "./testing.js";
import type { Classifier } from "./types.js";

/** n rows around nClasses centers; the class of row i is i % nClasses. `shift` makes them >= 0. */
function densePool(n: number, d: number, nClasses: number, seed: number, shift: boolean): { X: DenseMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const centers = Array.from({ length: nClasses }, () => Array.from({ length: d }, () => 3 * (rng.next() - 0.5)));
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % nClasses;
    for (let j = 0; j < d; j++) data[i * d + j] = centers[y[i]][j] + 2 * (rng.next() - 0.5) + (shift ? 3.5 : 0);
  }
  return { X: { kind: "dense", rows: n, cols: d, data }, y };
}

/** Text-like CSR rows: 4-8 terms each, half of them from a class-specific block of the vocabulary. */
function csrPool(n: number, vocab: number, nClasses: number, seed: number): { X: CsrMatrix; y: Int32Array } {
  const rng = new Rng(seed);
  const block = Math.floor(vocab / nClasses);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % nClasses;
    const terms = new Set<number>();
    const len = 4 + rng.int(5);
    while (terms.size < len) terms.add(rng.next() < 0.5 ? y[i] * block + rng.int(block) : rng.int(vocab));
    for (const t of [...terms].sort((a, b) => a - b)) {
      indices.push(t);
      values.push(1 / Math.sqrt(len));
    }
    indptr[i + 1] = indices.length;
  }
  return { X: { kind: "csr", rows: n, cols: vocab, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) }, y };
}

interface Pool {
  readonly name: string;
  readonly X: Matrix;
  readonly y: Int32Array;
  readonly nClasses: number;
}

function pools(nonNegative: boolean): Pool[] {
  return [
    { name: "dense, 2 classes", ...densePool(90, 5, 2, 1, nonNegative), nClasses: 2 },
    { name: "dense, 3 classes", ...densePool(90, 6, 3, 2, nonNegative), nClasses: 3 },
    { name: "CSR, 2 classes", ...csrPool(90, 40, 2, 3), nClasses: 2 },
    { name: "CSR, 3 classes", ...csrPool(90, 30, 3, 4), nClasses: 3 },
    // Class 3 never labeled: it must get probability 0, the rest still at the optimum.
    { name: "dense, 4 classes, one absent", ...densePool(90, 4, 3, 5, nonNegative), nClasses: 4 },
  ];
}

/** A fit to check: the rows and labels it was trained on. */
interface Fitted {
  readonly model: Classifier;
  readonly rows: Int32Array;
  readonly y: Int32Array;
  readonly where: string;
}

/** Cold fits, warm-started fits, and a warm start from a model that saw only two classes. */
function fits(name: ModelName, pool: Pool): Fitted[] {
  const make = modelFactory(name);
  const fit = (rows: Int32Array, warm: Classifier | null): Fitted => {
    const y = Int32Array.from(rows, (i) => pool.y[i]);
    const model = make(pool.nClasses).fit(pool.X, y, { rows, ...(warm === null ? {} : { warmStart: warm }) });
    return { model, rows, y, where: `${name} on ${pool.name}, ${rows.length} labels${warm === null ? "" : ", warm-started"}` };
  };
  const first = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
  const small = fit(first(12), null);
  const twoClasses = fit(Int32Array.from({ length: 40 }, (_, i) => i).filter((i) => pool.y[i] < 2), null);
  return [small, fit(first(60), null), fit(first(60), small.model), fit(first(90), twoClasses.model), twoClasses];
}

type OptimumCheck = (f: Fitted, pool: Pool) => void;

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Each model's proof that a fit is at the optimum of its objective. */
const optimumChecks: Record<ModelName, OptimumCheck> = {
  logreg: (f, pool) => {
    assert.ok(f.model instanceof LogisticRegression);
    const prob = logisticProblem(f.model, pool.X, f.y, f.rows);
    const at = gradientAt(prob.objective, prob.theta);
    assert.ok(at.gradMax / prob.n <= f.model.tol * (1 + 1e-6), `${f.where}: gradient ${at.gradMax / prob.n} per label > tol ${f.model.tol}`);
    const opt = newtonOptimum(prob.objective, prob.theta);
    assert.ok(opt.gradMax / prob.n <= 1e-12, `${f.where}: Newton reached only ${opt.gradMax / prob.n} per label`);
    const gap = (at.f - opt.f) / prob.n;
    assert.ok(gap <= 1e-10 && gap >= -1e-13, `${f.where}: objective ${gap} per label above the optimum`);
    const dp = maxAbsDiff(f.model.predictProba(pool.X), prob.proba(opt.theta));
    assert.ok(dp <= 1e-5, `${f.where}: probabilities ${dp} from the optimum's`);
  },
  nb: (f, pool) => {
    // theta_cj = (N_cj + 1) / (N_c + d), prior_c = n_c / n, p(c | x) ∝ prior_c prod_j theta_cj^x_j.
    const d = pool.X.cols;
    const K = pool.nClasses;
    const counts = Array.from({ length: K }, () => new Float64Array(d));
    const classCount = new Float64Array(K);
    f.rows.forEach((i, r) => {
      classCount[f.y[r]]++;
      rowToArray(pool.X, i).forEach((v, j) => (counts[f.y[r]][j] += v));
    });
    const expected = new Float64Array(pool.X.rows * K);
    for (let i = 0; i < pool.X.rows; i++) {
      const x = rowToArray(pool.X, i);
      const logp = Array.from({ length: K }, (_, c) => {
        if (classCount[c] === 0) return -Infinity;
        const total = counts[c].reduce((a, b) => a + b, 0);
        return Math.log(classCount[c] / f.rows.length) + x.reduce((s, v, j) => s + v * Math.log((counts[c][j] + 1) / (total + d)), 0);
      });
      const mx = Math.max(...logp);
      const z = logp.reduce((s, l) => s + Math.exp(l - mx), 0);
      logp.forEach((l, c) => (expected[i * K + c] = Math.exp(l - mx) / z));
    }
    const dp = maxAbsDiff(f.model.predictProba(pool.X), expected);
    assert.ok(dp <= 1e-12, `${f.where}: probabilities ${dp} from the closed form`);
  },
};

for (const name of modelNames) {
  void test(`model conformance: ${name} fits end at the optimum (dense and CSR, binary and multiclass, cold and warm-started)`, () => {
    const needsNonNegative = modelFactory(name)(2).requiresNonNegative;
    for (const pool of pools(needsNonNegative)) {
      for (const f of fits(name, pool)) {
        const info = f.model.fitInfo;
        assert.ok(info !== null, `${f.where}: no fitInfo`);
        assert.ok(info.converged, `${f.where}: not converged (${info.stop}, gradient ${info.gradNorm})`);
        assert.ok(Number.isFinite(info.gradNorm) && info.gradNorm <= info.tol, `${f.where}: gradient ${info.gradNorm} > tol ${info.tol}`);
        const p = f.model.predictProba(pool.X);
        for (let i = 0; i < pool.X.rows; i++) {
          let s = 0;
          for (let c = 0; c < pool.nClasses; c++) s += p[i * pool.nClasses + c];
          assert.ok(Math.abs(s - 1) < 1e-12, `${f.where}: row ${i} sums to ${s}`);
        }
        optimumChecks[name](f, pool);
      }
    }
  });
}
