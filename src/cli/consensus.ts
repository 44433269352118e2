/**
 * `activelearn consensus --data FILE --item COL --annotator COL --label COL [--method
 * majority|dawid-skene|model] [--features FILE --id COL [--text COL]] --out FILE
 * [--annotators-out FILE] [--seed N]`: one consensus label per item from several annotators'
 * labels (long format), with its confidence, and each annotator's estimated accuracy and
 * confusion matrix. The method defaults to `model` when --features is given, else
 * `dawid-skene`. See quality/majority.ts, dawid-skene.ts and model-consensus.ts.
 */
import fs from "node:fs";
import { BadOptionError } from "../errors.js";
import { readAnnotations } from "../quality/annotations.js";
import { emEstimates, majorityEstimates } from "../quality/annotator-estimates.js";
import { annotatorsText, formatOf, itemsText, type AnnotatorReport, type OutputFormat } from "../quality/consensus-output.js";
import { dawidSkene } from "../quality/dawid-skene.js";
import { itemFeatures } from "../quality/item-features.js";
import { majorityVote, type Consensus } from "../quality/majority.js";
import { modelConsensus } from "../quality/model-consensus.js";
import { num, parseArgs, str, usage, type FlagSpec, type FlagValues } from "./args.js";
import { writingOutput } from "./paths.js";

const METHODS = ["majority", "dawid-skene", "model"] as const;

const spec: Record<string, FlagSpec> = {
  data: { type: "string", required: true, path: "input", help: "annotations in long format (CSV or JSONL), one row per label given" },
  item: { type: "string", required: true, help: "item column of --data" },
  annotator: { type: "string", required: true, help: "annotator column of --data" },
  label: { type: "string", required: true, help: "label column of --data" },
  method: { type: "string", help: "majority, dawid-skene or model (default: model with --features, else dawid-skene)" },
  features: { type: "string", path: "input", help: "the items' features (CSV or JSONL, one row per item) for --method model" },
  id: { type: "string", help: "column of --features holding the item names" },
  text: { type: "string", help: "free-text column of --features (TF-IDF)" },
  out: { type: "string", required: true, path: "output-file", help: "consensus per item to write (.csv or .jsonl)" },
  "annotators-out": { type: "string", path: "output-file", help: "per-annotator accuracy and confusion matrix to write (.json or .csv)" },
  seed: { type: "int", help: "seed of the model's cross-validation folds (default 0)" },
  help: { type: "boolean", help: "show this help" },
};

function check(f: FlagValues): string[] {
  const p: string[] = [];
  const method = str(f, "method");
  if (method !== undefined && !(METHODS as readonly string[]).includes(method)) p.push(`option --method must be one of ${METHODS.join(", ")}, got "${method}"`);
  if (method === "model" && f.features === undefined) p.push("option --method model needs --features (and --id)");
  if (f.features !== undefined && f.id === undefined) p.push("option --features needs --id (the column holding the item names)");
  if (f.features === undefined && (f.id !== undefined || f.text !== undefined)) p.push("options --id and --text belong to --features, which is not given");
  if (f.features !== undefined && method !== undefined && method !== "model") p.push(`option --features is only used by --method model, not ${method}`);
  const out = str(f, "out");
  if (out !== undefined && formatOf(out, "jsonl") === undefined) p.push(`option --out "${out}": name a .csv or .jsonl file`);
  const ann = str(f, "annotators-out");
  if (ann !== undefined && formatOf(ann, "json") === undefined) p.push(`option --annotators-out "${ann}": name a .json or .csv file`);
  return p;
}

export function runConsensus(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write(usage("consensus", "--data FILE --item COL --annotator COL --label COL --out FILE", spec) + "\n");
    return Promise.resolve(0);
  }
  const { flags } = parseArgs(argv, spec, "consensus", check);
  const data = str(flags, "data") ?? "";
  const a = readAnnotations(data, { item: str(flags, "item") ?? "", annotator: str(flags, "annotator") ?? "", label: str(flags, "label") ?? "" });
  const features = str(flags, "features");
  const method = str(flags, "method") ?? (features !== undefined ? "model" : "dawid-skene");
  let consensus: Consensus;
  let report: AnnotatorReport;
  let em = "";
  if (method === "majority") {
    consensus = majorityVote(a);
    report = majorityEstimates(a, consensus);
  } else if (method === "dawid-skene") {
    const r = dawidSkene(a);
    em = `; EM ${r.converged ? "converged after" : "stopped at the cap of"} ${r.iterations} iterations`;
    consensus = r.consensus;
    report = emEstimates(a, r, method);
  } else {
    const text = str(flags, "text");
    const X = itemFeatures(features ?? "", text === undefined ? { id: str(flags, "id") ?? "" } : { id: str(flags, "id") ?? "", text }, a.items);
    if (a.items.length < 5) throw new BadOptionError([`--method model needs at least 5 items for its 5-fold cross-validation, got ${a.items.length}; use --method dawid-skene`], "method");
    const r = modelConsensus(a, X, { seed: num(flags, "seed") ?? 0 });
    em = `; last EM ${r.converged ? "converged after" : "stopped at the cap of"} ${r.iterations} iterations`;
    consensus = r.consensus;
    report = emEstimates(a, r, method);
  }
  const out = str(flags, "out") ?? "";
  const annOut = str(flags, "annotators-out");
  writingOutput("out", out, () => fs.writeFileSync(out, itemsText(a, consensus, formatOf(out, "jsonl") as OutputFormat)));
  if (annOut !== undefined) writingOutput("annotators-out", annOut, () => fs.writeFileSync(annOut, annotatorsText(report, formatOf(annOut, "json") === "csv" ? "csv" : "json")));
  const lines = [`${method}: ${a.items.length} items, ${a.item.length} labels by ${a.annotators.length} annotators${em}; wrote ${out}${annOut !== undefined ? ` and ${annOut}` : ""}`];
  const acc = report.annotators.map((e) => `${e.annotator} ${e.estimated_accuracy.toFixed(3)}`).join(", ");
  lines.push(`estimated accuracy: ${acc}${report.model !== undefined ? `; model ${report.model.estimated_accuracy.toFixed(3)}` : ""}`);
  process.stdout.write(lines.join("\n") + "\n");
  return Promise.resolve(0);
}
