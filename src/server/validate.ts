/**
 * Body and query validation for the API: each reader collects problems instead of throwing, and
 * {@link check} reports them all at once, naming the fields.
 */
import type { Cell } from "../data/jsonl.js";
import { BadOptionError } from "../errors.js";
import { MAX_NAME, personName } from "../person-name.js";
import { describeFieldMismatch, fieldMismatch, type FieldSpec } from "../project/records.js";

export { MAX_NAME };
/** Longest accepted labeling time: 24 hours. */
export const MAX_DURATION_MS = 86_400_000;

export class Problems {
  readonly list: string[] = [];

  /** A required non-empty string (at most 200 characters). */
  name(obj: Record<string, unknown>, field: string, where = "body"): string {
    const v = obj[field];
    if (v === undefined || v === null) this.list.push(`${where}: field "${field}" is required`);
    else if (typeof v !== "string") this.list.push(`${where}: field "${field}" must be a string, got ${typeOf(v)}`);
    else if (v.trim() === "") this.list.push(`${where}: field "${field}" must not be empty`);
    else if (v.length > 200) this.list.push(`${where}: field "${field}" is longer than 200 characters`);
    else return v;
    return "";
  }

  /**
   * A person's name (an annotator): required, NFC-normalised and trimmed, at most
   * {@link MAX_NAME} characters, without control characters (C0, DEL, C1), bidirectional
   * controls (which can make one name display as another) or lone surrogates.
   */
  person(obj: Record<string, unknown>, field: string, where = "body"): string {
    const v = obj[field];
    if (v === undefined || v === null) this.list.push(`${where}: field "${field}" is required`);
    else if (typeof v !== "string") this.list.push(`${where}: field "${field}" must be a string, got ${typeOf(v)}`);
    else {
      const r = personName(v);
      if ("name" in r) return r.name;
      this.list.push(`${where}: field "${field}" ${r.problem}`);
    }
    return "";
  }

  /** An optional labeling time: an integer number of milliseconds in 0..{@link MAX_DURATION_MS} (24 h). */
  optionalDuration(obj: Record<string, unknown>, field: string): number | null {
    const v = obj[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_DURATION_MS) {
      this.list.push(`body: field "${field}" must be an integer number of milliseconds in 0..${MAX_DURATION_MS} (24 h), got ${JSON.stringify(v) ?? typeOf(v)}`);
      return null;
    }
    return v;
  }

  /** Rejects fields not in `known`. */
  onlyKnown(obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) if (!known.includes(k)) this.list.push(`body: unknown field "${k}" (known: ${known.join(", ")})`);
  }

  /** An array of flat records: each an object of strings, numbers, booleans or nulls. */
  records(obj: Record<string, unknown>, field: string, max: number): Record<string, Cell>[] {
    const v = obj[field];
    if (!Array.isArray(v)) {
      this.list.push(`body: field "${field}" must be an array of objects, got ${typeOf(v)}`);
      return [];
    }
    if (v.length === 0) this.list.push(`body: field "${field}" is empty`);
    if (v.length > max) this.list.push(`body: field "${field}" has ${v.length} entries, at most ${max} allowed`);
    const out: Record<string, Cell>[] = [];
    v.forEach((rec: unknown, i) => {
      if (typeof rec !== "object" || rec === null || Array.isArray(rec)) {
        this.list.push(`body: ${field}[${i}] must be an object, got ${typeOf(rec)}`);
        return;
      }
      for (const [k, x] of Object.entries(rec)) {
        if (x !== null && typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean") this.list.push(`body: ${field}[${i}].${k} must be a string, number, boolean or null, got ${typeOf(x)}`);
      }
      out.push(rec as Record<string, Cell>);
    });
    return out;
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

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

/** Throws every collected problem as one BadOptionError (HTTP 400). */
export function check(p: Problems): void {
  if (p.list.length > 0) throw new BadOptionError(p.list);
}
