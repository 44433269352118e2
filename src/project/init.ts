/**
 * Creating a labeling project: items streamed from a CSV/JSONL file into the project database in
 * batches (the file is never held in memory whole), field kinds inferred on the way, seed labels
 * from an optional label column, then the featurizer fitted on the whole pool and every item's
 * feature row stored.
 *
 * @example
 * await initProject({ dir: "proj", data: "tickets.csv", labels: ["bug", "question"], text: "body" });
 */
import path from "node:path";
import type { Cell } from "../data/jsonl.js";
import { checkIgnoreKeep, isMissing, parseNumber, unknownColumn } from "../data/dataset.js";
import { assessColumns, roleRows, type ColumnFinding, type RoleRow } from "../data/roles.js";
import { streamTable, type TableFormat } from "../data/read.js";
import { BadInputError, BadOptionError } from "../errors.js";
import { TableFeaturizer } from "../features/featurizer.js";
import { modelFactory, modelNeedsNonNegative } from "../models/registry.js";
import { getStrategy, normalizeStrategyName } from "../strategies/registry.js";
import { openStore } from "../store/open.js";
import type { FieldKind, GoldItem, Item, NewAnnotation, ProjectMeta, Store } from "../store/types.js";
import { goldLabelOf, goldSettingProblems, goldSettings, type GoldOptions } from "./gold-settings.js";
import { encodeRow } from "./features.js";
import { parseLabelMap, uncoveredMessage, type UncoveredValue } from "./label-map.js";
import { stageDatabase } from "./staging.js";
import { recordsToDataset } from "./records.js";
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
  readonly label?: string;
  readonly id?: string;
  readonly strategy?: string;
  readonly model?: string;
  readonly retrainEvery?: number;
  /** Labels to spend at most (the live stopping advice says when it is reached). */
  readonly budget?: number;
  /** Accuracy at which labeling may stop (a proportion, e.g. 0.9). */
  readonly targetAccuracy?: number;
  readonly format?: TableFormat;
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
  /** Called now and then with the rows imported so far and the phase. */
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
  const named = [["text", o.text], ["label", o.label], ["id", o.id], ["gold", o.gold]].filter((p): p is [string, string] => p[1] !== undefined);
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
export async function initProject(o: InitOptions): Promise<InitSummary> {
  checkOptions(o);
  const labels = o.labels.map((l) => l.trim());
  const dbPath = projectDbPath(o.dir);
  const staged = stageDatabase(dbPath, o.dir);
  let store: Store | undefined;
  try {
    store = openStore(staged.tempPath, { create: true });
    const imported = await importInto(store, o, labels);
    const admin = o.admin === undefined ? undefined : await addUser(store, o.admin, "admin");
    const summary = admin === undefined ? imported : { ...imported, admin: { name: admin.user.name, token: admin.token } };
    store.close();
    store = undefined;
    staged.commit();
    return { ...summary, dbPath };
  } catch (e) {
    store?.close();
    staged.abort();
    throw e;
  }
}

interface FieldStats {
  numeric: boolean;
  order: number;
}

async function importInto(store: Store, o: InitOptions, labels: readonly string[]): Promise<Omit<InitSummary, "dbPath">> {
  const file = o.data;
  const batchSize = o.batchSize ?? 5000;
  const labelSet = new Set(labels);
  const labelMap = o.map === undefined ? new Map<string, string | null>() : parseLabelMap(o.map, labels).map;
  const uncovered = new Map<string, UncoveredValue>();
  const ignored = new Set(o.ignore ?? []);
  const stats = new Map<string, FieldStats>();
  const seeds: NewAnnotation[] = [];
  const now = Date.now();
  let batch: Item[] = [];
  const gold: GoldItem[] = [];
  let n = 0;
  let checkedHeader = false;
  const idRow = new Map<string, number>(); // id -> file row of its first occurrence
  const flush = (): void => {
    if (batch.length === 0) return;
    store.insertItems(batch);
    batch = [];
    o.onProgress?.("import", n, 0);
  };
  const known = (header: readonly string[]): void => {
    for (const option of ["label", "text", "id", "gold"] as const) {
      const name = o[option];
      if (name !== undefined && !header.includes(name)) throw unknownColumn(file, option, name, header);
    }
    for (const name of o.slices ?? []) if (!header.includes(name)) throw unknownColumn(file, "slice", name, header);
    checkIgnoreKeep(file, header, o, o.ignore ?? [], o.keep ?? []);
  };

  const summary = await streamTable(file, o.format !== undefined ? { format: o.format } : {}, (cells, info, header) => {
    if (!checkedHeader && info.row >= 1) {
      // CSV headers are complete at the first record; JSONL keys are checked at the end.
      if (!file.endsWith(".jsonl") && !file.endsWith(".ndjson") && o.format !== "jsonl") known(header);
      checkedHeader = true;
    }
    const data: Record<string, Cell> = {};
    let id = String(info.row);
    // A row with a known answer in the gold column is a gold item, not a pool item.
    const goldAt = o.gold === undefined ? -1 : header.indexOf(o.gold);
    const goldCell = goldAt >= 0 && goldAt < cells.length ? cells[goldAt] : null;
    const goldLabel = o.gold !== undefined && !isMissing(goldCell) ? goldLabelOf(cellText(goldCell), labels, file, info.row, o.gold) : null;
    for (let j = 0; j < header.length; j++) {
      const name = header[j];
      const v = j < cells.length ? cells[j] : null;
      if (name === o.gold) continue;
      if (name === o.label) {
        if (goldLabel === null && !isMissing(v)) {
          const raw = cellText(v);
          const l = labelMap.has(raw) ? labelMap.get(raw) : labelSet.has(raw) ? raw : undefined;
          if (l === undefined) {
            const u = uncovered.get(raw);
            if (u === undefined) uncovered.set(raw, { value: raw, firstRow: info.row, count: 1 });
            else u.count++;
          } else if (l !== null) seeds.push({ itemIdx: n, annotator: IMPORT_ANNOTATOR, label: l, createdAt: now, durationMs: null, predicted: null, audit: false, kind: "import" });
        }
        continue;
      }
      if (name === o.id) {
        if (isMissing(v)) throw new BadInputError("missing id", { file, row: info.row, column: name });
        id = cellText(v);
        const first = idRow.get(id);
        if (first !== undefined) throw new BadInputError(`duplicate id "${id}" in rows ${first} and ${info.row}`, { file, row: info.row, column: name });
        idRow.set(id, info.row);
        continue;
      }
      if (ignored.has(name)) continue;
      data[name] = typeof v === "boolean" ? String(v) : v;
      if (goldLabel !== null) continue;
      let s = stats.get(name);
      if (s === undefined) {
        s = { numeric: true, order: stats.size };
        stats.set(name, s);
      }
      if (s.numeric && name !== o.text && !isMissing(v) && Number.isNaN(parseNumber(v))) s.numeric = false;
    }
    if (goldLabel !== null) {
      gold.push({ id, data, label: goldLabel });
      return;
    }
    batch.push({ idx: n, id, data });
    n++;
    if (batch.length >= batchSize) flush();
  });
  flush();
  known(summary.header);
  if (o.gold !== undefined && gold.length === 0) throw new BadInputError("no row has a known answer in the gold column", { file, column: o.gold });
  if (uncovered.size > 0) {
    const values = [...uncovered.values()];
    throw new BadInputError(uncoveredMessage(values, labels, o.map), { file, row: values[0].firstRow, column: o.label });
  }

  let fields = [...stats.entries()]
    .sort((a, b) => a[1].order - b[1].order)
    .map(([name, s]): { name: string; kind: FieldKind } => ({ name, kind: name === o.text ? "text" : s.numeric ? "numeric" : "categorical" }));

  // Features: fit on the whole pool, then transform and store in chunks.
  const model = o.model ?? "logreg";
  const records: Record<string, Cell>[] = [];
  for (const it of store.items()) {
    const slim: Record<string, Cell> = {};
    for (const f of fields) slim[f.name] = it.data[f.name] ?? null;
    records.push(slim);
  }
  let ds = recordsToDataset(file, records, fields, o.text ?? null);
  records.length = 0;

  // Column roles: what looks like the answer is left out (unless --keep), the rest is warned about.
  const knownLabels = new Array<string | null>(n).fill(null);
  for (const a of seeds) knownLabels[a.itemIdx] = a.label;
  const findings = assessColumns(ds.columns, { labels: knownLabels, labelSet: labels, labelsFrom: "--labels", keep: new Set(o.keep ?? []), textTaken: o.text !== undefined, labeledWord: "seed labels" });
  const roles = roleRows(summary.header, ds.columns, { label: o.label ?? null, id: o.id ?? null, gold: o.gold ?? null, ignore: o.ignore ?? [], notes: { ...(o.label === undefined ? {} : { [o.label]: `${seeds.length} seed labels` }), ...(o.gold === undefined ? {} : { [o.gold]: `${gold.length} gold items (known answers, never shown)` }) } }, findings);
  const dropped = new Set(findings.filter((f) => f.dropped).map((f) => f.column));
  // Slice columns: few enough values (checked on the stored items); kept in the items' data even when left out of the features.
  const slices = [...new Set(o.slices ?? [])];
  if (slices.length > 0) {
    const items = [...store.items()];
    sliceColumnsOf(file, slices, summary.header, (c) => items.map((it) => it.data[c] ?? null));
  }
  const droppedData = [...dropped].filter((c) => !slices.includes(c));
  if (dropped.size > 0) {
    if (droppedData.length > 0) store.dropItemFields(droppedData);
    fields = fields.filter((f) => !dropped.has(f.name));
    ds = { ...ds, columns: ds.columns.filter((c) => !dropped.has(c.name)) };
  }
  if (fields.length === 0) {
    const why = dropped.size > 0 ? `; left out as looking like the answer: ${[...dropped].join(", ")} (--keep ${[...dropped].join(",")} to use them)` : "";
    throw new BadInputError(`no feature columns left (only the label and id columns${ignored.size > 0 ? ", and those ignored" : ""}${why})`, { file });
  }
  const featurizer = new TableFeaturizer({ numeric: modelNeedsNonNegative(model) ? "minmax" : "standardize" }).fit(ds);
  const width = featurizer.width;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const rows = Int32Array.from({ length: end - start }, (_, t) => start + t);
    const X = featurizer.transform(ds, rows);
    const out: { idx: number; row: Uint8Array }[] = [];
    for (let r = 0; r < rows.length; r++) out.push({ idx: rows[r], row: encodeRow(X, r) });
    store.putFeatures(out);
    o.onProgress?.("features", end, n);
  }
  store.addAnnotations(seeds);
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
  };
  store.setMeta(meta);
  return { items: n, seedLabels: seeds.length, goldItems: gold.length, fields, featureWidth: width, roles, findings };
}
