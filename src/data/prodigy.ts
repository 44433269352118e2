/**
 * Prodigy-style JSON Lines in and out.
 *
 * In, one task a line:
 * - top-level scalar fields (`text`, `image`, ...) become columns; `meta` entries become columns
 *   `meta.<key>`; fields starting with `_` (`_input_hash`, `_task_hash`, `_session_id`,
 *   `_annotator_id`, `_timestamp`, ...) are bookkeeping and left out; `spans`, `tokens`,
 *   `relations` (other annotation kinds) are ignored with a note; any other nested value is refused;
 * - the label: with `answer: "accept"`, the choice interface's single accepted option id
 *   (`options: [{id}]`, `accept: [id]`; several accepted ids are refused: one label per item), else
 *   the binary `label`; with `answer: "reject"` of a binary label, the other label when the project
 *   has exactly two labels (given as `labels`), else no label; `answer: "ignore"` (the annotator
 *   skipped it) and no `answer` at all (an unannotated input task: its `label` is only a suggestion)
 *   give no label. Every line is one item; lines are not merged by `_input_hash`.
 *
 * Out, one line per labeled item: the item's fields at the top level (one named like a Prodigy key
 * goes into `meta`), `meta.id` = the item id, `label` (or, with `choice`, `options` of every label
 * and `accept: [label]`), `answer: "accept"`, `_annotator_id`, `_timestamp` (Unix seconds) and
 * `_view_id`; `text` is set from `textField` when the text column has another name. Disputed items
 * (no consensus label) are left out. `_input_hash` and `_task_hash` are not written: Prodigy
 * computes its own when it loads the file.
 */
import { BadInputError } from "../errors.js";
import { writeTextAtomically, type LabelExportRow } from "./export-rows.js";
import { cellOf, isObject, jsonLines, kindOf, readUtf8, tableOf, type ImportedTable } from "./json-input.js";
import type { Cell } from "./jsonl.js";

export interface ProdigyReadOptions {
  /** The project's labels; with exactly two, a rejected binary label means the other one. */
  readonly labels?: readonly string[];
  /** Name of the label column made (default "label"). */
  readonly labelColumn?: string;
}

/** Nested top-level keys that hold other kinds of annotation: ignored. */
const IGNORED_NESTED = new Set(["spans", "tokens", "relations", "audio_spans", "config"]);
/** Keys Prodigy gives a meaning; never item fields. */
const RESERVED = new Set(["label", "answer", "accept", "options", "meta"]);

/**
 * Reads a Prodigy JSONL file; rows are numbered by line.
 * @throws BadInputError naming the file, line and field of anything malformed
 * @example
 * const t = readProdigy("annotations.jsonl", { labels: ["spam", "ham"] });
 */
export function readProdigy(file: string, options: ProdigyReadOptions = {}): ImportedTable {
  const labels = options.labels ?? [];
  const rows: { row: number; id: null; data: Map<string, Cell>; label: string | null }[] = [];
  let rejectsAsOther = 0;
  let rejectsUnused = 0;
  let ignored = 0;
  let unanswered = 0;
  const ignoredKeys = new Set<string>();
  for (const { value, line } of jsonLines(readUtf8(file), file)) {
    const loc = { file, row: line };
    if (!isObject(value)) throw new BadInputError(`line ${line} must be a JSON object, not ${kindOf(value)}`, loc);
    const data = new Map<string, Cell>();
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith("_") || RESERVED.has(k)) continue;
      if (IGNORED_NESTED.has(k) && v !== null && typeof v === "object") {
        ignoredKeys.add(k);
        continue;
      }
      data.set(k, cellOf(v, loc, k));
    }
    if (value.meta !== undefined && value.meta !== null) {
      if (!isObject(value.meta)) throw new BadInputError(`must be an object, not ${kindOf(value.meta)}`, { ...loc, field: "meta" });
      for (const [k, v] of Object.entries(value.meta)) data.set(`meta.${k}`, cellOf(v, loc, `meta.${k}`));
    }
    const answer = value.answer;
    if (answer !== undefined && answer !== "accept" && answer !== "reject" && answer !== "ignore") {
      throw new BadInputError(`must be "accept", "reject" or "ignore", got ${JSON.stringify(answer)}`, { ...loc, field: "answer" });
    }
    const binary = value.label;
    if (binary !== undefined && binary !== null && typeof binary !== "string") throw new BadInputError(`must be a string, not ${kindOf(binary)}`, { ...loc, field: "label" });
    let label: string | null = null;
    if (value.options !== undefined) {
      if (!Array.isArray(value.options)) throw new BadInputError(`must be an array of {"id", "text"}, not ${kindOf(value.options)}`, { ...loc, field: "options" });
      const ids = value.options.map((o: unknown, i) => {
        const id = isObject(o) ? o.id : undefined;
        if (typeof id !== "string" && typeof id !== "number") throw new BadInputError('must be an object with an "id" (a string or number)', { ...loc, field: `options[${i}]` });
        return String(id);
      });
      if (answer === "accept") {
        const acc = value.accept ?? [];
        if (!Array.isArray(acc) || !acc.every((a): a is string | number => typeof a === "string" || typeof a === "number")) throw new BadInputError("must be an array of option ids", { ...loc, field: "accept" });
        const unknown = acc.find((a) => !ids.includes(String(a)));
        if (unknown !== undefined) throw new BadInputError(`accepts ${JSON.stringify(unknown)}, which is not one of the options' ids`, { ...loc, field: "accept" });
        if (acc.length > 1) throw new BadInputError(`accepts ${acc.length} options; activelearn gives each item one label, so multiple choice cannot be imported`, { ...loc, field: "accept" });
        if (acc.length === 1) label = String(acc[0]);
      }
    } else if (typeof binary === "string" && answer === "accept") {
      label = binary;
    } else if (typeof binary === "string" && answer === "reject") {
      if (labels.length === 2 && labels.includes(binary)) {
        label = labels[0] === binary ? labels[1] : labels[0];
        rejectsAsOther++;
      } else rejectsUnused++;
    }
    if (answer === "ignore") ignored++;
    if (answer === undefined) unanswered++;
    rows.push({ row: line, id: null, data, label });
  }
  if (rows.length === 0) throw new BadInputError("has no tasks", { file });
  const notes: string[] = [];
  if (rejectsAsOther > 0) notes.push(`${rejectsAsOther} rejected binary label${rejectsAsOther === 1 ? "" : "s"} taken as the other of the two labels`);
  if (rejectsUnused > 0) notes.push(`${rejectsUnused} rejected answer${rejectsUnused === 1 ? "" : "s"} imported unlabeled (a reject names the other label only in a two-label project)`);
  if (ignored > 0) notes.push(`${ignored} ignored task${ignored === 1 ? "" : "s"} imported unlabeled`);
  if (unanswered > 0) notes.push(`${unanswered} task${unanswered === 1 ? "" : "s"} without an answer imported unlabeled`);
  if (ignoredKeys.size > 0) notes.push(`fields ${[...ignoredKeys].map((k) => `"${k}"`).join(", ")} ignored (only whole-item labels are imported)`);
  return tableOf(file, rows, { label: options.labelColumn ?? "label", id: "id" }, notes);
}

export interface ProdigyWriteOptions {
  /** The text column; when it is not named "text", its value is also written as `text`. */
  readonly textField?: string;
  /** Write the choice interface (`options` of every label, `accept: [label]`) instead of a binary `label`. */
  readonly choice?: { readonly labels: readonly string[] };
}

const PRODIGY_KEYS = new Set(["text", "label", "answer", "accept", "options", "meta", "spans", "tokens"]);

/** The Prodigy JSONL lines of the exported items (disputed ones left out), a line a chunk. */
export function* prodigyLines(rows: Iterable<LabelExportRow>, options: ProdigyWriteOptions = {}): Generator<string> {
  const tf = options.textField;
  for (const r of rows) {
    if (r.label === null) continue;
    const top: Record<string, unknown> = {};
    const meta: Record<string, Cell> = { id: r.id };
    if (tf !== undefined && tf !== "text" && r.data[tf] !== undefined) top.text = r.data[tf];
    for (const [k, v] of Object.entries(r.data)) {
      // A field Prodigy would read as something else goes into meta (a "text" field stays on top unless textField took that place).
      const clash = k.startsWith("_") || (PRODIGY_KEYS.has(k) && !(k === "text" && !("text" in top)));
      if (clash) meta[k] = v;
      else top[k] = v;
    }
    const ms = Date.parse(r.labeledAt);
    const answer = options.choice !== undefined
      ? { options: options.choice.labels.map((l) => ({ id: l, text: l })), accept: [r.label], answer: "accept", _view_id: "choice" }
      : { label: r.label, answer: "accept", _view_id: "classification" };
    yield JSON.stringify({ ...top, meta, ...answer, _annotator_id: r.annotator, _timestamp: Number.isNaN(ms) ? null : Math.floor(ms / 1000) }) + "\n";
  }
}

/** Writes the final labels as Prodigy JSONL (temp file, then rename). */
export async function writeProdigy(target: string, rows: Iterable<LabelExportRow>, options: ProdigyWriteOptions = {}): Promise<void> {
  await writeTextAtomically(target, prodigyLines(rows, options));
}
