/**
 * `activelearn init DIR (--data FILE | --data IMAGES/) --labels a,b,c [--text COL] [--image COL [--image-features pixels:8,hog:32]] [--label COL] [--id COL]
 *  [--ignore a,b] [--keep a,b] [--map "4,5=pos;1,2=neg;3=-"] [--strategy NAME] [--model NAME]
 *  [--retrain-every N] [--budget N] [--target-accuracy P] [--overlap N] [--overlap-share F]
 *  [--overlap-on random|uncertain] [--adaptive-overlap MAX] [--review-share F] [--consensus majority|dawid-skene] [--gold COL [--gold-rate F] [--gold-threshold A]] [--admin NAME] [--slice COL[,COL]]`: creates a labeling project in DIR; prints
 *  the role of every column and warns about columns that look like the answer (left out unless
 *  --keep), an id or free text. With --admin, creates the first admin account and prints its login token once.
 */
import fs from "node:fs";
import { BadOptionError } from "../errors.js";
import { consensusMethodProblems } from "../project/consensus-settings.js";
import { initProject, type InitOptions } from "../project/init.js";
import { DEFAULT_IMAGE_FEATURES, parseImageFeatures } from "../features/kind-columns.js";
import { overlapSettingProblems, type OverlapOptions } from "../project/overlap-settings.js";
import { list, num, parseArgs, str, usage, type FlagSpec, type FlagValues } from "./args.js";
import { findingLines, rolesTable } from "./roles.js";

export const initSpec: Record<string, FlagSpec> = {
  data: { type: "string", required: true, path: "input-or-folder", help: "CSV, JSONL or Parquet file of items, Label Studio tasks (.json) or Prodigy JSONL (--format prodigy; both bring their labels as seed labels), or DIR/: a folder of images in subfolders named by label (ids the relative paths; a subfolder named in --labels gives seed labels, others are unlabeled)" },
  format: { type: "string", help: "format of --data: csv, jsonl, parquet, labelstudio, prodigy (default from the extension; .json = labelstudio)" },
  "from-name": { type: "string", help: "Label Studio: the choices control (from_name) that holds the label, when the tasks have several" },
  vectors: { type: "string", help: "column of vectors (JSON arrays in JSONL, numbers separated by ; or spaces in CSV): stored as numeric fields COL[0], COL[1], .. (the column itself is left out)" },
  embeddings: { type: "string", path: "input", help: "a .npy file of one vector per data row (float32/float64, 2-D): stored as numeric fields STEM[0], STEM[1], .." },
  labels: { type: "string", required: true, help: "comma-separated label names, e.g. spam,ham" },
  text: { type: "string", help: "free-text column (TF-IDF features)" },
  image: { type: "string", help: "column of image paths (PNG, JPEG, WebP) relative to the data file's folder: their features are computed now and stored as numeric fields COL:feature" },
  "image-features": { type: "string", help: `image features with --image, comma-separated: pixels[:SIZE][:colour], hog[:SIZE[:CELL]], colour-histogram[:hsv|rgb] (default ${DEFAULT_IMAGE_FEATURES}, best on digits; see simulate --help)` },
  label: { type: "string", help: "column with existing labels, imported as seed labels (blank = unlabeled)" },
  id: { type: "string", help: "id column (default: the row number)" },
  ignore: { type: "string", help: "comma-separated columns to leave out (not stored, not features)" },
  keep: { type: "string", help: "comma-separated columns to keep as features although they look like the answer (left out by default)" },
  map: { type: "string", help: "turn label-column values into labels: \"4,5=positive;1,2=negative;3=-\" (- = leave unlabeled)" },
  strategy: { type: "string", help: "query strategy (default typical_variance)" },
  model: { type: "string", help: "logreg or nb (default logreg)" },
  "retrain-every": { type: "int", help: "retrain after every N new labels (default 10)" },
  budget: { type: "int", help: "labels you can afford; the dashboard and status say when they are spent" },
  "target-accuracy": { type: "number", help: "accuracy that is good enough, e.g. 0.9; the dashboard and status say when it is reached" },
  overlap: { type: "int", help: "distinct annotators for an overlapping item (default 1 = no overlap)" },
  "overlap-share": { type: "number", help: "share of served items that overlap, 0..1 (default 1 with --overlap)" },
  "overlap-on": { type: "string", help: "which items overlap: random (unbiased agreement figures) or uncertain (where the model is least sure); default random" },
  "adaptive-overlap": { type: "int", help: "an item whose labels disagree gets one more annotator, up to this many" },
  "review-share": { type: "number", help: "share of single-labeled items a reviewer spot-checks, 0..1 (default 0); chosen at random, seeded" },
  consensus: { type: "string", help: "how an overlapping item's labels become the label it trains on: majority (default) or dawid-skene (weighs each annotator by their estimated confusions; majority until max(20, 5 per class) items have two or more labels)" },
  gold: { type: "string", help: "column of known answers: rows with a value become gold items, served blind to measure each annotator's accuracy (never in the pool)" },
  "gold-rate": { type: "number", help: "share of served items that are gold items, 0..1 (default 0.05 with --gold)" },
  "gold-threshold": { type: "number", help: "accuracy on gold below which an annotator is flagged to admins (default 0.8)" },
  name: { type: "string", help: "project name (default: the folder name)" },
  admin: { type: "string", help: "create this first admin account and print its login token (shown once)" },
  slice: { type: "string", repeatable: true, help: "comma-separated columns to watch for selection bias: the dashboard shows labels and accuracy per value (at most 50 values; numeric columns in quartiles)" },
  help: { type: "boolean", help: "show this help" },
};

/** The overlap options among the parsed flags. */
function overlapOptions(flags: FlagValues): OverlapOptions {
  const share = num(flags, "overlap-share");
  const on = str(flags, "overlap-on");
  const n = num(flags, "overlap");
  const max = num(flags, "adaptive-overlap");
  return { ...(n !== undefined ? { overlap: n } : {}), ...(share !== undefined ? { overlapShare: share } : {}), ...(on !== undefined ? { overlapOn: on } : {}), ...(max !== undefined ? { adaptiveOverlap: max } : {}) };
}

/** True when `p` names an existing folder. */
function isFolder(p: unknown): boolean {
  try {
    return typeof p === "string" && fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** --image-features: parsed, and only with --image or a folder. */
function imageFeatureProblems(flags: FlagValues): string[] {
  const spec = str(flags, "image-features");
  if (spec === undefined) return [];
  if (flags.image === undefined && !isFolder(flags.data)) return ["option --image-features needs --image COL (the column of image paths) or --data DIR/ (a folder of images)"];
  try {
    parseImageFeatures(spec);
    return [];
  } catch (e) {
    if (e instanceof BadOptionError) return [...e.problems];
    throw e;
  }
}

export async function runInit(argv: readonly string[]): Promise<number> {
  // The overlap options are checked with the flags, so a typo in one is reported with them.
  const { flags, positional } = parseArgs(argv, initSpec, "init", (f) => [...overlapSettingProblems(overlapOptions(f)), ...consensusMethodProblems(str(f, "consensus"), "--consensus"), ...imageFeatureProblems(f)]);
  if (flags.help === true) {
    process.stdout.write(usage("init", "DIR (--data FILE | --data IMAGES/) --labels a,b,c [options]", initSpec) + "\n");
    return 0;
  }
  if (positional.length !== 1) throw new BadOptionError([`init needs exactly one project folder, got ${positional.length === 0 ? "none" : positional.join(" ")}`]);
  const dir = positional[0];
  const retrainEvery = num(flags, "retrain-every");
  const opt = (k: string): string | undefined => str(flags, k);
  let lastPhase = "";
  const summary = await initProject({
    dir,
    data: str(flags, "data") ?? "",
    labels: (str(flags, "labels") ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
    ...(opt("text") !== undefined ? { text: opt("text") } : {}),
    ...(opt("label") !== undefined ? { label: opt("label") } : {}),
    ...(opt("image") !== undefined ? { image: opt("image") } : {}),
    ...(opt("image") !== undefined || isFolder(opt("data")) ? { imageFeatures: parseImageFeatures(opt("image-features") ?? DEFAULT_IMAGE_FEATURES) } : {}),
    ...(opt("id") !== undefined ? { id: opt("id") } : {}),
    ...(opt("format") !== undefined ? { format: opt("format") as InitOptions["format"] } : {}),
    ...(opt("from-name") !== undefined ? { fromName: opt("from-name") } : {}),
    ...(opt("vectors") !== undefined ? { vectors: opt("vectors") } : {}),
    ...(opt("embeddings") !== undefined ? { embeddings: opt("embeddings") } : {}),
    ...(opt("strategy") !== undefined ? { strategy: opt("strategy") } : {}),
    ...(opt("model") !== undefined ? { model: opt("model") } : {}),
    ...(opt("name") !== undefined ? { name: opt("name") } : {}),
    ...(opt("admin") !== undefined ? { admin: opt("admin") } : {}),
    ...(opt("map") !== undefined ? { map: opt("map") } : {}),
    ...(list(flags, "ignore") !== undefined ? { ignore: list(flags, "ignore") } : {}),
    ...(list(flags, "keep") !== undefined ? { keep: list(flags, "keep") } : {}),
    ...(list(flags, "slice") !== undefined ? { slices: list(flags, "slice") } : {}),
    ...(retrainEvery !== undefined ? { retrainEvery } : {}),
    ...(num(flags, "budget") !== undefined ? { budget: num(flags, "budget") } : {}),
    ...overlapOptions(flags),
    ...(num(flags, "review-share") !== undefined ? { reviewShare: num(flags, "review-share") } : {}),
    ...(opt("consensus") !== undefined ? { consensus: opt("consensus") } : {}),
    ...(opt("gold") !== undefined ? { gold: opt("gold") } : {}),
    ...(num(flags, "gold-rate") !== undefined ? { goldRate: num(flags, "gold-rate") } : {}),
    ...(num(flags, "gold-threshold") !== undefined ? { goldThreshold: num(flags, "gold-threshold") } : {}),
    ...(num(flags, "target-accuracy") !== undefined ? { targetAccuracy: num(flags, "target-accuracy") } : {}),
    onProgress: (phase, done, total) => {
      if (!process.stderr.isTTY) {
        if (phase !== lastPhase) process.stderr.write(`${phase === "import" ? "reading the file (pass 1 of 2: checks and column statistics)" : "writing items and features (pass 2 of 2)"}...\n`);
      } else process.stderr.write(`\r${phase === "import" ? "read" : "written"} ${done}${total > 0 ? `/${total}` : ""}   `);
      lastPhase = phase;
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\n");
  process.stdout.write(rolesTable(summary.roles) + "\n\n");
  process.stderr.write(findingLines(summary.findings) + (summary.notes ?? []).map((w) => `warning: ${w}\n`).join(""));
  process.stdout.write(
    `created project ${dir}: ${summary.items} items, ${summary.seedLabels} seed labels, ${summary.goldItems > 0 ? `${summary.goldItems} gold items, ` : ""}${summary.fields.length} fields (${summary.fields.map((f) => `${f.name}:${f.kind}`).join(", ")}), ${summary.featureWidth} features\n` +
      (summary.admin === undefined ? "" : `admin "${summary.admin.name}"; login token, shown only now:\n${summary.admin.token}\n`) +
      `next: activelearn serve ${dir}\n`,
  );
  return 0;
}
