/** `activelearn status DIR`: item and label counts, per-label counts, retrains and current metrics. */
import { BadOptionError } from "../errors.js";
import { projectDbPath } from "../project/init.js";
import { SqliteStore } from "../store/sqlite.js";
import { parseArgs, usage, type FlagSpec } from "./args.js";
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
  const store = SqliteStore.open(projectDbPath(positional[0]), { readonly: true });
  try {
    const meta = store.meta();
    const total = store.itemCount();
    const byLabel: Record<string, number> = Object.fromEntries(meta.labels.map((l) => [l, 0]));
    const current = store.currentLabels();
    for (const c of current) byLabel[c.label] = (byLabel[c.label] ?? 0) + 1;
    const iterations = store.iterations();
    const lastDone = [...iterations].reverse().find((it) => it.accuracy !== null);
    const status = {
      name: meta.name,
      total,
      labeled: current.length,
      byLabel,
      annotations: store.annotationCount(),
      iterations: iterations.length,
      lastRetrainAt: iterations.length > 0 ? new Date(iterations[iterations.length - 1].createdAt).toISOString() : null,
      metrics: { accuracy: lastDone?.accuracy ?? null, accuracyN: lastDone?.accuracyN ?? 0, trainedOn: lastDone?.labeled ?? null },
      strategy: meta.strategy,
      model: meta.model,
    };
    if (flags.json === true) {
      process.stdout.write(JSON.stringify(status, null, 2) + "\n");
      return Promise.resolve(0);
    }
    const pct = (x: number): string => `${((100 * x) / Math.max(1, total)).toFixed(1)}%`;
    process.stdout.write(
      `project ${meta.name} (${meta.strategy}, ${meta.model}): ${current.length} of ${total} items labeled (${pct(current.length)}), ${iterations.length} retrains\n\n` +
        formatTable(["label", "items"], meta.labels.map((l) => [l, byLabel[l] ?? 0])) +
        "\n\n" +
        (lastDone === undefined
          ? "accuracy: not measured yet (it needs a model and labels that arrive after it)\n"
          : `accuracy: ${(100 * (lastDone.accuracy ?? 0)).toFixed(1)}% test-then-train on ${lastDone.accuracyN} labels, model trained on ${lastDone.labeled} labels\n`),
    );
    return Promise.resolve(0);
  } finally {
    store.close();
  }
}
