/**
 * `npm run bench:select`: time of one `select` (k = 10) for every registered strategy on three
 * synthetic 100k-item pools, beside the 1,000 ms target:
 * - dense: 100,000 x 50 features, 10 Gaussian classes;
 * - dense, narrow: 100,000 x 20 features, 4 Gaussian classes (84 logistic parameters, so
 *   variance_reduction runs its exact computation, as on vehicle; above 400 it runs margin);
 * - CSR, text-like: 100,000 x 20,000 vocabulary, ~30 non-zeros per row (Zipf-like terms, half of
 *   them from a class-leaning half of the vocabulary), rows L2-normalised, 2 classes.
 * 300 seeded random items are labeled and a logistic regression (C = 1) is fitted on them. Each
 * figure is the median of REPEATS runs (default 3), each with a fresh strategy instance (so
 * caches such as cluster_margin's clustering are rebuilt and counted) and its own seed.
 *
 * Environment: REPEATS, STRATEGIES (comma list), POOL (rows, default 100000).
 */
import fs from "node:fs";
import path from "node:path";
import { formatTable } from "../src/cli/table.js";
import type { CsrMatrix, DenseMatrix, Matrix } from "../src/linalg/matrix.js";
import { Rng } from "../src/linalg/rng.js";
import { modelFactory } from "../src/models/registry.js";
import { getStrategy, strategyNames } from "../src/strategies/registry.js";
import type { QueryContext } from "../src/strategies/types.js";

const N = Number(process.env.POOL ?? 100_000);
const repeats = Number(process.env.REPEATS ?? 3);
const only = process.env.STRATEGIES?.split(",");
const TARGET_MS = 1000;
const K = 10;
const LABELED = 300;

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function densePool(rng: Rng, d: number, nClasses: number): { X: DenseMatrix; y: Int32Array; nClasses: number } {
  const centers = Float64Array.from({ length: nClasses * d }, () => gaussian(rng));
  const data = new Float64Array(N * d);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    y[i] = rng.int(nClasses);
    for (let j = 0; j < d; j++) data[i * d + j] = centers[y[i] * d + j] + 1.5 * gaussian(rng);
  }
  return { X: { kind: "dense", rows: N, cols: d, data }, y, nClasses };
}

function csrPool(rng: Rng): { X: CsrMatrix; y: Int32Array; nClasses: number } {
  const vocab = 20_000;
  const indptr = new Int32Array(N + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const y = new Int32Array(N);
  const terms = new Set<number>();
  for (let i = 0; i < N; i++) {
    y[i] = rng.int(2);
    terms.clear();
    const len = 20 + rng.int(21);
    while (terms.size < len) {
      const zipf = Math.floor((vocab / 2) * rng.next() ** 3);
      terms.add(rng.next() < 0.5 ? y[i] * (vocab / 2) + zipf : rng.int(vocab));
    }
    const sorted = [...terms].sort((a, b) => a - b);
    for (const t of sorted) {
      indices.push(t);
      values.push(1 / Math.sqrt(len));
    }
    indptr[i + 1] = indices.length;
  }
  return { X: { kind: "csr", rows: N, cols: vocab, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) }, y, nClasses: 2 };
}

function context(X: Matrix, y: Int32Array, nClasses: number, rng: Rng): QueryContext {
  const labeled = Int32Array.from(rng.sample(Int32Array.from({ length: N }, (_, i) => i), LABELED));
  const labels = Int32Array.from(labeled, (i) => y[i]);
  const newModel = modelFactory("logreg");
  const model = newModel(nClasses).fit(X, labels, { rows: labeled });
  const isLab = new Uint8Array(N);
  for (const i of labeled) isLab[i] = 1;
  const unlabeled = Int32Array.from({ length: N }, (_, i) => i).filter((i) => isLab[i] === 0);
  return { model, X, unlabeled, labeled, labels, nClasses, rng: new Rng(0), newModel };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const rng = new Rng(2024);
  process.stderr.write("building pools...\n");
  const pools = [
    { name: `dense ${N / 1000}k x 50, 10 classes`, ...densePool(rng, 50, 10) },
    { name: `dense ${N / 1000}k x 20, 4 classes`, ...densePool(rng, 20, 4) },
    { name: `CSR ${N / 1000}k x 20k, ~30 nnz, 2 classes`, ...csrPool(rng) },
  ];
  const contexts = pools.map((p) => context(p.X, p.y, p.nClasses, rng));
  const names = strategyNames().filter((s) => only === undefined || only.includes(s));
  const rows: string[][] = [];
  for (const name of names) {
    const ms = contexts.map((ctx, p) => {
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const strategy = getStrategy(name);
        const t0 = performance.now();
        const sel = strategy.select({ ...ctx, rng: new Rng(r) }, K);
        times.push(performance.now() - t0);
        if (sel.indices.length !== K) throw new Error(`${name} on ${pools[p].name} returned ${sel.indices.length} items`);
      }
      return median(times);
    });
    process.stderr.write(`${name}: ${ms.map((m) => m.toFixed(0)).join(" / ")} ms\n`);
    rows.push([name, ...ms.flatMap((m) => [m.toFixed(1), m <= TARGET_MS ? "yes" : "NO"])]);
  }
  const table = formatTable(["strategy", "dense ms", `≤ ${TARGET_MS}`, "narrow ms", `≤ ${TARGET_MS}`, "CSR ms", `≤ ${TARGET_MS}`], rows);
  const met = rows.filter((r) => r[2] === "yes" && r[4] === "yes" && r[6] === "yes").length;
  const out = [
    `activelearn bench:select: select(k=${K}) with ${LABELED} labeled, median of ${repeats} runs (fresh instance each), target ${TARGET_MS} ms`,
    ...pools.map((p) => `  ${p.name}`),
    "",
    table,
    "",
    `target met by ${met}/${rows.length} strategies on all three pools (timings on a shared machine are indicative)`,
  ].join("\n");
  process.stdout.write(out + "\n");
  fs.mkdirSync(path.join("out", "bench"), { recursive: true });
  fs.writeFileSync(path.join("out", "bench", "select.txt"), out + "\n");
}

main();
