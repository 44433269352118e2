/**
 * `activelearn status DIR`: item and label counts, per-label counts, retrains, the headline
 * accuracy with its interval (and the others, labeled for what they are) and the stopping advice
 * as of the last retrain, and with gold items each annotator's accuracy on them (flagged below the
 * threshold), read from the store without a server (`--json` carries all of it).
 */
import { BadOptionError } from "../errors.js";
import { IMPORT_ANNOTATOR } from "../project/init.js";
import { GoldItems } from "../server/gold.js";
import { accuracyReport, pooledTestThenTrain, stoppingAdvice } from "../server/advice.js";
import { openStore } from "../store/open.js";
import { existingProjectDb } from "../project/existing.js";
import { parseArgs, usage, type FlagSpec } from "./args.js";
import { SliceMonitor } from "../server/slice-figures.js";
import { formatTable } from "./table.js";

const spec: Record<string, FlagSpec> = {
  json: { type: "boolean", help: "print JSON" },
  help: { type: "boolean", help: "show this help" },
};

export function runStatus(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, spec, "status");
  if (flags.help === true) {
    process.stdout.write(usage("status", "DIR", spec) + "\n");
    return Promise.resolve(0);
  }
  if (positional.length !== 1) throw new BadOptionError([`status needs exactly one project folder, got ${positional.length === 0 ? "none" : positional.join(" ")}`]);
  const store = openStore(existingProjectDb(positional[0]), { readonly: true });
  try {
    const meta = store.meta();
    const total = store.itemCount();
    const byLabel: Record<string, number> = Object.fromEntries(meta.labels.map((l) => [l, 0]));
    const current = store.currentLabels();
    for (const c of current) byLabel[c.label] = (byLabel[c.label] ?? 0) + 1;
    const iterations = store.iterations();
    const latest = iterations.at(-1);
    const lastDone = [...iterations].reverse().find((it) => it.accuracy !== null);
    // Test-then-train of the latest model on the labels since it was installed (as the server counts them).
    const since = latest === undefined ? { n: 0, correct: 0 } : store.testThenTrainSince(latest.createdAt);
    const hard = pooledTestThenTrain(since, iterations);
    const byItem = new Map<number, string>();
    for (const a of store.annotations()) byItem.set(a.itemIdx, a.annotator);
    let importedLabels = 0;
    for (const who of byItem.values()) if (who === IMPORT_ANNOTATOR) importedLabels++;
    const accuracy = accuracyReport({ latest, hard, labeled: current.length, total, importedLabels });
    const advice = stoppingAdvice({
      criteria: latest?.assessment?.criteria ?? [],
      headline: accuracy.headline,
      randomCurve: latest?.assessment?.randomCurve ?? null,
      auditPicks: latest?.holdoutN ?? 0,
      spent: current.length - importedLabels,
      labeled: current.length,
      total,
      budget: meta.budget ?? null,
      target: meta.targetAccuracy ?? null,
      retrains: iterations.length,
    });
    const hardFigure = accuracy.others.find((f) => f.kind === "hard_items");
    // Slices (init --slice): as the dashboard shows them, without the cluster coverage (it needs the features).
    const monitor = SliceMonitor.open(store, meta, (line) => process.stderr.write(`activelearn: ${line}\n`));
    const labelOf = new Int32Array(total).fill(-1);
    for (const c of current) if (c.itemIdx < total) labelOf[c.itemIdx] = Math.max(0, meta.labels.indexOf(c.label));
    const slices = monitor?.figures(labelOf, latest, null);
    const status = {
      name: meta.name,
      total,
      labeled: current.length,
      byLabel,
      annotations: store.annotationCount(),
      iterations: iterations.length,
      lastRetrainAt: latest !== undefined ? new Date(latest.createdAt).toISOString() : null,
      metrics: {
        accuracy: hard === null || hard.n === 0 ? null : Math.round((hard.correct / hard.n) * 10_000) / 10_000,
        accuracyN: hard?.n ?? 0,
        accuracyInterval: hardFigure?.low != null && hardFigure.high !== null ? [hardFigure.low, hardFigure.high] : null,
        trainedOn: since.n > 0 ? (latest?.labeled ?? null) : (lastDone?.labeled ?? null),
      },
      accuracy,
      advice,
      strategy: meta.strategy,
      model: meta.model,
      budget: meta.budget ?? null,
      targetAccuracy: meta.targetAccuracy ?? null,
      ...(slices !== undefined ? { slices: { columns: slices.columns, method: slices.method } } : {}),
    };
    const gold = GoldItems.load(store, total, () => meta.gold ?? null).summary();
    if (flags.json === true) {
      process.stdout.write(JSON.stringify(gold === null ? status : { ...status, gold }, null, 2) + "\n");
      return Promise.resolve(0);
    }
    const pct = (x: number): string => `${((100 * x) / Math.max(1, total)).toFixed(1)}%`;
    const criteria = advice.criteria.length === 0 ? "" : "\n" + formatTable(["criterion", "state", "reason"], advice.criteria.map((c) => [c.name, c.state, c.reason])) + "\n";
    process.stdout.write(
      `project ${meta.name} (${meta.strategy}, ${meta.model}): ${current.length} of ${total} items labeled (${pct(current.length)}), ${iterations.length} retrains\n\n` +
        formatTable(["label", "items"], meta.labels.map((l) => [l, byLabel[l] ?? 0])) +
        "\n\n" +
        `${advice.sentence}\n` +
        criteria +
        `\naccuracy (headline): ${accuracy.headline.label}: ${accuracy.headline.text}\n` +
        accuracy.others.map((f) => `  also: ${f.label}: ${f.text}\n`).join("") +
        `  ${accuracy.importedLabels}\n` +
        (slices === undefined ? "" : slices.columns.map((t) => `\nslices by ${t.column}: ${t.findings.length === 0 ? "no value flagged" : t.findings.map((f) => `\n  - ${f}`).join("")}\n`).join("")),
    );
    if (gold !== null) {
      const pct0 = (x: number): string => `${Math.round(100 * x)}%`;
      process.stdout.write(
        `\ngold items: ${gold.items}, served as ${pct0(gold.rate)} of items; flagged below ${pct0(gold.threshold)} (interval-aware): ${gold.flagged === 0 ? "nobody" : gold.annotators.filter((a) => a.flagged).map((a) => a.name).join(", ")}\n` +
          (gold.annotators.length === 0 ? "" : formatTable(["annotator", "gold answered", "right", "accuracy", "95% interval", "flag"], gold.annotators.map((a) => [a.name, a.answered, a.correct, pct0(a.accuracy), `${pct0(a.low)}-${pct0(a.high)}`, a.flagged ? "flagged" : "ok"])) + "\n"),
      );
    }
    return Promise.resolve(0);
  } finally {
    store.close();
  }
}
