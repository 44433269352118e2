/**
 * `npm run bench:quality:tune`: how the model consensus's defaults were chosen, on data that
 * does not score them. For each shared dataset (../shared/datasets/NAME.csv, its true labels) and
 * seed, fresh annotators are simulated as the shared crowd files were made (simulate-crowd.ts:
 * accuracies 0.95 .. 0.55, three per item, 60% of errors the next label), and the model
 * consensus runs with each setting (smoothing:rounds). Prints the accuracy per dataset and the
 * mean per setting. The crowd files themselves (seed 0 of their generator, a different stream)
 * are only scored, by bench:quality:consensus.
 *
 * Environment: SHARED (default ../shared), SEEDS (default 1,2,3), SETTINGS (default
 * 0.01:2,0.1:2,1:2,0.01:3,1:3).
 */
import path from "node:path";
import { formatTable } from "../src/cli/table.js";
import { loadDataset } from "../src/data/load.js";
import { TableFeaturizer } from "../src/features/featurizer.js";
import { sortLabels } from "../src/quality/annotations.js";
import { dawidSkene } from "../src/quality/dawid-skene.js";
import { modelConsensus } from "../src/quality/model-consensus.js";
import { simulateCrowd } from "../src/quality/simulate-crowd.js";
import { labelColumns, sharedDir } from "./datasets.js";

const seeds = (process.env.SEEDS ?? "1,2,3").split(",").map(Number);
const settings = (process.env.SETTINGS ?? "0.01:2,0.1:2,1:2,0.01:3,1:3").split(",").map((s) => {
  const [smoothing, rounds] = s.split(":").map(Number);
  return { name: s, smoothing, rounds };
});

const sums = new Float64Array(settings.length + 1);
let runs = 0;
const rows: (string | number)[][] = [];
for (const [name, column] of Object.entries(labelColumns)) {
  const ds = loadDataset(path.join(sharedDir, "datasets", `${name}.csv`), { label: column });
  const given = (ds.labels ?? []).map((l) => l ?? "");
  const labels = sortLabels(given);
  const y = Int32Array.from(given, (l) => labels.indexOf(l));
  const X = new TableFeaturizer().fit(ds).transform(ds);
  for (const seed of seeds) {
    const a = simulateCrowd(y, labels.length, { accuracy: [0.95, 0.85, 0.75, 0.65, 0.55], seed });
    // Items i0, i1, ... appear in row order, so row r of X is item r; labels are "0".."K-1".
    const acc = (label: Int32Array): number => {
      let right = 0;
      label.forEach((l, i) => {
        if (Number(a.labels[l]) === y[Number(a.items[i].slice(1))]) right++;
      });
      return right / label.length;
    };
    const figures = [acc(dawidSkene(a).consensus.label), ...settings.map((s) => acc(modelConsensus(a, X, { smoothing: s.smoothing, rounds: s.rounds, seed }).consensus.label))];
    figures.forEach((v, k) => (sums[k] += v));
    runs++;
    rows.push([name, seed, ...figures.map((v) => v.toFixed(4))]);
  }
}
rows.push(["mean", "", ...Array.from(sums, (v) => (v / runs).toFixed(5))]);
process.stdout.write(formatTable(["dataset", "seed", "dawid-skene", ...settings.map((s) => `model ${s.name}`)], rows) + "\n");
