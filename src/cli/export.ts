/**
 * `activelearn export DIR --format jsonl|csv|parquet|labelstudio|prodigy [--out FILE]
 * [--all-annotations]`: the labeled items with their final labels, or with `--all-annotations`
 * every history record (long format), to a file or stdout. jsonl and csv stream; parquet,
 * labelstudio and prodigy need `--out` (their writers build a temporary file beside it and rename
 * it into place, so a failed export leaves nothing half-written); labelstudio and prodigy carry
 * final labels only. The mappings are in docs/formats.md.
 */
import fs from "node:fs";
import { labelRowsFromJsonl, historyRowsFromJsonl } from "../data/export-rows.js";
import { writeLabelStudio } from "../data/labelstudio.js";
import { writeParquetHistory, writeParquetLabels } from "../data/parquet.js";
import { writeProdigy } from "../data/prodigy.js";
import { BadOptionError } from "../errors.js";
import { consensusLabels } from "../project/consensus.js";
import { exportLabels } from "../project/export.js";
import { exportHistory } from "../project/export-history.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";
import { existingProjectDb } from "../project/existing.js";
import { parseArgs, str, usage, type FlagSpec } from "./args.js";
import { writingOutput } from "./paths.js";

const spec: Record<string, FlagSpec> = {
  format: { type: "string", help: "jsonl, csv, parquet, labelstudio or prodigy (default jsonl; the last three need --out; labelstudio and prodigy: final labels only)" },
  out: { type: "string", path: "output-file", help: "output file (default: stdout)" },
  "all-annotations": { type: "boolean", help: "every annotation record (label, relabel, import, undo, review, skip, unskip: item id, annotator, label, kind, time, duration, audit flag) instead of the final labels" },
  help: { type: "boolean", help: "show this help" },
};

const FORMATS = ["jsonl", "csv", "parquet", "labelstudio", "prodigy"];

/** The written formats: rows read back from the JSONL export, so every format carries the same labels. */
async function writeFormat(store: Store, format: "parquet" | "labelstudio" | "prodigy", out: string, all: boolean): Promise<void> {
  const meta = store.meta();
  const idName = meta.idColumn ?? "id";
  if (format === "parquet") {
    if (all) await writeParquetHistory(out, historyRowsFromJsonl(exportHistory(store, "jsonl")), { idName });
    else await writeParquetLabels(out, labelRowsFromJsonl(exportLabels(store, "jsonl")), { fields: meta.fields, idName, consensus: consensusLabels(store) !== null });
    return;
  }
  const rows = labelRowsFromJsonl(exportLabels(store, "jsonl"));
  if (format === "labelstudio") await writeLabelStudio(out, rows, { toName: meta.textColumn ?? "text" });
  else await writeProdigy(out, rows, { ...(meta.textColumn !== null ? { textField: meta.textColumn } : {}), ...(meta.labels.length > 2 ? { choice: { labels: meta.labels } } : {}) });
}

export async function runExport(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, spec, "export");
  if (flags.help === true) {
    process.stdout.write(usage("export", "DIR [--format jsonl|csv|parquet|labelstudio|prodigy] [--out FILE] [--all-annotations]", spec) + "\n");
    return Promise.resolve(0);
  }
  const problems: string[] = [];
  if (positional.length !== 1) problems.push(`export needs exactly one project folder, got ${positional.length === 0 ? "none" : positional.join(" ")}`);
  const format = str(flags, "format") ?? "jsonl";
  const all = flags["all-annotations"] === true;
  const out = str(flags, "out");
  if (!FORMATS.includes(format)) problems.push(`option --format must be one of ${FORMATS.join(", ")}, got "${format}"`);
  else if (format !== "jsonl" && format !== "csv" && out === undefined) problems.push(`option --format ${format} needs --out FILE (it is written to a temporary file and renamed into place, not streamed to stdout)`);
  if ((format === "labelstudio" || format === "prodigy") && all) problems.push(`option --all-annotations: the ${format} format holds final labels only; use jsonl, csv or parquet for every annotation`);
  if (problems.length > 0) throw new BadOptionError(problems);
  const store = openStore(existingProjectDb(positional[0]), { readonly: true });
  if (format !== "jsonl" && format !== "csv" && out !== undefined) {
    try {
      writingOutput("out", out, () => undefined);
      await writeFormat(store, format as "parquet" | "labelstudio" | "prodigy", out, all);
    } finally {
      store.close();
    }
    process.stderr.write(`wrote ${out}\n`);
    return 0;
  }
  const fd = out === undefined ? 1 : writingOutput("out", out, () => fs.openSync(out, "w"));
  try {
    // A chunk at a time: a file takes each write before the next (write failures are located
    // errors); stdout (a pipe to a slower reader) is waited on until it drains.
    const chunks = (all ? exportHistory : exportLabels)(store, format as "jsonl" | "csv");
    if (out !== undefined) {
      writingOutput("out", out, () => {
        for (const chunk of chunks) fs.writeSync(fd, chunk);
      });
    } else {
      for (const chunk of chunks) if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once("drain", resolve));
    }
  } finally {
    if (out !== undefined) fs.closeSync(fd);
    store.close();
  }
  if (out !== undefined) process.stderr.write(`wrote ${out}\n`);
  return Promise.resolve(0);
}
