/**
 * `simulate --annotators 0.95,0.85,0.7 [--qc none,overlap2,adaptive,review-suspects]`: the
 * quality-control comparison (src/eval/qc.ts) instead of the strategy comparison. Writes
 * DIR/qc.json and DIR/qc.md; prints the table and one sentence per policy on stdout.
 *
 * @example
 * activelearn simulate --data digits.csv --label digit --annotators 0.95,0.85,0.7 --out out/qc
 */
import fs from "node:fs";
import path from "node:path";
import type { Dataset } from "../data/types.js";
import { BadInputError, BadOptionError } from "../errors.js";
import { annotatorsFromJson } from "../eval/qc.js";
import { compareQc, parseAccuracies, qcPolicies, type QcResults } from "../eval/qc-summary.js";
import type { PairedDifference } from "../eval/types.js";
import { list, num, str, type FlagValues } from "./args.js";
import { writingOutput } from "./paths.js";
import { progressBar } from "./progress.js";
import { formatTable } from "./table.js";

/** `--annotators`: accuracies, or a JSON file of annotators (read when the classes are known). */
function annotatorsOption(text: string): Parameters<typeof compareQc>[1]["annotators"] {
  if (/^[\d.,\s]+$/.test(text)) return parseAccuracies(text);
  if (!fs.existsSync(text)) throw new BadOptionError([`--annotators: "${text}" is neither accuracies (0.95,0.85,0.7) nor an existing JSON file`], "annotators");
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(text, "utf8"));
  } catch (e) {
    throw new BadInputError(`--annotators: not JSON: ${e instanceof Error ? e.message : String(e)}`, { file: text, option: "annotators" });
  }
  return (classes) => annotatorsFromJson(json, classes, text);
}

const paired = (d: PairedDifference | undefined): string => (d === undefined ? "baseline" : `${d.mean >= 0 ? "+" : "−"}${Math.abs(d.mean).toFixed(4)} ± ${d.se === null ? "n/a" : d.se.toFixed(4)}${d.significant ? "*" : ""} (${d.above}/${d.seeds})`);

/** The table of a comparison: one row per policy. */
export function qcTable(r: QcResults): string {
  const rows = Object.entries(r.policies).map(([p, x]) => [p, x.aulc.toFixed(4), paired(x.vs_none), x.final_accuracy.toFixed(4), paired(x.final_vs_none), `${(x.training_label_accuracy * 100).toFixed(1)}%`, x.items.toFixed(0), x.qc_units.toFixed(0), x.disputed.toFixed(0), x.reviews.toFixed(0)]);
  return formatTable(["policy", "AULC", "− none (paired)", `acc @${r.budget_units}`, "− none (paired)", "labels right", "items", "QC units", "disputed", "reviews"], rows);
}

function markdown(r: QcResults): string {
  const lines = [
    `# Quality control on ${path.basename(r.dataset)}`,
    "",
    `${r.rows} rows, ${r.classes} classes; strategy ${r.strategy}, model ${r.model}; ${r.budget_units} label units per run (every label given costs one: first labels, overlap labels and reviews alike); seeds ${r.seeds.join(", ")}.`,
    `Simulated annotators: ${r.annotators.map((a) => `${a.name} (accuracy ${a.accuracy})`).join(", ")}.`,
    "",
    "```",
    qcTable(r),
    "```",
    "",
    "− none (paired): the mean over seeds of the difference with no quality control on the same split and start, ± its standard error (seeds above); * = more than the split's luck (paired t-test, 5%). Labels right: the share of the training labels that are the truth at the end.",
    "",
    ...r.verdicts.map((v) => `- ${v}`),
    "",
  ];
  return lines.join("\n");
}

/** Runs the comparison and writes its files; the flags were checked by runSimulate. */
export function runQcSimulate(ds: Dataset, flags: FlagValues, out: string, model: string | undefined): number {
  const strategies = list(flags, "strategies");
  if (strategies !== undefined && strategies.length !== 1) throw new BadOptionError([`with --annotators, --strategies names the one strategy every policy selects with, got ${strategies.length}: ${strategies.join(", ")}`], "strategies");
  const policies = qcPolicies(list(flags, "qc"));
  const bar = progressBar("simulate");
  const res = compareQc(ds, {
    annotators: annotatorsOption(str(flags, "annotators")!),
    policies,
    ...(strategies !== undefined ? { strategy: strategies[0] } : {}),
    ...(num(flags, "seeds") !== undefined ? { seeds: num(flags, "seeds") } : {}),
    ...(num(flags, "initial") !== undefined ? { initial: num(flags, "initial") } : {}),
    ...(num(flags, "batch") !== undefined ? { batch: num(flags, "batch") } : {}),
    ...(num(flags, "budget") !== undefined ? { budget: num(flags, "budget") } : {}),
    ...(num(flags, "test-fraction") !== undefined ? { testFraction: num(flags, "test-fraction") } : {}),
    ...(model !== undefined ? { model } : {}),
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.finish();
  const files = writingOutput("out", out, () => {
    fs.mkdirSync(out, { recursive: true });
    const json = path.join(out, "qc.json");
    const md = path.join(out, "qc.md");
    fs.writeFileSync(json, JSON.stringify(res, null, 1) + "\n");
    fs.writeFileSync(md, markdown(res));
    return { json, md };
  });
  process.stdout.write(`${path.basename(res.dataset)}: ${res.rows} rows, ${res.classes} classes; ${res.strategy}, ${res.budget_units} label units, seeds ${res.seeds[0]}-${res.seeds.at(-1)}; annotators ${res.annotators.map((a) => `${a.name} ${a.accuracy}`).join(", ")}\n\n`);
  process.stdout.write(qcTable(res) + "\n\n");
  for (const v of res.verdicts) process.stdout.write(`${v}\n`);
  process.stdout.write(`\nwrote ${files.json}\nwrote ${files.md}\n`);
  return 0;
}
