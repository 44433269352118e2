/**
 * `activelearn export DIR --format jsonl|csv [--out FILE] [--all-annotations]`: the labeled items
 * with their final labels, or with `--all-annotations` every history record (long format), to a
 * file or stdout.
 */
import fs from "node:fs";
import { BadOptionError } from "../errors.js";
import { exportLabels } from "../project/export.js";
import { exportHistory } from "../project/export-history.js";
import { openStore } from "../store/open.js";
import { existingProjectDb } from "../project/existing.js";
import { parseArgs, str, usage, type FlagSpec } from "./args.js";
import { writingOutput } from "./paths.js";

const spec: Record<string, FlagSpec> = {
  format: { type: "string", help: "jsonl or csv (default jsonl)" },
  out: { type: "string", path: "output-file", help: "output file (default: stdout)" },
  "all-annotations": { type: "boolean", help: "every annotation record (label, relabel, import, undo, review, skip, unskip: item id, annotator, label, kind, time, duration, audit flag) instead of the final labels" },
  help: { type: "boolean", help: "show this help" },
};

export async function runExport(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, spec, "export");
  if (flags.help === true) {
    process.stdout.write(usage("export", "DIR [--format jsonl|csv] [--out FILE] [--all-annotations]", spec) + "\n");
    return Promise.resolve(0);
  }
  const problems: string[] = [];
  if (positional.length !== 1) problems.push(`export needs exactly one project folder, got ${positional.length === 0 ? "none" : positional.join(" ")}`);
  const format = str(flags, "format") ?? "jsonl";
  if (format !== "jsonl" && format !== "csv") problems.push(`option --format must be jsonl or csv, got "${format}"`);
  if (problems.length > 0) throw new BadOptionError(problems);
  const store = openStore(existingProjectDb(positional[0]), { readonly: true });
  const out = str(flags, "out");
  const fd = out === undefined ? 1 : writingOutput("out", out, () => fs.openSync(out, "w"));
  try {
    // A chunk at a time: a file takes each write before the next (write failures are located
    // errors); stdout (a pipe to a slower reader) is waited on until it drains.
    const chunks = (flags["all-annotations"] === true ? exportHistory : exportLabels)(store, format as "jsonl" | "csv");
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
