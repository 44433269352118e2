/**
 * The one error hierarchy of activelearn. Every error carries a literal `code`, so callers
 * (the CLI, the HTTP layer) map codes to exit statuses and HTTP statuses in one place.
 *
 * @example
 * try { loadCsv("x.csv") } catch (e) { if (e instanceof ActiveLearnError && e.code === "BAD_INPUT") ... }
 */
export type ErrorCode =
  | "BAD_INPUT"
  | "BAD_OPTION"
  | "EMPTY_POOL"
  | "NOT_FITTED"
  | "SHAPE_MISMATCH"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_LARGE"
  | "NOT_ALLOWED"
  | "TOO_MANY_LEASES"
  | "TOO_MANY_ATTEMPTS"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "MISDIRECTED"
  | "MODEL_BACKEND";

/** Where in an input a problem sits; every field optional, filled as far as it is known. */
export interface InputLocation {
  readonly file?: string;
  /** 1-based data row (the header is row 0 for CSV; for JSONL, the 1-based line). */
  readonly row?: number;
  readonly column?: string;
  readonly field?: string;
  readonly option?: string;
}

export class ActiveLearnError extends Error {
  readonly code: ErrorCode;
  readonly location: InputLocation;
  constructor(code: ErrorCode, message: string, location: InputLocation = {}) {
    super(message);
    this.name = "ActiveLearnError";
    this.code = code;
    this.location = location;
  }
}

/** Formats a location as `file, row 12, column "age"` (only the parts that are known). */
export function formatLocation(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.column !== undefined) parts.push(`column "${loc.column}"`);
  if (loc.field !== undefined) parts.push(`field "${loc.field}"`);
  if (loc.option !== undefined) parts.push(`option --${loc.option}`);
  return parts.join(", ");
}

/** Bad user input (files, rows, columns, fields); the message names where. */
export class BadInputError extends ActiveLearnError {
  constructor(message: string, location: InputLocation = {}) {
    const where = formatLocation(location);
    super("BAD_INPUT", where ? `${where}: ${message}` : message, location);
    this.name = "BadInputError";
  }
}

/** A bad command-line or API option; `problems` lists every problem found, not only the first. */
export class BadOptionError extends ActiveLearnError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], option?: string) {
    super("BAD_OPTION", problems.join("\n"), option === undefined ? {} : { option });
    this.name = "BadOptionError";
    this.problems = problems;
  }
}

/** A model was used before `fit`. */
export class NotFittedError extends ActiveLearnError {
  constructor(what: string) {
    super("NOT_FITTED", `${what} is not fitted: call fit() first`);
    this.name = "NotFittedError";
  }
}

/** Array or matrix shapes disagree. */
export class ShapeMismatchError extends ActiveLearnError {
  constructor(message: string) {
    super("SHAPE_MISMATCH", message);
    this.name = "ShapeMismatchError";
  }
}

/** A query was asked of a pool with nothing left to label. */
export class EmptyPoolError extends ActiveLearnError {
  constructor(message = "the unlabeled pool is empty") {
    super("EMPTY_POOL", message);
    this.name = "EmptyPoolError";
  }
}

/** Something named (an item, a project, an annotation) does not exist. */
export class NotFoundError extends ActiveLearnError {
  constructor(message: string) {
    super("NOT_FOUND", message);
    this.name = "NotFoundError";
  }
}

/** The request clashes with the current state (an item leased to someone else). */
export class ConflictError extends ActiveLearnError {
  constructor(message: string) {
    super("CONFLICT", message);
    this.name = "ConflictError";
  }
}

/** Every slot a project may lease at once is leased: try again later (HTTP 429). */
export class TooManyLeasesError extends ActiveLearnError {
  constructor(message: string) {
    super("TOO_MANY_LEASES", message);
    this.name = "TooManyLeasesError";
  }
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The name (column, strategy, option) the user probably meant by `name`: the same up to case,
 * quotes, spaces, "-" and "_", else (names of 3 or more characters) the one nearest by edit
 * distance if that is at most 2 (1 for names of up to 4); undefined when nothing is close or two
 * names are equally close.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/["'`\s_-]+/g, "");
  const same = known.filter((h) => norm(h) === norm(name));
  if (same.length > 0) return same.length === 1 ? same[0] : undefined;
  if (norm(name).length < 3) return undefined;
  const limit = norm(name).length <= 4 ? 1 : 2;
  const scored = known.map((h) => ({ h, d: editDistance(norm(name), norm(h)) })).filter((c) => c.d <= limit);
  if (scored.length === 0) return undefined;
  const best = Math.min(...scored.map((c) => c.d));
  const at = scored.filter((c) => c.d === best);
  return at.length === 1 ? at[0].h : undefined;
}

/** " (did you mean \"x\"?)" when a known name is close to `name`, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  const guess = closestName(name, known);
  return guess === undefined ? "" : ` (did you mean "${guess}"?)`;
}
