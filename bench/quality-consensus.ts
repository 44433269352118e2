/**
 * `npm run bench:quality:consensus`: consensus accuracy on the shared crowd files
 * (`quality/NAME-crowd-s0.*`: five simulated annotators of accuracy 0.95 .. 0.55, three per
 * item, systematic confusions) against the true labels, for majority vote, Dawid-Skene and the
 * model consensus (the `consensus` command's defaults, one setting for every file), beside
 * reference.json's majority vote, Dawid-Skene and CROWDLAB figures. Target: the model
 * consensus >= the best reference on every file. Deterministic (seed 0), so one run gives the
 * accuracies; the run time of each method is printed too. Accuracies carry a Wilson 95% interval
 * over items.
 *
 * Environment: SHARED (default ../shared), DATASETS (comma list, default all eight), FOLD_SEEDS
 * (extra seeds of the model's cross-validation folds, e.g. 1,2,3,4: adds the lowest and highest
 * model accuracy over seed 0 and those, to show how much the fold draw moves it; default none).
 */
import fs from "node:fs";
import path from "node:path";
import { formatTable } from "../src/cli/table.js";
import { readTable } from "../src/data/read.js";
import { wilson } from "../src/eval/metrics.js";
import { readAnnotations, type Annotations } from "../src/quality/annotations.js";
import { dawidSkene } from "../src/quality/dawid-skene.js";
import { itemFeatures } from "../src/quality/item-features.js";
import { majorityVote } from "../src/quality/majority.js";
import { modelConsensus } from "../src/quality/model-consensus.js";
import { labelColumns, sharedDir } from "./datasets.js";

interface RefFigures {
  readonly majority_vote: number;
  readonly dawid_skene: number;
  readonly crowdlab: number;
}

const dir = path.join(sharedDir, "quality");
const names = (process.env.DATASETS ?? Object.keys(labelColumns).join(",")).split(",");
const foldSeeds = (process.env.FOLD_SEEDS ?? "").split(",").filter((v) => v !== "").map(Number);
const reference = (JSON.parse(fs.readFileSync(path.join(dir, "reference.json"), "utf8")) as { consensus: Record<string, RefFigures> }).consensus;

function accuracyOf(a: Annotations, label: Int32Array, truth: ReadonlyMap<string, string>): number {
  let right = 0;
  label.forEach((l, i) => {
    if (a.labels[l] === truth.get(a.items[i])) right++;
  });
  return right / label.length;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

const rows: (string | number)[][] = [];
let met = 0;
for (const name of names) {
  const base = path.join(dir, `${name}-crowd-s0`);
  const ref = reference[`${name}-crowd-s0`];
  if (ref === undefined) throw new Error(`DATASETS: no reference for "${name}-crowd-s0" in ${dir}/reference.json`);
  const a = readAnnotations(`${base}.annotations.csv`, { item: "item", annotator: "annotator", label: "label" });
  const truth = new Map(readTable(`${base}.truth.csv`).cells.map((r) => [String(r[0]), String(r[1])]));
  const X = itemFeatures(`${base}.features.csv`, { id: "item" }, a.items);
  const mv = timed(() => majorityVote(a));
  const ds = timed(() => dawidSkene(a));
  const mc = timed(() => modelConsensus(a, X, { seed: 0 }));
  const acc = {
    mv: accuracyOf(a, mv.value.label, truth),
    ds: accuracyOf(a, ds.value.consensus.label, truth),
    mc: accuracyOf(a, mc.value.consensus.label, truth),
  };
  const best = Math.max(ref.majority_vote, ref.dawid_skene, ref.crowdlab);
  const ok = acc.mc >= best;
  const spread = foldSeeds.map((seed) => accuracyOf(a, modelConsensus(a, X, { seed }).consensus.label, truth));
  const range = foldSeeds.length === 0 ? [] : [`${Math.min(acc.mc, ...spread).toFixed(4)}-${Math.max(acc.mc, ...spread).toFixed(4)}`];
  if (ok) met++;
  const n = a.items.length;
  const ci = wilson(Math.round(acc.mc * n), n);
  rows.push([
    name,
    n,
    acc.mv.toFixed(4),
    acc.ds.toFixed(4),
    `${acc.mc.toFixed(4)} (${ci.low.toFixed(3)}-${ci.high.toFixed(3)})`,
    ref.majority_vote.toFixed(4),
    ref.dawid_skene.toFixed(4),
    ref.crowdlab.toFixed(4),
    `${(acc.mc - best >= 0 ? "+" : "") + (acc.mc - best).toFixed(4)}`,
    ok ? "yes" : "NO",
    ...range,
    `${mv.ms.toFixed(0)}/${ds.ms.toFixed(0)}/${mc.ms.toFixed(0)}`,
  ]);
}
process.stdout.write(
  formatTable(["dataset", "items", "majority", "dawid-skene", "model (95% CI)", "ref MV", "ref DS", "ref CROWDLAB", "model - best ref", "target", ...(foldSeeds.length > 0 ? [`model over fold seeds 0,${foldSeeds.join(",")}`] : []), "ms mv/ds/model"], rows) +
    `\n\ntarget (model consensus >= best reference) met on ${met} of ${names.length} files\n`,
);
