// Tuning consensus settings on fresh simulated crowds (seeds 1..3), not on the scored files.
import { loadDataset } from "../src/data/load.js";
import { sortLabels } from "../src/quality/annotations.js";
import { simulateCrowd } from "../src/quality/simulate-crowd.js";
import { modelConsensus } from "../src/quality/model-consensus.js";
import { dawidSkene } from "../src/quality/dawid-skene.js";
import { TableFeaturizer } from "../src/features/featurizer.js";
import { labelColumns } from "./datasets.js";
const settings = (process.env.SET ?? "0.01:2,0.1:2,1:2,0.01:3,1:3").split(",").map((s) => s.split(":").map(Number));
const seeds = [1, 2, 3];
const sum = settings.map(() => 0);
for (const [name, col] of Object.entries(labelColumns)) {
  const ds = loadDataset(`/work/shared/datasets/${name}.csv`, { label: col });
  const labels = sortLabels(ds.labels!.map(String));
  const y = Int32Array.from(ds.labels!, (l) => labels.indexOf(String(l)));
  const X = new TableFeaturizer().fit(ds).transform(ds);
  const row: string[] = [];
  for (const seed of seeds) {
    const a = simulateCrowd(y, labels.length, { accuracy: [0.95, 0.85, 0.75, 0.65, 0.55], seed });
    const order = Int32Array.from(a.items, (it) => Number(it.slice(1)));
    const Xa = X; // items appear in row order
    const acc = (lab: Int32Array): number => { let c = 0; lab.forEach((l, i) => { if (Number(a.labels[l]) === y[order[i]]) c++; }); return c / lab.length; };
    row.push(`ds ${acc(dawidSkene(a).consensus.label).toFixed(4)}`);
    settings.forEach(([s, r], k) => {
      const v = acc(modelConsensus(a, Xa, { smoothing: s, rounds: r, seed }).consensus.label);
      sum[k] += v;
      row.push(v.toFixed(4));
    });
  }
  console.log(name.padEnd(12), row.join(" "));
}
console.log("mean", settings.map((s, k) => `${s.join(":")}=${(sum[k] / (8 * seeds.length)).toFixed(5)}`).join(" "));
