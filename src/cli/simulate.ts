/**
 * `activelearn simulate (--data FILE --label COL [--format csv|jsonl|parquet|labelstudio|prodigy] [--from-name NAME] [--text COL] [--id COL] [--ignore a,b] [--keep a,b]
 *  [--image COL] [--series COL] [--vectors COL] [--embeddings FILE.npy] [--encoder model.onnx] | --data DIR/ | --project DIR)
 *  [--image-features pixels:8,hog:32] [--strategies a,b] [--seeds 5]
 *  [--initial 10] [--batch 10] [--budget 300] [--test-fraction 0.3] [--model logreg|nb] [--out DIR]
 *  [--reference FILE] [--workers N] [--cold-start random|cluster] [--slice COL[,COL]]`
 * Writes DIR/results.json and DIR/report.html, a progress bar on stderr, a summary on stdout.
 * Label Studio and Prodigy files bring their own label column (no --label needed); --vectors,
 * --embeddings and the --encoder's output are numeric columns beside the table's others, built
 * before anything is printed, so a bad cell, a misaligned .npy or a model that does not fit is the
 * only output (exit 2, nothing written).
 */
import fs from "node:fs";
import path from "node:path";
import { toDataset } from "../data/load.js";
import { INPUT_FORMATS, inputFormatOf, readAnyTable, type InputFormat } from "../data/formats.js";
import { checkRowAlignment, readNpy } from "../data/npy.js";
import { parseVectorCells } from "../features/vectors.js";
import { datasetFromMatrix } from "../features/matrix-dataset.js";
import { dense } from "../linalg/matrix.js";
import { assessColumns, roleRows } from "../data/roles.js";
import type { ColdStart } from "../loop/cold-start.js";
import { BadInputError, BadOptionError } from "../errors.js";
import type { Dataset } from "../data/types.js";
import type { Cell } from "../data/jsonl.js";
import { unknownColumn } from "../data/dataset.js";
import type { DenseMatrix } from "../linalg/matrix.js";
import { DEFAULT_IMAGE_FEATURES, imageColumnMatrix, imageFolderDataset, parseImageFeatures, seriesColumnMatrix, withMatrixColumns } from "../features/kind-columns.js";
import { labeledDataset } from "../project/labeled.js";
import { openStore } from "../store/open.js";
import { existingProjectDb } from "../project/existing.js";
import { sd } from "../eval/metrics.js";
import { BOOTSTRAP_RESAMPLES, MIN_SEEDS_FOR_SPREAD } from "../eval/bootstrap.js";
import { headlineText, renderReport } from "../eval/report.js";
import { tiedWithBest } from "../eval/aggregate.js";
import { simulate } from "../eval/simulate.js";
import type { PairedDifference, ReferenceResults, SimulationResults, StrategyResult } from "../eval/types.js";
import { list, num, parseArgs, str, usage, type FlagSpec, type FlagValues } from "./args.js";
import { outputProblem, writingOutput } from "./paths.js";
import { findingLines, rolesTable } from "./roles.js";
import { progressBar } from "./progress.js";
import { runQcSimulate } from "./simulate-qc.js";
import { formatTable } from "./table.js";
import { sliceColumnsOf, type SliceColumnValues } from "../quality/slices-values.js";
import { sliceSummary } from "../eval/report-slices.js";

export const simulateSpec: Record<string, FlagSpec> = {
  data: {
    type: "string",
    path: "input-or-folder",
    help: "CSV, JSONL or Parquet file with ground-truth labels, Label Studio tasks (.json) or Prodigy JSONL (--format prodigy), or a folder of images in subfolders named by label, DIR/<label>/<image> (or --project)",
  },
  format: { type: "string", help: `format of --data FILE: ${INPUT_FORMATS.join(", ")} (default from the extension: .csv .tsv .txt, .jsonl .ndjson, .parquet, .json = labelstudio)` },
  "from-name": { type: "string", help: "Label Studio: the choices control (from_name) that holds the label, when the tasks have several" },
  label: { type: "string", help: "ground-truth label column (required with --data FILE, except Label Studio and Prodigy files, whose labels are their own)" },
  text: { type: "string", help: "free-text column (TF-IDF features)" },
  id: { type: "string", help: "id column (default: row number)" },
  ignore: { type: "string", help: "comma-separated columns to leave out (with --data)" },
  keep: { type: "string", help: "comma-separated columns to keep as features although they look like the answer (left out by default; with --data)" },
  image: { type: "string", help: "column of image paths (PNG, JPEG, WebP) relative to the data file's folder: their image features join the other columns (with --data FILE)" },
  "image-features": {
    type: "string",
    help: `image features with --image or a folder, comma-separated: pixels[:SIZE][:colour], hog[:SIZE[:CELL]], colour-histogram[:hsv|rgb] (default ${DEFAULT_IMAGE_FEATURES}: on digits pixels + HOG beat HOG alone and pixels alone in accuracy and AULC; colour-histogram when colour tells the classes apart)`,
  },
  series: { type: "string", help: "column holding a series per row (numbers separated by ; or spaces, a JSON array, or a JSONL array of numbers): level, trend, shape, autocorrelation, spectrum and mean-shift features replace it (with --data FILE)" },
  vectors: { type: "string", help: "column of vectors (JSON arrays of numbers in JSONL, numbers separated by ; or spaces in CSV): their elements COL[0], COL[1], .. join the other columns as features (with --data FILE)" },
  embeddings: { type: "string", path: "input", help: "a .npy file of one vector per data row (float32/float64, 2-D, rows in the table's order): its columns join the other columns as features (with --data FILE)" },
  encoder: { type: "string", path: "input", help: "an ONNX model run over the table's numeric columns: its output vectors replace them as features (with --data FILE)" },
  project: { type: "string", help: "a labeling project's folder: replay on the items labeled so far (instead of --data)" },
  strategies: { type: "string", help: "comma-separated strategies, \"all\" for every one, \"auto\" for the bandit (default random,least_confidence,margin,entropy)" },
  "cold-start": { type: "string", help: "initial items: random or cluster (default random)" },
  seeds: { type: "int", help: "number of seeds, run as 0..N-1 (default 5)" },
  initial: { type: "int", help: "random labels to start from (default 10)" },
  batch: { type: "int", help: "labels per query (default 10)" },
  budget: { type: "int", help: "total labels (default 300)" },
  "test-fraction": { type: "number", help: "held-out test share (default 0.3)" },
  model: { type: "string", help: "logreg or nb (default logreg)" },
  out: { type: "string", path: "output-dir", help: "output folder (default out/<dataset name>)" },
  reference: { type: "string", path: "input", help: "reference results JSON to compare with (shape of shared/reference)" },
  workers: { type: "int", help: "worker threads (default: one per core; 0 = none)" },
  annotators: { type: "string", help: "simulated annotators instead of ground truth: accuracies (0.95,0.85,0.7) or a JSON file of {name, accuracy | confusion}; compares quality-control policies (--qc) at equal labeling cost, writing qc.json and qc.md" },
  qc: { type: "string", help: "with --annotators: policies to compare, none,overlap2,adaptive,review-suspects (default all)" },
  slice: { type: "string", repeatable: true, help: "column to watch for selection bias: labels spent and test accuracy per value (comma-separated or repeated; with --project default: the project's init --slice columns)" },
  help: { type: "boolean", help: "show this help" },
};

/** Reads a reference file, with errors that name it. */
export function readReference(file: string): ReferenceResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new BadInputError(`cannot read reference results: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const r = parsed as Partial<ReferenceResults>;
  if (typeof r !== "object" || r === null || typeof r.strategies !== "object") throw new BadInputError("not a reference results file: no \"strategies\" object", { file });
  return r as ReferenceResults;
}

/**
 * "+0.0123 ± 0.0040 (5/5) *": mean paired difference, its standard error ("n/a" with fewer than 3
 * seeds), seeds above, * if significant.
 */
export function pairedText(d: PairedDifference): string {
  return `${d.mean >= 0 ? "+" : "−"}${Math.abs(d.mean).toFixed(4)} ± ${d.se === null ? "n/a" : d.se.toFixed(4)} (${d.above}/${d.seeds})${d.significant ? " *" : ""}`;
}

/** "160 [120, 190]": labels saved and its 95% bootstrap interval ("n/a" without one); "—" if never matched. */
export function savedText(s: StrategyResult, budget: number): string {
  if (s.labels_to_match_random === null) return "—";
  const saved = String(budget - s.labels_to_match_random);
  const ls = s.labels_saved;
  if (ls === undefined) return saved;
  return ls.low === null || ls.high === null ? `${saved} [n/a]` : `${saved} [${ls.low}, ${ls.high}]`;
}

/** "Best: margin; not distinguishable from it on these seeds: ..." (plain text), or "" with one seed. */
export function bestText(res: SimulationResults): string {
  const t = tiedWithBest(res.strategies);
  if (t === undefined || res.options.seeds.length < MIN_SEEDS_FOR_SPREAD || Object.keys(res.strategies).length < 2) return "";
  const tied = t.tied.length === 0 ? "every other strategy is below it by more than the seeds' noise" : `not distinguishable from it on these seeds: ${t.tied.join(", ")}`;
  return `Best AULC: ${t.best}; ${tied} (paired t-test, 5%).`;
}

/** The summary table printed at the end. */
export function summaryTable(res: SimulationResults, ref?: ReferenceResults): string {
  const budget = res.options.budget;
  const names = Object.keys(res.strategies).sort((a, b) => res.strategies[b].aulc - res.strategies[a].aulc);
  const header = ["strategy", "AULC", "±sd", ...Object.keys(res.strategies[names[0]].acc_at).map((k) => `acc@${k}`), "labels→random", "saved [95%]", "− random (paired)", "iter ms"];
  if (ref !== undefined) header.push("ref AULC", "Δ");
  const rows = names.map((n) => {
    const s = res.strategies[n];
    const spread = sd(s.per_seed.map((p) => p.aulc));
    const row: (string | number)[] = [
      n,
      s.aulc.toFixed(4),
      s.per_seed.length < 2 ? "n/a" : spread.toFixed(4),
      ...Object.values(s.acc_at).map((v) => v.toFixed(4)),
      n === "random" ? "baseline" : s.labels_to_match_random === null ? "—" : String(s.labels_to_match_random),
      n === "random" ? "—" : savedText(s, budget),
      s.vs_random === undefined ? "—" : pairedText(s.vs_random),
      (s.median_iteration_s * 1000).toFixed(2),
    ];
    if (ref !== undefined) {
      const r = ref.strategies[n];
      row.push(r === undefined ? "—" : r.aulc.toFixed(4), r === undefined ? "—" : (s.aulc - r.aulc >= 0 ? "+" : "") + (s.aulc - r.aulc).toFixed(4));
    }
    return row;
  });
  return formatTable(header, rows);
}

/** Writes results.json and report.html into `dir`; returns their paths. */
export function writeOutputs(dir: string, res: SimulationResults, ref?: ReferenceResults): { json: string; html: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, "results.json");
  const html = path.join(dir, "report.html");
  fs.writeFileSync(json, JSON.stringify(res, null, 1) + "\n");
  fs.writeFileSync(html, renderReport(res, ref === undefined ? {} : { reference: ref }));
  return { json, html };
}

/** True when `p` names an existing folder. */
function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** True when --data FILE is a Label Studio or Prodigy file (given or from the extension), whose labels are its own. */
function isTaskFormat(file: string, format: unknown): boolean {
  if (format !== undefined) return format === "labelstudio" || format === "prodigy";
  try {
    return inputFormatOf(file) === "labelstudio";
  } catch {
    return false;
  }
}

/**
 * `ds` with the columns of the table's numeric features replaced by what the ONNX model `model`
 * makes of them (other columns kept, the encoder's columns after them).
 * @throws BadInputError for no numeric column, a missing value (file, row, column) or a model that does not fit
 */
async function encodeNumericColumns(ds: Dataset, model: string, file: string): Promise<{ ds: Dataset; names: number; inputs: number }> {
  const numeric = ds.columns.filter((c) => c.kind === "numeric");
  if (numeric.length === 0) throw new BadInputError("--encoder needs numeric columns to encode, and the table has none left as features", { file, option: "encoder" });
  const n = ds.rows;
  const d = numeric.length;
  const X = dense(n, d);
  numeric.forEach((c, j) => {
    for (let i = 0; i < n; i++) {
      const v = c.values[i];
      if (!Number.isFinite(v)) throw new BadInputError(`missing value: the encoder needs every numeric column filled (--ignore ${c.name} to leave the column out)`, { file, row: ds.rowNumbers[i], column: c.name });
      X.data[i * d + j] = v;
    }
  });
  const { OnnxEncoder } = await import("../models/encoder.js");
  const enc = await OnnxEncoder.load(model, { prefix: path.basename(model).replace(/\.onnx$/i, "") || "encoder" });
  let out: { X: DenseMatrix; names: string[] };
  try {
    out = await enc.encodeRows(X);
  } finally {
    await enc.close();
  }
  const kept = ds.columns.filter((c) => c.kind !== "numeric");
  return { ds: appendColumns({ ...ds, columns: kept }, out.X, out.names, model), names: out.names.length, inputs: d };
}

/**
 * `ds` with the columns of `X` appended as numeric columns named `names` (as given).
 * @throws BadInputError when such a name is already a column of `ds`
 */
function appendColumns(ds: Dataset, X: DenseMatrix, names: readonly string[], from: string): Dataset {
  const extra = datasetFromMatrix(X, names, { source: ds.source }).columns;
  const taken = new Set(ds.columns.map((c) => c.name));
  const clash = extra.find((c) => taken.has(c.name));
  if (clash !== undefined) throw new BadInputError(`the feature name "${clash.name}" (from ${from}) is also a column of the file; rename one`, { file: ds.source });
  return { ...ds, columns: [...ds.columns, ...extra] };
}

/** --data (with --label), --data DIR/ or --project, not two; the project and the folder fix their columns. */
function sourceProblems(flags: FlagValues): string[] {
  const problems: string[] = [];
  const folder = typeof flags.data === "string" && isFolder(flags.data);
  if ((flags.data === undefined) === (flags.project === undefined)) problems.push("give either --data FILE (with --label), --data DIR/ (a folder of images in label subfolders) or --project DIR");
  if (flags.format !== undefined && !INPUT_FORMATS.includes(flags.format as InputFormat)) problems.push(`option --format must be one of ${INPUT_FORMATS.join(", ")}, got "${String(flags.format)}"`);
  if (flags.data !== undefined && !folder && flags.label === undefined && !isTaskFormat(String(flags.data), flags.format)) problems.push(`option --label is required with --data FILE (${simulateSpec.label.help})`);
  if (flags.project !== undefined)
    for (const f of ["label", "text", "id", "ignore", "keep", "image", "series", "image-features", "format", "from-name", "vectors", "embeddings", "encoder"]) if (flags[f] !== undefined) problems.push(`option --${f} does not apply to --project: the project fixes its columns`);
  if (folder)
    for (const f of ["label", "text", "id", "ignore", "keep", "image", "series", "slice", "format", "from-name", "vectors", "embeddings", "encoder"])
      if (flags[f] !== undefined) problems.push(`option --${f} does not apply to an image folder (--data ${String(flags.data)}): the labels are the subfolder names and the features the images'`);
  if (!folder && flags.project === undefined && flags["image-features"] !== undefined && flags.image === undefined) problems.push("option --image-features needs --image COL or --data DIR/ (a folder of images)");
  const named = (["label", "text", "id", "image", "series", "vectors"] as const).filter((f) => flags[f] !== undefined);
  for (let a = 0; a < named.length; a++)
    for (let b = a + 1; b < named.length; b++) if (flags[named[a]] === flags[named[b]]) problems.push(`--${named[a]} and --${named[b]} both name column "${String(flags[named[a]])}"`);
  if (typeof flags["image-features"] === "string") {
    try {
      parseImageFeatures(flags["image-features"]);
    } catch (e) {
      if (e instanceof BadOptionError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (flags.annotators === undefined && flags.qc !== undefined) problems.push("option --qc needs --annotators (the simulated annotators whose labels the policies control)");
  if (flags.annotators !== undefined)
    for (const f of ["reference", "cold-start", "workers"]) if (flags[f] !== undefined) problems.push(`option --${f} does not apply to --annotators (the quality-control comparison runs on this thread from random start items)`);
  return problems;
}

/**
 * Reads --data, prints the role of every column and the warnings about them on stderr (stdout
 * carries the summary), and leaves out the columns that look like the answer unless --keep.
 */
async function loadWithRoles(file: string, flags: FlagValues): Promise<{ ds: Dataset; slices: SliceColumnValues[] }> {
  const format = str(flags, "format") as InputFormat | undefined;
  const fromName = str(flags, "from-name");
  const { table, summary } = await readAnyTable(file, { ...(format !== undefined ? { format } : {}), ...(fromName !== undefined ? { fromName } : {}) });
  const image = str(flags, "image");
  const series = str(flags, "series");
  const vectors = str(flags, "vectors");
  const embeddings = str(flags, "embeddings");
  const encoder = str(flags, "encoder");
  for (const [option, c] of [["image", image], ["series", series], ["vectors", vectors]] as const) if (c !== undefined && !table.header.includes(c)) throw unknownColumn(file, option, c, table.header);
  // Checked before the roles table is printed, so a bad --slice changes nothing and prints nothing else.
  const slices = sliceColumnsOf(file, list(flags, "slice") ?? [], table.header, (c) => {
    const j = table.header.indexOf(c);
    return table.cells.map((row) => row[j] ?? null);
  });
  const columns = { label: str(flags, "label") ?? summary.labelColumn ?? undefined, text: str(flags, "text"), id: str(flags, "id") ?? summary.idColumn ?? undefined, ignore: list(flags, "ignore"), keep: list(flags, "keep") };
  if (columns.label === undefined) throw new BadOptionError([`option --label is required with --data FILE (${simulateSpec.label.help})`], "label");
  const kinds = [image, series, vectors].filter((c): c is string => c !== undefined);
  const full = toDataset(table, { ...columns, ignore: [...new Set([...(columns.ignore ?? []), ...kinds])] });
  // The image and series features are built before anything is printed, so a missing image or a bad series cell is the only output.
  const cellsOf = (c: string): Cell[] => {
    const j = table.header.indexOf(c);
    return table.cells.map((row) => row[j] ?? null);
  };
  const notes: Record<string, string> = { [full.labelColumn ?? ""]: "" };
  const extra: { X: DenseMatrix; names: string[]; prefix: string }[] = [];
  if (image !== undefined) {
    const m = await imageColumnMatrix(cellsOf(image), { file, column: image, rowNumbers: full.rowNumbers }, parseImageFeatures(str(flags, "image-features") ?? DEFAULT_IMAGE_FEATURES));
    extra.push({ ...m, prefix: image });
    notes[image] = `${m.names.length} image features`;
  }
  if (series !== undefined) {
    const m = seriesColumnMatrix(cellsOf(series), { file, column: series, rowNumbers: full.rowNumbers });
    extra.push({ ...m, prefix: series });
    notes[series] = `${m.names.length} series features`;
  }
  const vectorParts: { X: DenseMatrix; names: string[]; from: string }[] = [];
  if (vectors !== undefined) {
    const m = parseVectorCells(cellsOf(vectors), { column: vectors, file, rowNumbers: full.rowNumbers });
    vectorParts.push({ ...m, from: `--vectors ${vectors}` });
    notes[vectors] = `vectors of ${m.names.length}`;
  }
  if (embeddings !== undefined) {
    const m = readNpy(embeddings);
    checkRowAlignment(m.X.rows, table.cells.length, { file: embeddings, table: file });
    vectorParts.push({ ...m, from: embeddings });
  }
  const labels = full.labels ?? [];
  const labelSet = [...new Set(labels.filter((l): l is string => l !== null))];
  const findings = assessColumns(full.columns, { labels, labelSet, labelsFrom: `the label column "${full.labelColumn ?? ""}"`, keep: new Set(columns.keep ?? []), textTaken: columns.text !== undefined });
  notes[full.labelColumn ?? ""] = `${labelSet.length} classes`;
  const roles = roleRows(table.header, full.columns, { label: full.labelColumn, id: columns.id ?? null, image: image ?? null, series: series ?? null, ignore: columns.ignore ?? [], notes }, findings);
  const dropped = new Set(findings.filter((f) => f.dropped).map((f) => f.column));
  let ds = dropped.size === 0 ? full : { ...full, columns: full.columns.filter((c) => !dropped.has(c.name)) };
  // The encoder runs before anything is printed too, so a model that does not fit is the only output.
  let encoded: { names: number; inputs: number } | undefined;
  if (encoder !== undefined) {
    const e = await encodeNumericColumns(ds, encoder, file);
    ds = e.ds;
    encoded = { names: e.names, inputs: e.inputs };
  }
  for (const m of vectorParts) ds = appendColumns(ds, m.X, m.names, m.from);
  for (const w of summary.notes) process.stderr.write(`activelearn: warning: ${file}: ${w}\n`);
  process.stderr.write(rolesTable(roles) + "\n" + findingLines(findings) + "\n");
  if (embeddings !== undefined) process.stderr.write(`${embeddings}: ${vectorParts[vectorParts.length - 1].names.length} embedding features per row\n`);
  if (encoded !== undefined) process.stderr.write(`${encoder as string}: ${encoded.inputs} numeric columns encoded into ${encoded.names} features\n`);
  for (const m of extra) ds = withMatrixColumns(ds, m.X, m.names, m.prefix);
  if (ds.columns.length === 0) throw new BadInputError("no feature columns left (only the label and id columns, and those ignored or left out)", { file });
  return { ds, slices };
}

export async function runSimulate(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, simulateSpec, "simulate", sourceProblems);
  if (flags.help === true) {
    process.stdout.write(usage("simulate", "(--data FILE --label COL | --data DIR/ | --project DIR) [options]", simulateSpec) + "\n");
    return 0;
  }
  const data = str(flags, "data");
  const project = str(flags, "project");
  const ref = str(flags, "reference") === undefined ? undefined : readReference(str(flags, "reference") as string);
  let ds: Dataset;
  let slices: SliceColumnValues[];
  let model = str(flags, "model");
  let name: string;
  if (project !== undefined) {
    const store = openStore(existingProjectDb(project), { readonly: true });
    try {
      const p = labeledDataset(store, project);
      ds = p.dataset;
      const fields = [...new Set(p.records.flatMap((r) => Object.keys(r)))];
      slices = sliceColumnsOf(project, list(flags, "slice") ?? [...(store.meta().slices ?? [])], fields, (c) => p.records.map((r) => r[c] ?? null));
      model ??= store.meta().model;
      name = store.meta().name;
      const chosen = ds.rows - p.audit - p.imported;
      process.stderr.write(
        `${name}: ${ds.rows} labeled of ${p.items} items (${p.imported} imported, ${p.audit} random audit picks, ${chosen} chosen by the strategy).\n` +
          (chosen > 0
            ? "The replay treats the labeled items as the pool and holds out part of them as the test set; items the strategy chose are harder than the data at large, so the accuracies are below the model's accuracy on the whole pool, and strategies that pick items like those look better. Use it to compare strategies, not to predict accuracy.\n"
            : ""),
      );
    } finally {
      store.close();
    }
  } else if (isFolder(data as string)) {
    ds = await imageFolderDataset(data as string, parseImageFeatures(str(flags, "image-features") ?? DEFAULT_IMAGE_FEATURES));
    slices = [];
    name = path.basename(path.resolve(data as string));
    const classes = new Set(ds.labels ?? []).size;
    process.stderr.write(`${data as string}: ${ds.rows} images in ${classes} label folders, ${ds.columns.length} image features\n`);
  } else {
    ({ ds, slices } = await loadWithRoles(data as string, flags));
    name = path.basename(data as string).replace(/\.[^.]+$/, "");
  }
  const out = str(flags, "out") ?? path.join("out", name);
  // The default folder is checked here, before the work; one given as --out was checked with the options.
  const outProblem = outputProblem("out", out, "dir");
  if (outProblem !== undefined) throw new BadOptionError([outProblem], "out");
  if (flags.annotators !== undefined) return runQcSimulate(ds, flags, out, model);
  const bar = progressBar("simulate");
  const res = await simulate(ds, {
    strategies: str(flags, "strategies")?.split(",").filter((s) => s.trim() !== ""),
    seeds: num(flags, "seeds"),
    initial: num(flags, "initial"),
    batch: num(flags, "batch"),
    budget: num(flags, "budget"),
    testFraction: num(flags, "test-fraction"),
    model,
    coldStart: str(flags, "cold-start") as ColdStart | undefined,
    workers: num(flags, "workers"),
    ...(slices.length > 0 ? { slices } : {}),
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.finish();
  const files = writingOutput("out", out, () => writeOutputs(out, res, ref));
  process.stdout.write(`${res.dataset}: ${res.rows} rows, ${res.classes} classes; ${res.protocol}\n`);
  process.stdout.write(`full-pool accuracy ${res.full_pool_accuracy.toFixed(4)}${ref ? ` (reference ${ref.full_pool_accuracy.toFixed(4)})` : ""}\n\n`);
  process.stdout.write(summaryTable(res, ref) + "\n");
  if (res.strategies.random !== undefined && Object.keys(res.strategies).length > 1)
    process.stdout.write(
      "− random (paired): mean over seeds of the AULC difference on the same split and start, ± its standard error (seeds above random); * = more than the split's luck (paired t-test, 5%).\n" +
        `saved [95%]: labels saved against random, with a percentile bootstrap interval (the seeds resampled with replacement ${BOOTSTRAP_RESAMPLES} times, the same seeds for the strategy and random).\n`,
    );
  const best = bestText(res);
  if (best !== "") process.stdout.write(best + "\n");
  process.stdout.write(headlineText(res) + "\n\n");
  const sliceLines = sliceSummary(res);
  if (sliceLines !== "") process.stdout.write(sliceLines + "\n\n");
  for (const w of res.warnings ?? []) process.stderr.write(`activelearn: warning: ${w}\n`);
  process.stdout.write(`wrote ${files.json}\nwrote ${files.html}\n`);
  return 0;
}
