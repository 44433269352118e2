/** `activelearn train DIR --out model.json`: fits the project's model on every label and saves it. */
import fs from "node:fs";
import { BadOptionError } from "../errors.js";
import { trainBundle } from "../project/bundle.js";
import { openStore } from "../store/open.js";
import { existingProjectDb } from "../project/existing.js";
import { parseArgs, str, usage, type FlagSpec } from "./args.js";
import { writingOutput } from "./paths.js";

const spec: Record<string, FlagSpec> = {
  out: { type: "string", required: true, path: "output-file", help: "model file to write (JSON)" },
  help: { type: "boolean", help: "show this help" },
};

export function runTrain(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write(usage("train", "DIR --out model.json", spec) + "\n");
    return Promise.resolve(0);
  }
  const { flags, positional } = parseArgs(argv, spec, "train");
  if (positional.length !== 1) throw new BadOptionError([`train needs exactly one project folder, got ${positional.length === 0 ? "none" : positional.join(" ")}`]);
  const store = openStore(existingProjectDb(positional[0]), { readonly: true });
  try {
    const bundle = trainBundle(store);
    const out = str(flags, "out") ?? "model.json";
    writingOutput("out", out, () => fs.writeFileSync(out, JSON.stringify(bundle)));
    process.stdout.write(`trained ${bundle.model.kind} on ${bundle.trainedOn} labels (${bundle.labels.join(", ")}); wrote ${out}\n`);
  } finally {
    store.close();
  }
  return Promise.resolve(0);
}
