/**
 * Request validation with the contract's zod schemas (src/contract/): every problem of a query or
 * body is collected, named by place and field ("body: field \"annotator\" is required",
 * "body: items[3].text must be ..."), and {@link check} reports them all at once as one
 * BadOptionError (HTTP 400).
 */
import type { z } from "@hono/zod-openapi";
import type { Cell } from "../contract/fields.js";
import { BadOptionError } from "../errors.js";
import { describeFieldMismatch, fieldMismatch, type FieldSpec } from "../project/records.js";

export { MAX_DURATION_MS, MAX_NAME } from "../contract/fields.js";

/** Where a value came from, as it starts each problem. */
export type Where = "body" | "query";

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/** One readable line per zod issue (identical lines once). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], where: Where, known: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const iss of issues) {
    if (iss.code === "unrecognized_keys") {
      const prefix = iss.path.length === 0 ? "" : `${pathText(iss.path)}: `;
      for (const k of iss.keys) out.push(`${where}: ${prefix}unknown field "${k}" (known: ${known.join(", ")})`);
      continue;
    }
    const last = iss.path.at(-1);
    let line: string;
    if (iss.path.length === 0) line = `${where}: ${iss.message}`;
    else if (iss.path.length === 1 && typeof last === "string") line = iss.message.startsWith(`${last} `) ? `${where}: ${iss.message}` : `${where}: field "${last}" ${iss.message}`;
    else line = `${where}: ${pathText(iss.path)} ${iss.message}`;
    out.push(line);
  }
  return [...new Set(out)];
}

export class Problems {
  readonly list: string[] = [];

  /**
   * Parses `value` with `schema`; on failure records every issue (the names of a strict object's
   * fields listed for an unknown one) and returns null.
   */
  parse<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> | null {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
    this.list.push(...describeIssues(r.error.issues, where, shape === undefined ? [] : Object.keys(shape)));
    return null;
  }

  /**
   * Every record sent to predict must have exactly the fields the model was trained on (null for
   * a missing value): a missing or misspelt field would silently give a prior-only prediction.
   * Names the missing and unknown fields and the first item with each.
   */
  trainedFields(items: readonly Record<string, Cell>[], fields: readonly FieldSpec[]): void {
    const missing = new Map<string, number>();
    const unknown = new Map<string, number>();
    items.forEach((rec, i) => {
      const m = fieldMismatch(fields, Object.keys(rec));
      for (const f of m.missing) if (!missing.has(f)) missing.set(f, i);
      for (const f of m.unknown) if (!unknown.has(f)) unknown.set(f, i);
    });
    if (missing.size === 0 && unknown.size === 0) return;
    const first = (m: Map<string, number>): string => [...m.entries()].map(([f, i]) => `${JSON.stringify(f)} (first in items[${i}])`).join(", ");
    this.list.push(`body: field "items": ${describeFieldMismatch({ missing: [...missing.keys()], unknown: [...unknown.keys()] }, fields, "fields")}`);
    if (missing.size > 0) this.list.push(`body: missing in: ${first(missing)}; send null for an unknown value`);
    if (unknown.size > 0) this.list.push(`body: unknown in: ${first(unknown)}`);
  }
}

/** Throws every collected problem as one BadOptionError (HTTP 400). */
export function check(p: Problems): void {
  if (p.list.length > 0) throw new BadOptionError(p.list);
}
