/**
 * Creating a labeling project from a CSV/JSONL file streamed twice, never held whole: the first
 * pass checks every row and gathers per-column statistics (kinds, what the featurizer fits, what
 * the column checks read; project/column-scan.ts), the second writes the items and their feature
 * rows a batch at a time, the feature rows as one block per batch (store/feature-blocks.ts).
 * Memory is bounded by a batch and the per-column figures, not by the file; a bad row or cell is
 * reported with file, row and column, and nothing is left behind (staging.ts).
 *
 * @example
 * await initProject({ dir: "proj", data: "tickets.csv", labels: ["bug", "question"], text: "body" });
 */
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { Cell } from "../data/jsonl.js";
import { cellNumber, checkIgnoreKeep, isMissing, unknownColumn } from "../data/dataset.js";
import { assessProfiles, roleRows, type ColumnFinding, type RoleRow } from "../data/roles.js";
import type { Column, Dataset } from "../data/types.js";
import { streamTable, type StreamRecordHandler, type StreamSummary } from "../data/read.js";
import { inputFormatOf, streamAnyTable, type InputFormat } from "../data/formats.js";
import { checkRowAlignment, readNpy } from "../data/npy.js";
import { parseVectorCells } from "../features/vectors.js";
import type { DenseMatrix } from "../linalg/matrix.js";
import { imageMatrix, listImageFolder } from "../features/image.js";
import type { ImageFeature } from "../features/image-features.js";
import { DEFAULT_IMAGE_FEATURES, imagePaths, parseImageFeatures } from "../features/kind-columns.js";
import { BadInputError, BadOptionError } from "../errors.js";
import { TableFeaturizer } from "../features/featurizer.js";
import { modelFactory, modelNeedsNonNegative } from "../models/registry.js";
import { getStrategy, normalizeStrategyName } from "../strategies/registry.js";
import { openStore } from "../store/open.js";
import type { FieldKind, GoldItem, NewAnnotation, ProjectMeta, Store } from "../store/types.js";
import { goldLabelOf, goldSettingProblems, goldSettings, type GoldOptions } from "./gold-settings.js";
import { blockOf } from "./features.js";
import { ColumnScan, RuleSampler } from "./column-scan.js";
import { parseLabelMap, uncoveredMessage, type UncoveredValue } from "./label-map.js";
import { stageDatabase } from "./staging.js";
import { stopSettingProblems } from "../server/advice.js";
import { consensusMethodProblems, DEFAULT_CONSENSUS, isConsensusMethod } from "./consensus-settings.js";
import { overlapSettingProblems, overlapSettings, type OverlapOptions } from "./overlap-settings.js";
import { addUser } from "../auth/users.js";
import { personName } from "../person-name.js";
import { sliceColumnsOf } from "../quality/slices-values.js";

/** The database file inside a project folder. */
export const PROJECT_DB = "project.db";

/** Annotator name of labels imported at init. */
export const IMPORT_ANNOTATOR = "import";

export interface InitOptions extends OverlapOptions, GoldOptions {
  readonly dir: string;
  readonly data: string;
  readonly labels: readonly string[];
  readonly text?: string;
  /** Column of image paths (relative to the data file's folder): their features become numeric fields `COL:name`, the path stays in the item's data. */
  readonly image?: string;
  /** The image features of `image` (default pixels 8 x 8 and HOG 32 x 32, see kind-columns.ts). */
  readonly imageFeatures?: readonly ImageFeature[];
  readonly label?: string;
  readonly id?: string;
  readonly strategy?: string;
  readonly model?: string;
  readonly retrainEvery?: number;
  /** Labels to spend at most (the live stopping advice says when it is reached). */
  readonly budget?: number;
  /** Accuracy at which labeling may stop (a proportion, e.g. 0.9). */
  readonly targetAccuracy?: number;
  /** The data file's format (default from the extension; see formats.ts). Label Studio and Prodigy files bring their labels (and ids) as `label` (and `id`) unless those are given. */
  readonly format?: InputFormat;
  /** Column of vectors (JSON arrays in JSONL, `;`/space-separated in CSV): stored as numeric fields `COL[k]`, the column itself left out. */
  readonly vectors?: string;
  /** Label Studio: the choices control holding the label, when the tasks have several. */
  readonly fromName?: string;
  /** A .npy file with one vector per data row: stored as numeric fields `STEM[k]`. */
  readonly embeddings?: string;
  readonly name?: string;
  /** Columns to leave out entirely (not stored, not features). */
  readonly ignore?: readonly string[];
  /** Columns to keep as features even when they look like the answer. */
  readonly keep?: readonly string[];
  /** Label column values to project labels, e.g. "4,5=positive;1,2=negative;3=-" (see label-map.ts). */
  readonly map?: string;
  /** Share of single-labeled items sent to review as a spot check, 0..1 (default 0). */
  readonly reviewShare?: number;
  /** How an overlapping item's labels become its label: majority (default) or dawid-skene (see consensus-settings.ts). */
  readonly consensus?: string;
  /** Creates this first admin account (its login token is in the summary, shown once). */
  readonly admin?: string;
  /** Columns whose values the dashboard watches for selection bias (kept in the items' data even when left out of the features). */
  readonly slices?: readonly string[];
  /** Called now and then with the phase ("import": the first pass, checks and statistics; "features": the second, writing items and feature rows) and the rows done. */
  readonly onProgress?: (phase: "import" | "features", done: number, total: number) => void;
  /** Rows per insert transaction and per featurization chunk (default 5000). */
  readonly batchSize?: number;
}

export interface InitSummary {
  readonly dbPath: string;
  readonly items: number;
  readonly seedLabels: number;
  /** Rows of known answers set aside as gold items (`gold`; never in the pool). */
  readonly goldItems: number;
  readonly fields: readonly { name: string; kind: FieldKind }[];
  readonly featureWidth: number;
  /** The role of every column of the file, in file order. */
  readonly roles: readonly RoleRow[];
  /** Warnings about feature columns (answer-like, id-like, free text); dropped ones are left out. */
  readonly findings: readonly ColumnFinding[];
  /** With `admin`: the admin's name and login token (only its hash is stored). */
  readonly admin?: { readonly name: string; readonly token: string };
  /** What the reader of a task format (Label Studio, Prodigy) ignored or interpreted, to show as warnings. */
  readonly notes?: readonly string[];
}

/** Path of a project's database; the folder may also be given as the .db file itself. */
export function projectDbPath(dir: string): string {
  return dir.endsWith(".db") ? dir : path.join(dir, PROJECT_DB);
}

function checkOptions(o: InitOptions): void {
  const problems: string[] = [];
  const labels = o.labels.map((l) => l.trim());
  if (labels.length < 2) problems.push(`--labels needs at least two labels, got ${labels.length === 0 ? "none" : labels.map((l) => `"${l}"`).join(", ")}`);
  if (labels.some((l) => l === "")) problems.push("--labels has an empty label");
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined) problems.push(`--labels names "${dup}" twice`);
  for (const check of [() => getStrategy(o.strategy ?? "typical_variance"), () => modelFactory(o.model ?? "logreg")]) {
    try {
      check();
    } catch (e) {
      if (e instanceof BadOptionError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (o.retrainEvery !== undefined && !(Number.isInteger(o.retrainEvery) && o.retrainEvery >= 1)) problems.push(`--retrain-every must be a whole number >= 1, got ${o.retrainEvery}`);
  problems.push(...stopSettingProblems(o.budget, o.targetAccuracy));
  problems.push(...overlapSettingProblems(o));
  if (o.reviewShare !== undefined && !(o.reviewShare >= 0 && o.reviewShare <= 1)) problems.push(`--review-share must be a proportion from 0 to 1 (e.g. 0.05), got ${o.reviewShare}`);
  problems.push(...consensusMethodProblems(o.consensus, "--consensus"));
  problems.push(...goldSettingProblems(o));
  const named = [["text", o.text], ["label", o.label], ["id", o.id], ["gold", o.gold], ["image", o.image], ["vectors", o.vectors]].filter((p): p is [string, string] => p[1] !== undefined);
  for (let i = 0; i < named.length; i++) for (let j = i + 1; j < named.length; j++) if (named[i][1] === named[j][1]) problems.push(`--${named[i][0]} and --${named[j][0]} both name column "${named[i][1]}"`);
  if (o.map !== undefined) {
    if (o.label === undefined) problems.push("--map needs --label: the column whose values it turns into labels");
    problems.push(...parseLabelMap(o.map, labels).problems);
  }
  for (const c of o.slices ?? []) {
    if (c === o.label) problems.push(`--slice names the label column "${c}": the labels are the answer, not a slice of the items`);
    if (c === o.id) problems.push(`--slice names the id column "${c}": one slice per item says nothing`);
    if ((o.ignore ?? []).includes(c)) problems.push(`--slice and --ignore both name column "${c}"`);
  }
  if (o.admin !== undefined) {
    const n = personName(o.admin);
    if ("problem" in n) problems.push(`--admin ${JSON.stringify(o.admin)} ${n.problem}`);
  }
  if (problems.length > 0) throw new BadOptionError(problems);
}

function cellText(v: Cell): string {
  return typeof v === "string" ? v.trim() : String(v);
}

/**
 * Creates the project. The database is built in a hidden temporary file and renamed into place
 * at the end, so a failed or killed init leaves no project behind (and no new folder).
 * @throws BadOptionError for bad options (all problems at once), BadInputError naming file, row
 *   and column for bad data (unknown label, missing or duplicate id, unknown column), and naming
 *   the folder when it cannot hold a project (already one, a file, not writable)
 */
export async function initProject(given: InitOptions): Promise<InitSummary> {
  // Task formats name their own label and id columns: a reading of the file finds them (and its notes).
  const folder = isFolder(given.data);
  if (folder) checkFolderOptions(given);
  const format = folder ? undefined : formatOf(given.data, given.format);
  let o = given;
  let notes: readonly string[] = [];
  if (format === "labelstudio" || format === "prodigy") {
    checkOptions(o);
    const s = await streamAnyTable(o.data, { format, ...(o.fromName !== undefined ? { fromName: o.fromName } : {}) }, () => undefined);
    notes = s.notes;
    o = { ...o, ...(o.label === undefined && s.labelColumn !== null ? { label: s.labelColumn } : {}), ...(o.id === undefined && s.idColumn !== null ? { id: s.idColumn } : {}) };
  }
  checkOptions(o);
  // The vector column's numbers become fields COL[k]; the column itself is no field.
  if (o.vectors !== undefined) o = { ...o, ignore: [...(o.ignore ?? []), o.vectors] };
  const labels = o.labels.map((l) => l.trim());
  const table = folder ? await folderTable(given.data, labels) : undefined;
  // A folder is read as a table of three columns: id and image (the relative path) and label.
  if (table !== undefined) o = { ...o, id: FOLDER_ID, image: FOLDER_IMAGE, label: FOLDER_LABEL };
  const dbPath = projectDbPath(o.dir);
  const staged = stageDatabase(dbPath, o.dir);
  let store: Store | undefined;
  try {
    // Bulk: the staged file is removed on any failure, so it needs no journal while it is built.
    store = openStore(staged.tempPath, { create: true, bulk: true });
    const imported = await importInto(store, o, labels, table);
    const admin = o.admin === undefined ? undefined : await addUser(store, o.admin, "admin");
    const summary = admin === undefined ? imported : { ...imported, admin: { name: admin.user.name, token: admin.token } };
    store.close();
    store = undefined;
    staged.commit();
    return { ...summary, dbPath, ...(notes.length > 0 ? { notes } : {}) };
  } catch (e) {
    store?.close();
    staged.abort();
    throw e;
  }
}

/** The columns of the table `init --data DIR/` builds from an image folder. */
const FOLDER_ID = "id";
const FOLDER_IMAGE = "image";
const FOLDER_LABEL = "label";

/** A table held in memory (the rows of an image folder), read like a file. */
interface MemoryTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** True when `p` names an existing folder. */
function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Options that make no sense for an image folder (`--data DIR/`): its columns are fixed. */
function checkFolderOptions(o: InitOptions): void {
  const fixed: [string, unknown][] = [["text", o.text], ["image", o.image], ["label", o.label], ["id", o.id], ["map", o.map], ["gold", o.gold], ["format", o.format], ["ignore", o.ignore], ["keep", o.keep], ["slice", o.slices]];
  const problems = fixed.filter(([, v]) => v !== undefined).map(([f]) => `option --${f} does not apply to an image folder (--data ${o.data}): the items are its images, their ids the paths, the seed labels the subfolder names that are among --labels`);
  if (problems.length > 0) throw new BadOptionError(problems);
}

/**
 * The table of an image folder `dir/<label>/<file>`: one row per image, id and image the path
 * relative to `dir`, label the top subfolder when it is one of `labels`, else blank (unlabeled).
 */
async function folderTable(dir: string, labels: readonly string[]): Promise<MemoryTable> {
  const { paths, labels: folders } = await listImageFolder(dir);
  const known = new Set(labels);
  return { header: [FOLDER_ID, FOLDER_IMAGE, FOLDER_LABEL], rows: paths.map((p, i) => [p, p, known.has(folders[i]) ? folders[i] : null]) };
}

/** Streams a table held in memory as {@link streamTable} streams a file (rows numbered from 1). */
async function streamMemory(file: string, table: MemoryTable, onRecord: StreamRecordHandler): Promise<StreamSummary> {
  const header = [...table.header];
  table.rows.forEach((r, i) => onRecord([...r], { row: i + 1, line: i + 2 }, header));
  return Promise.resolve({ file, format: "csv", header, rows: table.rows.length });
}

/** Growable int32 array (seed labels as pool index + label code, without an object each). */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

/** The columns of a header the import reads, by position; rebuilt when a JSONL header grows. */
interface Layout {
  readonly width: number;
  /** For each header position: its scan (pass 1), or null for label, id, gold and ignored columns. */
  readonly role: readonly ("label" | "id" | "gold" | "ignored" | "image" | "field")[];
}

function layoutOf(header: readonly string[], o: InitOptions, ignored: ReadonlySet<string>): Layout {
  return {
    width: header.length,
    role: header.map((name) => (name === o.gold ? "gold" : name === o.label ? "label" : name === o.id ? "id" : name === o.image ? "image" : ignored.has(name) ? "ignored" : "field")),
  };
}

/**
 * The import, in two streamed passes over the file (see the module comment at the top):
 *  1. every row is checked (labels, ids, gold answers, unknown columns) and each column scanned
 *     (column-scan.ts): its kind, what the featurizer fits and what the column checks read; the
 *     seed labels are kept as two int32s each, gold items (few) whole. Nothing is written yet, so
 *     a bad row fails fast, before any work on the database.
 *  2. after the column checks decided what is left out, the rows are read again and written a
 *     batch at a time: the items (their data as JSON) and the batch's feature rows as one block.
 * Memory is a batch plus the per-column figures, not the file (the ids of --id, to find a
 * duplicate, and the cells of --slice columns, for their quartiles, are kept whole).
 */
async function importInto(store: Store, o: InitOptions, labels: readonly string[], table?: MemoryTable): Promise<Omit<InitSummary, "dbPath">> {
  const file = o.data;
  const batchSize = o.batchSize ?? 5000;
  const labelSet = new Set(labels);
  const labelCode = new Map(labels.map((l, i) => [l, i]));
  const labelMap = o.map === undefined ? new Map<string, string | null>() : parseLabelMap(o.map, labels).map;
  const uncovered = new Map<string, UncoveredValue>();
  const ignored = new Set(o.ignore ?? []);
  const slices = [...new Set(o.slices ?? [])];
  const sliceCells = new Map<string, Cell[]>(slices.map((c) => [c, []]));
  const scans = new Map<string, ColumnScan>();
  const sampler = new RuleSampler();
  const seedIdx = new IntList();
  const seedLabel = new IntList();
  const now = Date.now();
  const gold: GoldItem[] = [];
  const goldRows = new Set<number>();
  let n = 0;
  let checkedHeader = false;
  const idRow = new Map<string, number>(); // id -> file row of its first occurrence
  const format = table === undefined ? formatOf(file, o.format) : undefined;
  const jsonl = format === "jsonl";
  // The image paths are relative to the data file's folder, or to the image folder itself.
  const imageBase = table === undefined ? path.dirname(file) : file;
  const read = await extraReader(file, format, jsonl, o, imageBase, table);
  const known = (header: readonly string[]): void => {
    for (const option of ["label", "text", "id", "gold", "image"] as const) {
      const name = o[option];
      if (name !== undefined && !header.includes(name)) throw unknownColumn(file, option, name, header);
    }
    for (const name of o.slices ?? []) if (!header.includes(name)) throw unknownColumn(file, "slice", name, header);
    checkIgnoreKeep(file, header, o, o.ignore ?? [], o.keep ?? []);
  };
  /** The gold label of a row (null: a pool row). */
  const goldOf = (cells: readonly Cell[], header: readonly string[], row: number): string | null => {
    if (o.gold === undefined) return null;
    const at = header.indexOf(o.gold);
    const cell = at >= 0 && at < cells.length ? cells[at] : null;
    return isMissing(cell) ? null : goldLabelOf(cellText(cell), labels, file, row, o.gold);
  };
  const idOf = (cells: readonly Cell[], header: readonly string[], row: number): string => {
    if (o.id === undefined) return String(row);
    const at = header.indexOf(o.id);
    const v = at >= 0 && at < cells.length ? cells[at] : null;
    if (isMissing(v)) throw new BadInputError("missing id", { file, row, column: o.id });
    return cellText(v);
  };

  // Pass 1: checks and column statistics.
  let layout: Layout = { width: -1, role: [] };
  let rowScans: (ColumnScan | null)[] = [];
  const summary = await read((cells, info, header) => {
    if (!checkedHeader && info.row >= 1) {
      // CSV headers are complete at the first record; JSONL keys are checked at the end.
      if (!jsonl) known(header);
      checkedHeader = true;
    }
    if (layout.width !== header.length) {
      layout = layoutOf(header, o, ignored);
      rowScans = header.map((name, j) => {
        if (layout.role[j] !== "field") return null;
        let s = scans.get(name);
        if (s === undefined) {
          s = new ColumnScan(name, name === o.text, batchSize);
          sampler.register(s);
          if (n > 0) s.addMissing(n);
          scans.set(name, s);
        }
        return s;
      });
    }
    const goldLabel = goldOf(cells, header, info.row);
    const id = idOf(cells, header, info.row);
    if (o.id !== undefined) {
      const first = idRow.get(id);
      if (first !== undefined) throw new BadInputError(`duplicate id "${id}" in rows ${first} and ${info.row}`, { file, row: info.row, column: o.id });
      idRow.set(id, info.row);
    }
    if (goldLabel !== null) {
      const data: Record<string, Cell> = {};
      for (let j = 0; j < header.length; j++) if (layout.role[j] === "field") data[header[j]] = dataCell(j < cells.length ? cells[j] : null);
      gold.push({ id, data, label: goldLabel });
      goldRows.add(info.row);
      return;
    }
    let seed: string | null = null;
    if (o.label !== undefined) {
      const at = header.indexOf(o.label);
      const v = at >= 0 && at < cells.length ? cells[at] : null;
      if (!isMissing(v)) {
        const raw = cellText(v);
        const l = labelMap.has(raw) ? labelMap.get(raw) : labelSet.has(raw) ? raw : undefined;
        if (l === undefined) {
          const u = uncovered.get(raw);
          if (u === undefined) uncovered.set(raw, { value: raw, firstRow: info.row, count: 1 });
          else u.count++;
        } else if (l !== null) {
          seed = l;
          seedIdx.push(n);
          seedLabel.push(labelCode.get(l) as number);
        }
      }
    }
    const sampled = seed !== null && sampler.take(seed);
    for (let j = 0; j < rowScans.length; j++) {
      const s = rowScans[j];
      if (s !== null) s.add(j < cells.length ? cells[j] : null, sampled);
    }
    for (const [c, list] of sliceCells) {
      const at = header.indexOf(c);
      list.push(at >= 0 && at < cells.length ? dataCell(cells[at]) : null);
    }
    n++;
    if (n % batchSize === 0) o.onProgress?.("import", n, 0);
  });
  o.onProgress?.("import", n, 0);
  known(summary.header);
  idRow.clear();
  if (o.gold !== undefined && gold.length === 0) throw new BadInputError("no row has a known answer in the gold column", { file, column: o.gold });
  if (uncovered.size > 0) {
    const values = [...uncovered.values()];
    throw new BadInputError(uncoveredMessage(values, labels, o.map), { file, row: values[0].firstRow, column: o.label });
  }

  // A column that stopped being numeric after its distinct values were capped: its categories, once more.
  const rescan = [...scans.values()].filter((s) => s.needsRescan);
  if (rescan.length > 0) {
    const again = new Map(rescan.map((s) => [s.name, new ColumnScan(s.name, false, batchSize, 1, true)]));
    const resampler = new RuleSampler();
    for (const s of again.values()) resampler.register(s);
    let seedAt = 0;
    let pool = 0;
    await read((cells, info, header) => {
      if (goldRows.has(info.row)) return;
      const isSeed = seedAt < seedIdx.length && seedIdx.data[seedAt] === pool;
      const sampled = isSeed && resampler.take(labels[seedLabel.data[seedAt++]]);
      for (const [name, s] of again) {
        const at = header.indexOf(name);
        if (at < 0) s.addMissing(1);
        else s.add(at < cells.length ? cells[at] : null, sampled);
      }
      pool++;
    });
    for (const [name, s] of again) scans.set(name, s);
  }

  const scanList = [...scans.values()];
  let fields = scanList.map((s): { name: string; kind: FieldKind } => ({ name: s.name, kind: s.text ? "text" : s.numeric ? "numeric" : "categorical" }));
  const profiles = scanList.map((s) => s.profile(sampler.labels));

  // Column roles: what looks like the answer is left out (unless --keep), the rest is warned about.
  const model = o.model ?? "logreg";
  const findings = assessProfiles(profiles, { labels: [], labelSet: labels, labelsFrom: "--labels", keep: new Set(o.keep ?? []), textTaken: o.text !== undefined, labeledWord: "seed labels" });
  const roles = roleRows(summary.header, profiles, { label: o.label ?? null, id: o.id ?? null, gold: o.gold ?? null, image: o.image ?? null, ignore: (o.ignore ?? []).filter((c) => c !== o.vectors), notes: { ...(o.label === undefined ? {} : { [o.label]: `${seedIdx.length} seed labels` }), ...(o.gold === undefined ? {} : { [o.gold]: `${gold.length} gold items (known answers, never shown)` }) } }, findings);
  const dropped = new Set(findings.filter((f) => f.dropped).map((f) => f.column));
  // Slice columns: few enough values; kept in the items' data even when left out of the features.
  if (slices.length > 0) sliceColumnsOf(file, slices, summary.header, (c) => sliceCells.get(c) ?? []);
  sliceCells.clear();
  const droppedData = new Set([...dropped].filter((c) => !slices.includes(c)));
  fields = fields.filter((f) => !dropped.has(f.name));
  if (fields.length === 0) {
    const why = dropped.size > 0 ? `; left out as looking like the answer: ${[...dropped].join(", ")} (--keep ${[...dropped].join(",")} to use them)` : "";
    throw new BadInputError(`no feature columns left (only the label and id columns${ignored.size > 0 ? ", and those ignored" : ""}${why})`, { file });
  }
  const featurizer = new TableFeaturizer({ numeric: modelNeedsNonNegative(model) ? "minmax" : "standardize" }).fitStats(fields.map((f) => (scans.get(f.name) as ColumnScan).stats()));
  const width = featurizer.width;
  scans.clear();

  // Pass 2: the items and their feature rows, a batch at a time.
  const kinds = fields.map((f) => f.kind);
  const fieldAt = new Map(fields.map((f, i) => [f.name, i]));
  const numBuf = fields.map((f) => (f.kind === "numeric" ? new Float64Array(batchSize) : null));
  const strBuf = fields.map((f) => (f.kind === "numeric" ? null : new Array<string | null>(batchSize).fill(null)));
  const rowNumbers = new Int32Array(batchSize);
  let items: { idx: number; id: string; json: string }[] = [];
  let written = 0;
  const flush = (): void => {
    const rows = items.length;
    if (rows === 0) return;
    const ds: Dataset = {
      source: file,
      rows,
      ids: [],
      columns: fields.map((f, i): Column => {
        const nb = numBuf[i];
        if (nb !== null) return { name: f.name, kind: "numeric", values: rows === batchSize ? nb : nb.subarray(0, rows), missing: 0 };
        return { name: f.name, kind: f.kind === "text" ? "text" : "categorical", values: (strBuf[i] as (string | null)[]).slice(0, rows), missing: 0 };
      }),
      labels: null,
      labelColumn: null,
      textColumn: o.text ?? null,
      rowNumbers: rowNumbers.subarray(0, rows),
    };
    const X = featurizer.transform(ds);
    const block = blockOf(X, written);
    const batch = items;
    store.transaction(() => {
      store.insertItemsJson(batch);
      store.putFeatureBlock(block);
    });
    written += rows;
    items = [];
    o.onProgress?.("features", written, n);
  };
  let dataLayout: { width: number; keep: (number | null)[]; names: string[]; keys: string[]; absent: number[] } = { width: -1, keep: [], names: [], keys: [], absent: [] };
  const jsonParts: string[] = [];
  await read((cells, info, header) => {
    if (goldRows.has(info.row)) return;
    if (dataLayout.width !== header.length) {
      const l = layoutOf(header, o, ignored);
      const keep = header.map((name, j) => ((l.role[j] === "field" && !droppedData.has(name)) || l.role[j] === "image" ? (fieldAt.get(name) ?? -1) : null));
      dataLayout = { width: header.length, names: header.slice(), keys: header.map((name, j) => `${keep.slice(0, j).some((k) => k !== null) ? "," : ""}${JSON.stringify(name)}:`), keep, absent: fields.map((_, f) => f).filter((f) => !keep.includes(f)) };
    }
    if (written + items.length >= n) throw new BadInputError(`the file changed while it was read: it has more rows than the ${n} of the first reading`, { file, row: info.row });
    const t = items.length;
    // The item's data as JSON text, written as it is read (no object per row).
    // Pieces joined once (a flat string, not a rope of a hundred parts held until the batch is written).
    const parts = jsonParts;
    parts.length = 0;
    const { keep, names, keys } = dataLayout;
    for (let j = 0; j < keep.length; j++) {
      const f = keep[j];
      if (f === null) continue;
      const v = j < cells.length ? cells[j] : null;
      parts.push(keys[j], cellJson(v));
      if (f < 0) continue;
      if (kinds[f] === "numeric") {
        const x = cellNumber(v);
        if (x === undefined) {
          throw new BadInputError(`expected a number, got ${JSON.stringify(v)} (the file changed while it was read?)`, { file, row: info.row, column: names[j] });
        }
        (numBuf[f] as Float64Array)[t] = x;
      } else (strBuf[f] as (string | null)[])[t] = isMissing(v) ? null : typeof v === "string" ? (kinds[f] === "text" ? v : v.trim()) : String(v);
    }
    // Fields not yet in the header of a JSONL file are missing.
    for (const f of dataLayout.absent) {
      if (kinds[f] === "numeric") (numBuf[f] as Float64Array)[t] = NaN;
      else (strBuf[f] as (string | null)[])[t] = null;
    }
    rowNumbers[t] = info.row;
    items.push({ idx: written + t, id: idOf(cells, header, info.row), json: `{${parts.join("")}}` });
    if (items.length === batchSize) flush();
  });
  flush();
  if (written !== n) throw new BadInputError(`the file changed while it was read: ${written} rows on the second reading, ${n} on the first`, { file });

  const seeds: NewAnnotation[] = [];
  for (let i = 0; i < seedIdx.length; i++) {
    seeds.push({ itemIdx: seedIdx.data[i], annotator: IMPORT_ANNOTATOR, label: labels[seedLabel.data[i]], createdAt: now, durationMs: null, predicted: null, audit: false, kind: "import" });
    if (seeds.length === batchSize || i === seedIdx.length - 1) {
      store.addAnnotations(seeds);
      seeds.length = 0;
    }
  }
  // Gold items keep the pool's fields only (not the answer-like ones left out, not the gold column).
  store.insertGoldItems(gold.map((g) => ({ ...g, data: Object.fromEntries(fields.map((f) => [f.name, g.data[f.name] ?? null])) })));
  const meta: ProjectMeta = {
    name: o.name ?? path.basename(path.resolve(o.dir)),
    labels,
    fields,
    textColumn: o.text ?? null,
    labelColumn: o.label ?? null,
    idColumn: o.id ?? null,
    strategy: normalizeStrategyName(o.strategy ?? "typical_variance"),
    model,
    retrainEvery: o.retrainEvery ?? 10,
    source: file,
    createdAt: now,
    featurizer: featurizer.toJSON(),
    featureKind: fields.some((f) => f.kind === "text") ? "csr" : "dense",
    featureWidth: width,
    budget: o.budget ?? null,
    targetAccuracy: o.targetAccuracy ?? null,
    overlap: overlapSettings(o),
    ...(o.reviewShare !== undefined && o.reviewShare > 0 ? { reviewShare: o.reviewShare } : {}),
    ...(isConsensusMethod(o.consensus) && o.consensus !== DEFAULT_CONSENSUS ? { consensus: o.consensus } : {}),
    ...(slices.length > 0 ? { slices } : {}),
    ...(o.gold === undefined ? {} : { gold: goldSettings(o) }),
    ...(o.image === undefined ? {} : { image: { column: o.image, base: realpathSync(path.resolve(imageBase)) } }),
  };
  store.setMeta(meta);
  return { items: n, seedLabels: seedIdx.length, goldItems: gold.length, fields, featureWidth: width, roles, findings };
}

/** The format of `file`: the given one, else from the extension (undefined when it does not tell; the CSV/JSONL reader decides as before). */
function formatOf(file: string, format: InputFormat | undefined): InputFormat | undefined {
  if (format !== undefined) return inputFormatOf(file, format);
  try {
    return inputFormatOf(file);
  } catch {
    return undefined;
  }
}

/** Streams the data file: as it is, or with computed numeric columns (image features, vectors, embeddings) appended to every row. */
type Reader = (onRecord: StreamRecordHandler) => Promise<Pick<StreamSummary, "file" | "header" | "rows">>;

/** Streams the file in its format: CSV and JSONL as before, Parquet and the task formats through formats.ts. */
function plainReader(file: string, format: InputFormat | undefined, given: InputFormat | undefined, fromName: string | undefined): Reader {
  if (format === undefined || format === "csv" || format === "jsonl") return (onRecord) => streamTable(file, given === "csv" || given === "jsonl" ? { format: given } : {}, onRecord);
  return (onRecord) => streamAnyTable(file, { format, ...(fromName !== undefined ? { fromName } : {}) }, onRecord);
}

/**
 * With `o.image`, `o.vectors` or `o.embeddings`: a first reading collects the image paths (each
 * present, the column known) and the vector cells and counts the rows; the image features are
 * computed (a few files decoded at a time; a missing or bad image is located by file, row and
 * column), the vectors parsed (a bad cell located by file, row and column), the .npy file read and
 * checked to have one row per data row (naming both files), and every later reading appends each
 * row's numbers as numeric cells (`IMAGE:feature`, `VECTORS[k]`, `STEM[k]`), so the passes treat
 * them as numeric columns. The vector column itself is left out (it is in `o.ignore`). Without
 * them, the file as it is.
 */
async function extraReader(file: string, format: InputFormat | undefined, jsonl: boolean, o: InitOptions, base: string, table?: MemoryTable): Promise<Reader> {
  const plain: Reader = table === undefined ? plainReader(file, format, o.format, o.fromName) : (onRecord) => streamMemory(file, table, onRecord);
  const wanted = [["image", o.image], ["vectors", o.vectors]].filter((p): p is ["image" | "vectors", string] => p[1] !== undefined);
  if (wanted.length === 0 && o.embeddings === undefined) return plain;
  const cells = new Map<string, Cell[]>(wanted.map(([, c]) => [c, []]));
  const rows: number[] = [];
  const first = await plain((rec, info, header) => {
    for (const [option, column] of wanted) {
      const at = header.indexOf(column);
      if (at < 0 && !jsonl) throw unknownColumn(file, option, column, header);
      const v = at >= 0 && at < rec.length ? (rec[at] ?? null) : null;
      if (option === "image") imagePaths([v], { file, column, rowNumbers: [info.row] });
      cells.get(column)?.push(v);
    }
    rows.push(info.row);
  });
  for (const [option, column] of wanted) if (!first.header.includes(column)) throw unknownColumn(file, option, column, first.header);
  const parts: { X: DenseMatrix; names: string[]; from: string }[] = [];
  if (o.image !== undefined) {
    const paths = imagePaths(cells.get(o.image) ?? [], { file, column: o.image, rowNumbers: rows });
    const m = await imageMatrix(paths, { base, features: o.imageFeatures ?? parseImageFeatures(DEFAULT_IMAGE_FEATURES), source: file, column: o.image, rowNumbers: rows });
    parts.push({ X: m.X, names: m.names.map((n) => `${o.image as string}:${n}`), from: "image" });
  }
  if (o.vectors !== undefined) parts.push({ ...parseVectorCells(cells.get(o.vectors) ?? [], { column: o.vectors, file, rowNumbers: rows }), from: "vector" });
  if (o.embeddings !== undefined) {
    const m = readNpy(o.embeddings);
    checkRowAlignment(m.X.rows, rows.length, { file: o.embeddings, table: file });
    parts.push({ ...m, from: "embedding" });
  }
  const extra: string[] = [];
  for (const p of parts)
    for (const n of p.names) {
      if (first.header.includes(n)) throw new BadInputError(`the ${p.from} feature name "${n}" is also a column of the file`, { file, column: n });
      if (extra.includes(n)) throw new BadInputError(`the ${p.from} feature name "${n}" is given twice (rename the column or the .npy file)`, { file, column: n });
      extra.push(n);
    }
  const n = rows.length;
  return async (onRecord) => {
    let i = 0;
    let header: string[] = [];
    let seen = -1;
    const summary = await plain((rec, info, h) => {
      if (i >= n) throw new BadInputError(`the file changed while it was read: it has more rows than the ${n} of the first reading`, { file, row: info.row });
      if (h.length !== seen) {
        header = [...h, ...extra];
        seen = h.length;
      }
      const row: Cell[] = new Array<Cell>(h.length + extra.length);
      for (let j = 0; j < h.length; j++) row[j] = j < rec.length ? (rec[j] ?? null) : null;
      let at = h.length;
      for (const p of parts) {
        const d = p.X.cols;
        for (let k = 0; k < d; k++) row[at + k] = p.X.data[i * d + k];
        at += d;
      }
      i++;
      onRecord(row, info, header);
    });
    return { ...summary, header: [...summary.header, ...extra] };
  };
}

/** Whether JSON text of `s` needs escapes (a quote, a backslash or a control character). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/** A cell as JSON text, as `JSON.stringify` of {@link dataCell} writes it. */
function cellJson(v: Cell): string {
  if (typeof v === "string") return needsEscape(v) ? JSON.stringify(v) : `"${v}"`;
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? '"true"' : '"false"';
  return JSON.stringify(v);
}

/** A cell as the items' data keeps it (booleans as text). */
function dataCell(v: Cell): Cell {
  return typeof v === "boolean" ? String(v) : v;
}
