/**
 * `activelearn agreement --data FILE --item COL --annotator COL --label COL [--json] [--seed N]`
 * (annotations in long format) or `activelearn agreement DIR` (a project's annotators' current
 * labels): percent agreement, Fleiss' kappa, Krippendorff's alpha (nominal), Cohen's kappa per
 * annotator pair with at least 10 shared items, and alpha per label, each with a 95% bootstrap
 * interval over items. `--json` prints the report object of quality/agreement-report.ts.
 */
import { BadOptionError } from "../errors.js";
import { existingProjectDb } from "../project/existing.js";
import { agreementReport, AGREEMENT_RESAMPLES, MIN_SHARED_ITEMS, type Figure } from "../quality/agreement-report.js";
import { readAnnotations, type Annotations } from "../quality/annotations.js";
import { projectAnnotations } from "../quality/project-annotations.js";
import { openStore } from "../store/open.js";
import { num, parseArgs, str, usage, type FlagSpec } from "./args.js";
import { formatTable } from "./table.js";

const spec: Record<string, FlagSpec> = {
  data: { type: "string", path: "input", help: "annotations in long format (CSV or JSONL), one row per label given" },
  item: { type: "string", help: "item column of --data" },
  annotator: { type: "string", help: "annotator column of --data" },
  label: { type: "string", help: "label column of --data" },
  seed: { type: "int", help: "seed of the bootstrap resampling (default 0)" },
  resamples: { type: "int", help: `bootstrap resamples (default ${AGREEMENT_RESAMPLES})` },
  json: { type: "boolean", help: "print one JSON object" },
  help: { type: "boolean", help: "show this help" },
};

const fmt = (v: number | null): string => (v === null ? "n/a" : v.toFixed(3));
const interval = (f: Figure): string => (f.ci_low === null || f.ci_high === null ? "n/a" : `${fmt(f.ci_low)} to ${fmt(f.ci_high)}`);

/** Reads the annotations the arguments name: a project folder, or --data with its three columns. */
function annotationsOf(flags: Record<string, unknown>, positional: string[]): Annotations {
  const data = flags.data as string | undefined;
  if (positional.length > 1) throw new BadOptionError([`agreement takes at most one project folder, got ${positional.join(" ")}`]);
  if (positional.length === 1) {
    if (data !== undefined) throw new BadOptionError(["give either a project folder or --data, not both"]);
    const store = openStore(existingProjectDb(positional[0]), { readonly: true });
    try {
      return projectAnnotations(store);
    } finally {
      store.close();
    }
  }
  const missing = ["data", "item", "annotator", "label"].filter((k) => flags[k] === undefined);
  if (missing.length > 0) throw new BadOptionError(missing.map((k) => `option --${k} is required without a project folder (${spec[k].help})`));
  return readAnnotations(data ?? "", { item: flags.item as string, annotator: flags.annotator as string, label: flags.label as string });
}

export function runAgreement(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, spec, "agreement", (f) => {
    const p: string[] = [];
    const r = num(f, "resamples");
    if (r !== undefined && !(r >= 1 && r <= 100000)) p.push(`option --resamples must be in 1..100000, got ${r}`);
    return p;
  });
  if (flags.help === true) {
    process.stdout.write(usage("agreement", "(DIR | --data FILE --item COL --annotator COL --label COL) [--json]", spec) + "\n");
    return Promise.resolve(0);
  }
  const a = annotationsOf(flags, positional);
  const seed = num(flags, "seed") ?? 0;
  const resamples = num(flags, "resamples") ?? AGREEMENT_RESAMPLES;
  const report = agreementReport(a, { seed, resamples });
  if (flags.json === true) {
    process.stdout.write(JSON.stringify(report) + "\n");
    return Promise.resolve(0);
  }
  const perItem = new Int32Array(a.items.length);
  for (const i of a.item) perItem[i]++;
  const pairable = perItem.filter((m) => m >= 2).length;
  const source = positional[0] ?? str(flags, "data") ?? "";
  const lines = [
    `${source}: ${a.item.length} labels of ${a.items.length} items by ${a.annotators.length} annotators; ${pairable} items have two or more labels`,
    `95% bootstrap intervals over items (${resamples} resamples, seed ${seed})`,
    "",
    formatTable(
      ["figure", "value", "95% interval"],
      [
        ["percent agreement", fmt(report.percent_agreement.value), interval(report.percent_agreement)],
        ["Fleiss' kappa", fmt(report.fleiss_kappa.value), interval(report.fleiss_kappa)],
        ["Krippendorff's alpha (nominal)", fmt(report.krippendorff_alpha.value), interval(report.krippendorff_alpha)],
      ],
    ),
    "",
  ];
  const A = a.annotators.length;
  const pairsTotal = (A * (A - 1)) / 2;
  lines.push(`Cohen's kappa per annotator pair with at least ${MIN_SHARED_ITEMS} shared items (${report.cohen_kappa.length} of ${pairsTotal} pairs)`);
  if (report.cohen_kappa.length > 0) lines.push(formatTable(["a", "b", "n", "kappa", "95% interval"], report.cohen_kappa.map((p) => [p.a, p.b, p.n, fmt(p.value), interval(p)])));
  lines.push("", "Krippendorff's alpha per label (that label against all others)");
  const given = new Map<string, number>();
  for (const l of a.label) given.set(a.labels[l], (given.get(a.labels[l]) ?? 0) + 1);
  lines.push(formatTable(["label", "labels given", "alpha", "95% interval"], Object.entries(report.per_label).map(([l, f]) => [l, given.get(l) ?? 0, fmt(f.value), interval(f)])));
  process.stdout.write(lines.join("\n") + "\n");
  return Promise.resolve(0);
}
