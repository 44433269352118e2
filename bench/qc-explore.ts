import { readAnnotations } from "../src/quality/annotations.js";
import { majorityVote } from "../src/quality/majority.js";
import { dawidSkene } from "../src/quality/dawid-skene.js";
import { modelConsensus } from "../src/quality/model-consensus.js";
import { itemFeatures } from "../src/quality/item-features.js";
import { readTable } from "../src/data/read.js";
const dir = "/work/shared/quality";
const names = ["digits", "vehicle", "mlc_churn", "credit_data", "attrition", "wa_churn", "ionosphere", "pima"];
const smoothing = Number(process.env.S ?? 0.01);
const rounds = Number(process.env.R ?? 2);
for (const n of names) {
  const a = readAnnotations(`${dir}/${n}-crowd-s0.annotations.csv`, { item: "item", annotator: "annotator", label: "label" });
  const truth = new Map(readTable(`${dir}/${n}-crowd-s0.truth.csv`).cells.map((r) => [String(r[0]), String(r[1])]));
  const acc = (lab: Int32Array): number => { let c = 0; lab.forEach((l, i) => { if (a.labels[l] === truth.get(a.items[i])) c++; }); return c / lab.length; };
  const X = itemFeatures(`${dir}/${n}-crowd-s0.features.csv`, { id: "item" }, a.items);
  const t0 = Date.now();
  const m = modelConsensus(a, X, { smoothing, rounds });
  console.log(n.padEnd(12), acc(majorityVote(a).label).toFixed(4), acc(dawidSkene(a, { smoothing }).consensus.label).toFixed(4), acc(m.consensus.label).toFixed(4), Date.now() - t0, "ms");
}
