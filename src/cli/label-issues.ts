/**
 * `activelearn label-issues --data FILE --label COL [--text COL] [--id COL] [--ignore a,b]
 *  [--folds 5] [--model logreg|nb] [--seed N] --out FILE`: finds the rows whose given label is
 * probably wrong (cross-validated probabilities, then confident learning; src/quality/). Writes
 * every row to --out (CSV or JSONL by extension): row, id (with --id), given, suggested,
 * quality, issue. Prints how many rows were flagged and the estimated noise rate of each class.
 * Nothing is written when anything is wrong.
 */
import { BadOptionError } from "../errors.js";
import { LABEL_ISSUES_DEFAULTS, defaultRepeats, findLabelIssues } from "../quality/label-issues.js";
import { labeledTable, outputFormat, writeIssues } from "../quality/label-issues-file.js";
import { list, num, parseArgs, str, usage, type FlagSpec, type FlagValues } from "./args.js";
import { formatTable } from "./table.js";
import { writingOutput } from "./paths.js";

const spec: Record<string, FlagSpec> = {
  data: { type: "string", required: true, path: "input", help: "CSV or JSONL file with a label on every row" },
  label: { type: "string", required: true, help: "the column of given labels" },
  text: { type: "string", help: "free-text column (TF-IDF features)" },
  id: { type: "string", help: "id column copied to the output" },
  ignore: { type: "string", help: "comma-separated columns to leave out" },
  folds: { type: "int", help: `cross-validation folds (default ${LABEL_ISSUES_DEFAULTS.folds})` },
  model: { type: "string", help: "logreg or nb (default logreg)" },
  seed: { type: "int", help: `seed of the fold draws (default ${LABEL_ISSUES_DEFAULTS.seed})` },
  out: { type: "string", required: true, path: "output-file", help: "file to write, .csv or .jsonl" },
  help: { type: "boolean", help: "show this help" },
};

function check(flags: FlagValues): string[] {
  const problems: string[] = [];
  const model = str(flags, "model");
  if (model !== undefined && model !== "logreg" && model !== "nb") problems.push(`option --model must be logreg or nb, got "${model}"`);
  const folds = num(flags, "folds");
  if (folds !== undefined && folds < 2) problems.push(`option --folds must be at least 2, got ${folds}`);
  const out = str(flags, "out");
  if (out !== undefined) {
    try {
      outputFormat(out);
    } catch (e) {
      if (e instanceof BadOptionError) problems.push(...e.problems);
      else throw e;
    }
  }
  return problems;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function runLabelIssues(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write(usage("label-issues", "--data FILE --label COL --out FILE", spec) + "\n");
    return Promise.resolve(0);
  }
  const { flags } = parseArgs(argv, spec, "label-issues", check);
  const data = str(flags, "data") as string;
  const out = str(flags, "out") as string;
  const model = (str(flags, "model") ?? LABEL_ISSUES_DEFAULTS.model) as "logreg" | "nb";
  const columns = { label: str(flags, "label") as string, text: str(flags, "text"), id: str(flags, "id"), ignore: list(flags, "ignore") };
  const t = labeledTable(data, columns, model === "nb" ? "minmax" : "standardize");
  const folds = num(flags, "folds") ?? LABEL_ISSUES_DEFAULTS.folds;
  const seed = num(flags, "seed") ?? LABEL_ISSUES_DEFAULTS.seed;
  const r = findLabelIssues(t.X, t.y, t.classes, { folds, model, seed });
  writingOutput("out", out, () => writeIssues(out, t, r));
  const n = t.y.length;
  const given = new Int32Array(t.classes.length);
  const flaggedBy = new Int32Array(t.classes.length);
  for (let i = 0; i < n; i++) {
    given[t.y[i]]++;
    if (r.issue[i] === 1) flaggedBy[t.y[i]]++;
  }
  const table = formatTable(
    ["given label", "rows", "flagged", "estimated noise rate"],
    t.classes.map((c, k) => [c, given[k], flaggedBy[k], pct(r.noiseRates[k])]),
  );
  process.stdout.write(
    `${r.flagged} of ${n} rows (${pct(r.flagged / n)}) flagged as label issues; wrote ${out}\n` +
      `(${model}, ${folds}-fold cross-validation x ${defaultRepeats(n)}, seed ${seed}; quality = probability of the given label)\n` +
      table +
      "\n",
  );
  return Promise.resolve(0);
}
