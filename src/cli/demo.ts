/**
 * `activelearn demo` (what `npm start` runs): a simulation on the bundled handwritten-digits
 * data (1,797 8x8 images, 10 classes) with the four basic strategies, compared with the modAL
 * reference curves, report written to out/demo/.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, str, type FlagSpec } from "./args.js";
import { runSimulate } from "./simulate.js";

const spec: Record<string, FlagSpec> = { out: { type: "string", help: "output folder (default out/demo)" } };

export async function runDemo(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, spec, "demo");
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
  const data = path.join(root, "data", "digits.csv");
  process.stdout.write("activelearn demo: which 300 of 1,257 handwritten digits should an expert label?\n\n");
  return runSimulate(["--data", data, "--label", "digit", "--reference", path.join(root, "data", "reference-digits.json"), "--out", str(flags, "out") ?? path.join("out", "demo")]);
}
