/** `activelearn export DIR --format jsonl|csv [--out FILE]`: the labeled items, to a file or stdout. */
import fs from "node:fs";
import { BadOptionError } from "../errors.js";
import { exportLabels } from "../project/export.js";
import { openStore } from "../store/open.js";
import { existingProjectDb } from "../server/existing-project.js";
import { parseArgs, str, usage, type FlagSpec } from "./args.js";
import { writingOutput } from "./paths.js";

const spec: Record<string, FlagSpec> = {
  format: { type: "string", help: "jsonl or csv (default jsonl)" },
  out: { type: "string", path: "output-file", help: "output file (default: stdout)" },
  help: { type: "boolean", help: "show this help" },
};

export async function runExport(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, spec, "export");
  if (flags.help === true) {
    process.stdout.write(usage("export", "DIR [--format jsonl|csv] [--out FILE]", spec) + "\n");
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
    const chunks = exportLabels(store, format as "jsonl" | "csv");
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
