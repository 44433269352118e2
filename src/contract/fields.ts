/**
 * The field rules of the HTTP contract as zod schemas: a person's name, a label name, a labeling
 * time, a flat record of cells. Each schema's errors say what is wrong with the value only
 * ("must be a string, got number"); {@link ../server/problems.ts} puts the place and field name
 * in front ("body: field \"annotator\" must be a string, got number").
 */
import { z } from "@hono/zod-openapi";
import { MAX_NAME, personName } from "../person-name.js";

export { MAX_NAME };

/** Longest accepted labeling time: 24 hours. */
export const MAX_DURATION_MS = 86_400_000;
/** Most items in one predict call. */
export const MAX_PREDICT = 1000;

/** "null", "an array", or the typeof of a value, for messages. */
export function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

const stringError = (iss: { input?: unknown }): string => (iss.input === undefined || iss.input === null ? "is required" : `must be a string, got ${typeOf(iss.input)}`);

/** A scalar cell of an item: string, number, boolean or null (JSONL values; CSV fields are strings). */
export const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: (iss) => `must be a string, number, boolean or null, got ${typeOf(iss.input)}` }).openapi("Cell");
export type Cell = z.infer<typeof CellSchema>;

const annotatorDescription =
  "who is labeling: NFC-normalised and trimmed; at most 200 characters; no control characters (C0, C1), bidirectional controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C) or lone surrogates (else a 400 naming the field)";

/** The problem with a person's name, or null when it is fine (the rule of src/person-name.ts). */
export function personProblem(v: string): string | null {
  const r = personName(v);
  return "problem" in r ? r.problem : null;
}

/**
 * A person's name (an annotator): required, NFC-normalised and trimmed, at most {@link MAX_NAME}
 * characters, without control characters (C0, DEL, C1), bidirectional controls (which can make
 * one name display as another) or lone surrogates. Parses to the normalised name.
 */
export const PersonSchema = z
  .string({ error: stringError })
  .transform((v, ctx) => {
    const problem = personProblem(v);
    if (problem === null) return v.normalize("NFC").trim();
    ctx.issues.push({ code: "custom", message: problem, input: v });
    return z.NEVER;
  })
  .openapi({ type: "string", minLength: 1, maxLength: MAX_NAME, description: annotatorDescription });

/** A required non-empty string of at most 200 characters (a label name). */
export const NameSchema = z.string({ error: stringError }).check((ctx) => {
  if (ctx.value.trim() === "") ctx.issues.push({ code: "custom", message: "must not be empty", input: ctx.value });
  else if (ctx.value.length > 200) ctx.issues.push({ code: "custom", message: "is longer than 200 characters", input: ctx.value });
}).openapi({ minLength: 1, maxLength: 200 });

const durationError = (iss: { input?: unknown }): string => `must be an integer number of milliseconds in 0..${MAX_DURATION_MS} (24 h), got ${JSON.stringify(iss.input) ?? typeOf(iss.input)}`;

/** An optional labeling time: an integer number of ms in 0..{@link MAX_DURATION_MS} (null = not measured). */
export const DurationSchema = z
  .number({ error: durationError })
  .int({ error: durationError })
  .min(0, { error: durationError })
  .max(MAX_DURATION_MS, { error: durationError })
  .nullish()
  .openapi({ description: "time spent on the item in ms (at most 24 h)" });

/** A flat record: field name to cell. */
export const RecordSchema = z.record(z.string(), CellSchema, { error: (iss) => `must be an object, got ${typeOf(iss.input)}` });

/** 1..{@link MAX_PREDICT} flat records; every bad record and cell is reported, not only the first. */
export const RecordsSchema = z
  .array(RecordSchema, { error: (iss) => `must be an array of objects, got ${typeOf(iss.input)}` })
  .superRefine(
    (v, ctx) => {
      if (!Array.isArray(v)) return;
      if (v.length === 0) ctx.addIssue({ code: "custom", message: "is empty" });
      if (v.length > MAX_PREDICT) ctx.addIssue({ code: "custom", message: `has ${v.length} entries, at most ${MAX_PREDICT} allowed` });
    },
    { when: () => true },
  )
  .openapi({ minItems: 1, maxItems: MAX_PREDICT });
