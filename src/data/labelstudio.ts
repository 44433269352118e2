/**
 * Label Studio's JSON task format in, and its JSON export format out.
 *
 * In (a JSON array of tasks, one task object, or JSON Lines of tasks):
 * - a task is `{"id"?, "data": {...}, "annotations"?: [...], "predictions"?: [...], "meta"?: {...}}`;
 *   a task without a `data` key is its own data (Label Studio's rule for plain objects);
 * - `data` fields become columns (scalars only; a nested value is refused naming task and field);
 * - the task `id` (or `meta.activelearn_id`, written by our export) becomes the id column, which
 *   every task must then have;
 * - a `choices` result in an annotation becomes the task's imported label: one choice per result
 *   (a multi-choice result is refused), cancelled annotations (`was_cancelled`) skipped; when
 *   several annotations hold a choice, the most recent (`updated_at`, else `created_at`; equal or
 *   missing times: the later one in the array) wins, and the number of tasks where they disagree
 *   is noted; with more than one choices control (`from_name`) in the file, `fromName` must say
 *   which is the label;
 * - other result types (labels, textarea, rating, ...) and `predictions` are ignored, with a note
 *   counting them.
 *
 * Out (the array Label Studio exports and imports with annotations): one task per exported item,
 * `{"id"?, "data", "meta": {"activelearn_id"}, "annotations": [{"id", "completed_by",
 * "created_at", "updated_at", "lead_time"?, "was_cancelled": false, "ground_truth": false,
 * "result": [{"id", "type": "choices", "from_name", "to_name", "origin": "manual", "value":
 * {"choices": [label]}}]}]}`; `id` only when the item id is a positive whole number (Label Studio's
 * task ids are), `lead_time` in seconds from durationMs when known; a disputed item (no consensus
 * label) is written with no annotation.
 */
import { extname } from "node:path";
import { BadInputError } from "../errors.js";
import { writeTextAtomically, type LabelExportRow } from "./export-rows.js";
import { cellOf, isObject, jsonLines, kindOf, readUtf8, tableOf, type ImportedTable } from "./json-input.js";
import type { Cell } from "./jsonl.js";

export interface LabelStudioReadOptions {
  /** The `from_name` of the choices control that holds the label (needed when there are several). */
  readonly fromName?: string;
  /** Name of the label column made (default "label"; `_label` if a data field has that name). */
  readonly labelColumn?: string;
  /** Name of the id column made (default "id"; `_id` if a data field has that name). */
  readonly idColumn?: string;
}

interface Choice {
  readonly label: string;
  readonly fromName: string;
  readonly time: number;
  readonly order: number;
}

/**
 * Reads a Label Studio task file (.json: an array or one task; .jsonl/.ndjson: a task a line).
 * Rows are numbered by task (1-based) in an array, by line in JSON Lines.
 * @throws BadInputError naming the file, task (row) and field of anything malformed
 * @example
 * const t = readLabelStudio("tasks.json"); // t.labelColumn === "label"
 * const ds = toDataset(t, { label: t.labelColumn, id: t.idColumn ?? undefined });
 */
export function readLabelStudio(file: string, options: LabelStudioReadOptions = {}): ImportedTable {
  const text = readUtf8(file);
  const ext = extname(file).toLowerCase();
  let tasks: { value: unknown; row: number }[];
  if (ext === ".jsonl" || ext === ".ndjson") {
    tasks = [...jsonLines(text, file)].map((l) => ({ value: l.value, row: l.line }));
  } else {
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch (e) {
      throw new BadInputError(`not valid JSON (${e instanceof Error ? e.message : String(e)}); a Label Studio task file is a JSON array of tasks, or JSON Lines named .jsonl`, { file });
    }
    if (isObject(all)) all = [all];
    if (!Array.isArray(all)) throw new BadInputError(`must be a JSON array of tasks, not ${kindOf(all)}`, { file });
    tasks = (all as unknown[]).map((value, i) => ({ value, row: i + 1 }));
  }
  if (tasks.length === 0) throw new BadInputError("has no tasks", { file });

  const notes: string[] = [];
  const ignoredTypes = new Map<string, number>();
  let predictions = 0;
  let cancelled = 0;
  let disagreeing = 0;
  const fromNames = new Map<string, number>(); // from_name -> first task row
  const rows: { row: number; id: string | null; data: Map<string, Cell>; choices: Choice[] }[] = [];
  for (const { value: task, row } of tasks) {
    const loc = { file, row };
    if (!isObject(task)) throw new BadInputError(`task ${row} must be a JSON object, not ${kindOf(task)}`, loc);
    const wrapped = "data" in task;
    const dataObj = wrapped ? task.data : task;
    if (!isObject(dataObj)) throw new BadInputError(`must be an object of the task's fields, not ${kindOf(dataObj)}`, { ...loc, field: "data" });
    const data = new Map<string, Cell>();
    for (const [k, v] of Object.entries(dataObj)) data.set(k, cellOf(v, loc, wrapped ? `data.${k}` : k));
    let id: string | null = null;
    if (wrapped) {
      const meta = task.meta;
      const ours = isObject(meta) ? meta.activelearn_id : undefined;
      const raw = ours ?? task.id;
      const field = ours !== undefined ? "meta.activelearn_id" : "id";
      if (raw !== undefined && raw !== null) {
        if (typeof raw !== "string" && typeof raw !== "number") throw new BadInputError(`must be a number or a string, not ${kindOf(raw)}`, { ...loc, field });
        id = String(raw);
      }
    }
    const choices: Choice[] = [];
    if (wrapped && task.annotations !== undefined && task.annotations !== null) {
      if (!Array.isArray(task.annotations)) throw new BadInputError(`must be an array, not ${kindOf(task.annotations)}`, { ...loc, field: "annotations" });
      task.annotations.forEach((a: unknown, ai) => {
        const at = `annotations[${ai}]`;
        if (!isObject(a)) throw new BadInputError(`must be an object, not ${kindOf(a)}`, { ...loc, field: at });
        if (a.was_cancelled === true) {
          cancelled++;
          return;
        }
        const result = a.result ?? [];
        if (!Array.isArray(result)) throw new BadInputError(`must be an array, not ${kindOf(result)}`, { ...loc, field: `${at}.result` });
        const stamp = typeof a.updated_at === "string" ? a.updated_at : typeof a.created_at === "string" ? a.created_at : "";
        const time = stamp === "" || Number.isNaN(Date.parse(stamp)) ? -Infinity : Date.parse(stamp);
        result.forEach((r: unknown, ri) => {
          const rf = `${at}.result[${ri}]`;
          if (!isObject(r)) throw new BadInputError(`must be an object, not ${kindOf(r)}`, { ...loc, field: rf });
          const type = typeof r.type === "string" ? r.type : "(no type)";
          if (type !== "choices") {
            ignoredTypes.set(type, (ignoredTypes.get(type) ?? 0) + 1);
            return;
          }
          const fromName = typeof r.from_name === "string" ? r.from_name : "";
          if (options.fromName !== undefined && fromName !== options.fromName) return;
          const v = isObject(r.value) ? r.value.choices : undefined;
          if (!Array.isArray(v) || !v.every((c): c is string => typeof c === "string")) throw new BadInputError("must be an array of strings", { ...loc, field: `${rf}.value.choices` });
          if (v.length === 0) return;
          if (v.length > 1) throw new BadInputError(`has ${v.length} choices (${v.map((c) => JSON.stringify(c)).join(", ")}); activelearn gives each item one label, so multi-choice results cannot be imported`, { ...loc, field: `${rf}.value.choices` });
          if (!fromNames.has(fromName)) fromNames.set(fromName, row);
          choices.push({ label: v[0], fromName, time, order: choices.length });
        });
      });
    }
    if (wrapped && Array.isArray(task.predictions)) predictions += task.predictions.length;
    rows.push({ row, id, data, choices });
  }
  if (options.fromName === undefined && fromNames.size > 1) {
    const names = [...fromNames.keys()].map((n) => JSON.stringify(n)).join(", ");
    throw new BadInputError(`annotations hold choices from ${fromNames.size} controls (from_name ${names}); say which one is the label (fromName / --from-name)`, { file, row: [...fromNames.values()][1] });
  }
  const withId = rows.filter((r) => r.id !== null).length;
  if (withId > 0 && withId < rows.length) {
    const first = rows.find((r) => r.id === null);
    throw new BadInputError("has no id, though other tasks have one (every task needs an id, or none)", { file, row: first?.row, field: "id" });
  }
  const out = rows.map((r) => {
    let best: Choice | null = null;
    for (const c of r.choices) if (best === null || c.time >= best.time) best = c;
    if (best !== null && r.choices.some((c) => c.label !== best.label)) disagreeing++;
    return { row: r.row, id: r.id, data: r.data, label: best?.label ?? null };
  });
  if (disagreeing > 0) notes.push(`${disagreeing} task${disagreeing === 1 ? " has" : "s have"} annotations that disagree; the most recent annotation's choice was taken`);
  if (cancelled > 0) notes.push(`${cancelled} cancelled annotation${cancelled === 1 ? "" : "s"} skipped`);
  for (const [type, n] of ignoredTypes) notes.push(`${n} result${n === 1 ? "" : "s"} of type "${type}" ignored (only "choices" results become labels)`);
  if (predictions > 0) notes.push(`${predictions} prediction${predictions === 1 ? "" : "s"} ignored (predictions are not labels)`);
  return tableOf(file, out, { label: options.labelColumn ?? "label", id: options.idColumn ?? "id" }, notes);
}

export interface LabelStudioWriteOptions {
  /** `from_name` of the results: the name of the Choices control in the labeling config (default "label"). */
  readonly fromName?: string;
  /** `to_name` of the results: the object the choice is about (default "text"). */
  readonly toName?: string;
}

const TASK_ID = /^[1-9]\d{0,14}$/;

/** The Label Studio export (a JSON array) as text chunks, one task a chunk. */
export function* labelStudioChunks(rows: Iterable<LabelExportRow>, options: LabelStudioWriteOptions = {}): Generator<string> {
  const fromName = options.fromName ?? "label";
  const toName = options.toName ?? "text";
  let n = 0;
  yield "[";
  for (const r of rows) {
    n++;
    const annotations =
      r.label === null
        ? []
        : [
            {
              id: n,
              completed_by: r.annotator,
              created_at: r.labeledAt,
              updated_at: r.labeledAt,
              ...(r.durationMs !== undefined && r.durationMs !== null ? { lead_time: r.durationMs / 1000 } : {}),
              was_cancelled: false,
              ground_truth: false,
              result: [{ id: `al${n}`, type: "choices", from_name: fromName, to_name: toName, origin: "manual", value: { choices: [r.label] } }],
            },
          ];
    const task = { ...(TASK_ID.test(r.id) ? { id: Number(r.id) } : {}), data: r.data, meta: { activelearn_id: r.id }, annotations };
    yield (n === 1 ? "\n" : ",\n") + JSON.stringify(task);
  }
  yield n === 0 ? "]\n" : "\n]\n";
}

/**
 * Writes the final labels as a Label Studio export file (temp file, then rename).
 * @returns nothing; the file is complete or absent
 */
export async function writeLabelStudio(target: string, rows: Iterable<LabelExportRow>, options: LabelStudioWriteOptions = {}): Promise<void> {
  await writeTextAtomically(target, labelStudioChunks(rows, options));
}
