/**
 * The wire side of a remote model (remote.ts): the ML-backend protocol of Label Studio, its
 * requests, the zod schemas every reply is parsed with, and the turning of one prediction into a
 * probability row. Nothing from the backend is trusted: a reply either validates whole or becomes
 * a {@link ModelBackendError} naming the backend and the task.
 *
 * From a prediction to probabilities over the project's K labels (in the project's order):
 *
 * 1. The prediction's `result` entries of type "choices" (and, when a `fromName` is configured,
 *    with that `from_name`, or none) are taken; more than one is an error (single-choice projects only).
 *    An empty `result` means the backend has no prediction for the task (an untrained backend
 *    says so): the row is uniform (maximally uncertain) and counted as `noPrediction`.
 * 2. A per-label map in `value.probabilities` (or `value.scores`), label -> number >= 0, wins:
 *    labels missing from it get 0, the row is divided by its sum (so percentages work too); an
 *    unknown label, a negative or non-finite number, or an all-zero map is an error.
 * 3. Otherwise the one chosen label in `value.choices` gets the score s (the entry's `score`, else
 *    the prediction's, else 1: a backend giving no score is taken as certain), which must be in
 *    [0, 1], floored at 1/K so that the chosen label stays the likeliest; the rest, 1 - s, is
 *    spread evenly over the other labels.
 */
import { z } from "zod";
import { ActiveLearnError } from "../errors.js";

/** How a call to the backend failed; the dashboard can group by it. */
export type BackendFailure = "unreachable" | "timeout" | "http" | "malformed" | "invalid";

/**
 * A model backend did not answer, or answered something unusable. The message is written for the
 * labeling page and the dashboard: it names the backend's URL, the request, and for a bad
 * prediction the task.
 */
export class ModelBackendError extends ActiveLearnError {
  readonly failure: BackendFailure;
  /** The backend's base URL. */
  readonly url: string;
  /** HTTP status, when one came. */
  readonly status: number | null;
  /** The task (pool item) a bad prediction was for, when it is one. */
  readonly taskId: string | number | null;
  constructor(failure: BackendFailure, url: string, message: string, extra: { status?: number; taskId?: string | number } = {}) {
    super("MODEL_BACKEND", message);
    this.name = "ModelBackendError";
    this.failure = failure;
    this.url = url;
    this.status = extra.status ?? null;
    this.taskId = extra.taskId ?? null;
  }
}

/** A task as the backend sees it. */
export interface BackendTask {
  readonly id: string | number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** `POST /predict` body. */
export interface PredictRequest {
  readonly tasks: readonly BackendTask[];
  readonly label_config?: string;
  readonly project?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

const finite = z.number({ error: "must be a finite number" });

/** `GET /health`: `{"status": "UP", "model_class"?: ...}`. */
export const healthReply = z.looseObject({ status: z.string({ error: "must be a string such as \"UP\"" }), model_class: z.string().optional() });

/** `POST /setup`: `{"model_version"?: ...}`. */
export const setupReply = z.looseObject({ model_version: z.union([z.string(), finite]).optional() });

const choicesValue = z.looseObject({
  choices: z.array(z.string({ error: "must be label names" })).optional(),
  probabilities: z.record(z.string(), finite).optional(),
  scores: z.record(z.string(), finite).optional(),
});

const resultEntry = z.looseObject({
  type: z.string({ error: "must be a string (\"choices\")" }),
  from_name: z.string().optional(),
  to_name: z.string().optional(),
  value: z.unknown(),
  score: finite.optional(),
});

const prediction = z.looseObject({
  result: z.array(resultEntry, { error: "must be a list of result entries" }),
  score: finite.optional(),
  model_version: z.union([z.string(), finite]).optional(),
});

/** One prediction as validated; `value` is checked once its entry is chosen. */
export type Prediction = z.infer<typeof prediction>;

/** `POST /predict`: `{"results": [...]}` (or, as older backends answer, the bare list). */
export const predictReply = z.union([z.looseObject({ results: z.array(z.unknown(), { error: "must be a list" }) }), z.array(z.unknown())]);

/** Zod issues as one line: `results[3].result[0].score: must be a finite number`. */
export function issuesText(error: z.ZodError, prefix = ""): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      const where = i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      const at = `${prefix}${where}`.replace(/^\./, "");
      return at === "" ? i.message : `${at}: ${i.message}`;
    })
    .join("; ");
}

/** Validates one raw element of `results` (its position is `at`). */
export function parsePrediction(raw: unknown, at: number): Prediction | string {
  const p = prediction.safeParse(raw);
  return p.success ? p.data : issuesText(p.error, `results[${at}]`);
}

export interface ProbaOptions {
  readonly labels: readonly string[];
  /** Only `choices` entries of this `from_name` count (default: any). */
  readonly fromName?: string;
}

/** The probability row of one prediction, or the problem with it in words. */
export function probabilityRow(p: Prediction, o: ProbaOptions, at: number): { row: Float64Array; empty: boolean } | string {
  const K = o.labels.length;
  const where = `results[${at}]`;
  if (p.result.length === 0) return { row: new Float64Array(K).fill(1 / K), empty: true };
  const entries = p.result.map((e, j) => ({ e, j })).filter(({ e }) => e.type === "choices" && (o.fromName === undefined || e.from_name === undefined || e.from_name === o.fromName));
  if (entries.length === 0) {
    const types = [...new Set(p.result.map((e) => `${e.type}${e.from_name !== undefined ? ` from "${e.from_name}"` : ""}`))].join(", ");
    return `${where}.result has no "choices" entry${o.fromName !== undefined ? ` from "${o.fromName}"` : ""} (it has ${types})`;
  }
  if (entries.length > 1) return `${where}.result has ${entries.length} "choices" entries; a single-choice project needs one`;
  const { e, j } = entries[0];
  const at2 = `${where}.result[${j}]`;
  const v = choicesValue.safeParse(e.value);
  if (!v.success) return issuesText(v.error, `${at2}.value`);
  const index = new Map(o.labels.map((l, c) => [l, c]));
  const unknown = (label: string, field: string): string => `${at2}.value.${field}: "${label}" is not one of the project's labels (${o.labels.join(", ")})`;
  for (const c of v.data.choices ?? []) if (!index.has(c)) return unknown(c, "choices");
  const map = v.data.probabilities ?? v.data.scores;
  const row = new Float64Array(K);
  if (map !== undefined) {
    const field = v.data.probabilities !== undefined ? "probabilities" : "scores";
    let sum = 0;
    for (const [label, x] of Object.entries(map)) {
      const c = index.get(label);
      if (c === undefined) return unknown(label, field);
      if (x < 0) return `${at2}.value.${field}["${label}"]: ${x} is negative`;
      row[c] = x;
      sum += x;
    }
    if (!(sum > 0) || !Number.isFinite(sum)) return `${at2}.value.${field}: the numbers must be >= 0 with a positive, finite sum`;
    for (let c = 0; c < K; c++) row[c] /= sum;
    return { row, empty: false };
  }
  const chosen = v.data.choices ?? [];
  if (chosen.length !== 1) return `${at2}.value.choices: expected one label, got ${chosen.length}`;
  const s = e.score ?? p.score ?? 1;
  if (s < 0 || s > 1) return `${at2}: score ${s} is not a probability in [0, 1]`;
  if (K === 1) return { row: Float64Array.of(1), empty: false };
  const top = Math.max(s, 1 / K);
  row.fill((1 - top) / (K - 1));
  row[index.get(chosen[0]) ?? 0] = top;
  return { row, empty: false };
}

/**
 * A Label Studio label config for a single-choice classification of the given data fields: one
 * `<Text>` per field, one `<Choices>` named `fromName` on the first field.
 */
export function labelConfig(labels: readonly string[], fields: readonly string[], fromName = "label"): string {
  const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const to = fields[0] ?? "text";
  const texts = (fields.length > 0 ? fields : ["text"]).map((f) => `  <Text name="${esc(f)}" value="$${esc(f)}"/>`);
  const choices = labels.map((l) => `    <Choice value="${esc(l)}"/>`);
  return ["<View>", ...texts, `  <Choices name="${esc(fromName)}" toName="${esc(to)}" choice="single">`, ...choices, "  </Choices>", "</View>"].join("\n");
}
