/**
 * Body and query validation for the API: each reader collects problems instead of throwing, and
 * {@link check} reports them all at once, naming the fields.
 */
import type { Cell } from "../data/jsonl.js";
import { BadOptionError } from "../errors.js";

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

  /** An optional non-negative finite number. */
  optionalDuration(obj: Record<string, unknown>, field: string): number | null {
    const v = obj[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      this.list.push(`body: field "${field}" must be a non-negative number of milliseconds, got ${JSON.stringify(v)}`);
      return null;
    }
    return Math.round(v);
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
}

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

/** Throws every collected problem as one BadOptionError (HTTP 400). */
export function check(p: Problems): void {
  if (p.list.length > 0) throw new BadOptionError(p.list);
}
