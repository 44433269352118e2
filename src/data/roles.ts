/**
 * Column roles, never guessed silently: the role of every column of a table (label, id, text,
 * numeric, categorical, ignored) and the checks that warn when a feature column
 *  - looks like the answer: its values are all label names, or a one-feature rule (value → label,
 *    or one threshold) predicts the known labels almost perfectly, far above always guessing the
 *    most common label. Such a column is left out (of the model and the labeling page) unless
 *    the user keeps it with `--keep`;
 *  - looks like an id: a different value on every row (text, or whole numbers in order);
 *  - looks like free text: long, mostly distinct strings one-hot encoded as categories.
 * Shared by `init` (seed labels) and `simulate --data` (ground truth). The checks read a
 * {@link ColumnProfile} of each column (counts, distinct values, the labeled rows' keys), made
 * from a whole column (simulate) or gathered row by row while init streams a file.
 *
 * @example
 * const findings = assessColumns(ds.columns, { labels: ds.labels, labelSet: ["spam", "ham"], labelsFrom: "--labels" });
 * findings.filter((f) => f.dropped).map((f) => f.column); // ["score"]
 */
import type { Column } from "./types.js";

export type ColumnRole = "label" | "id" | "text" | "numeric" | "categorical" | "ignored" | "gold" | "image" | "series";

/** What a check found about one feature column. */
export interface ColumnFinding {
  readonly column: string;
  /** leak: predicts the labels; label-values: holds only label names; id-like; free-text. */
  readonly kind: "leak" | "label-values" | "id-like" | "free-text";
  /** The warning, naming the column, the evidence and the fix. */
  readonly message: string;
  /** True when the column is left out (the user did not --keep it). */
  readonly dropped: boolean;
  /** The best one-feature rule's score on the known labels, when there were enough of them. */
  readonly rule?: { readonly correct: number; readonly n: number; readonly majority: number };
}

export interface AssessOptions {
  /** Known label of each row (seed labels at init, ground truth in simulate); null = unknown. */
  readonly labels: readonly (string | null)[] | null;
  /** The label names (`--labels`, or the label column's values). */
  readonly labelSet: readonly string[];
  /** How the label names were given, for messages: "--labels" or `the label column "y"`. */
  readonly labelsFrom: string;
  /** Columns the user keeps even when they look like the answer. */
  readonly keep?: ReadonlySet<string>;
  /** Whether a --text column is named already (then free text can only be --ignore'd). */
  readonly textTaken?: boolean;
  /** Word for the known labels in messages (default "labeled rows"). */
  readonly labeledWord?: string;
}

/** Fewest known labels on which a value → label rule is judged (a threshold rule needs twice this). */
export const MIN_RULE_ROWS = 10;
/** Most known labels a rule is checked on (an even spread of rows beyond). */
export const MAX_RULE_ROWS = 20_000;

/** Cell text as the label check sees it (numbers in their shortest spelling). */
function keyOf(col: Column, r: number): string | null {
  if (col.kind === "numeric") {
    const x = col.values[r];
    return Number.isNaN(x) ? null : String(x);
  }
  const v = col.values[r];
  return v === null ? null : v.trim();
}

interface RuleResult {
  readonly correct: number;
  readonly n: number;
  /** Rows of the most common label. */
  readonly majority: number;
  readonly majorityLabel: string;
  /** "one label per value of score" or "score ≤ 3.5 → spam, else ham". */
  readonly rule: string;
}

const argmax = (counts: ArrayLike<number>): number => {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > counts[best]) best = c;
  return best;
};

/**
 * Leave-one-out accuracy of "the most common label among the other rows with the same value"
 * (rows whose value no other row shares get the most common label overall), so a column with a
 * different value on every row earns nothing.
 */
function valueRule(keys: readonly string[], y: Int32Array, k: number): number {
  const byValue = new Map<string, Int32Array>();
  const total = new Int32Array(k);
  for (let i = 0; i < keys.length; i++) {
    let c = byValue.get(keys[i]);
    if (c === undefined) byValue.set(keys[i], (c = new Int32Array(k)));
    c[y[i]]++;
    total[y[i]]++;
  }
  let correct = 0;
  for (let i = 0; i < keys.length; i++) {
    const c = byValue.get(keys[i]) as Int32Array;
    c[y[i]]--;
    let others = 0;
    for (let j = 0; j < k; j++) others += c[j];
    let guess: number;
    if (others > 0) guess = argmax(c);
    else {
      total[y[i]]--;
      guess = argmax(total);
      total[y[i]]++;
    }
    c[y[i]]++;
    if (guess === y[i]) correct++;
  }
  return correct;
}

/** Best accuracy of one threshold (each side its most common label; missing values a group of their own). */
function thresholdRule(x: Float64Array, y: Int32Array, k: number): { correct: number; at: number; low: number; high: number } {
  const order = Array.from({ length: x.length }, (_, i) => i).filter((i) => !Number.isNaN(x[i]));
  order.sort((a, b) => x[a] - x[b]);
  const missing = new Int32Array(k);
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) missing[y[i]]++;
  const fromMissing = missing[argmax(missing)];
  const left = new Int32Array(k);
  const right = new Int32Array(k);
  for (const i of order) right[y[i]]++;
  let best = { correct: right[argmax(right)] + fromMissing, at: Infinity, low: argmax(right), high: argmax(right) };
  for (let t = 0; t < order.length - 1; t++) {
    const i = order[t];
    left[y[i]]++;
    right[y[i]]--;
    if (x[order[t + 1]] === x[i]) continue;
    const l = argmax(left);
    const h = argmax(right);
    const correct = left[l] + right[h] + fromMissing;
    if (correct > best.correct) best = { correct, at: (x[i] + x[order[t + 1]]) / 2, low: l, high: h };
  }
  return best;
}

/**
 * The rows a rule is judged on: all of them up to {@link MAX_RULE_ROWS}, else an even spread.
 * (A sampled profile may hold up to twice as many; this picks among them the same way.)
 */
function rulePicks(n: number): number[] {
  return n <= MAX_RULE_ROWS ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: MAX_RULE_ROWS }, (_, i) => Math.floor((i * n) / MAX_RULE_ROWS));
}

/** The best one-feature rule on the rows with a known label, or undefined with too few of them. */
function bestRule(name: string, sample: RuleSample): RuleResult | undefined {
  if (sample.labels.length < MIN_RULE_ROWS) return undefined;
  const picked = rulePicks(sample.labels.length);
  const names: string[] = [];
  const code = new Map<string, number>();
  const y = new Int32Array(picked.length);
  picked.forEach((r, i) => {
    const l = sample.labels[r];
    let c = code.get(l);
    if (c === undefined) {
      c = names.length;
      code.set(l, c);
      names.push(l);
    }
    y[i] = c;
  });
  const k = names.length;
  const counts = new Int32Array(k);
  for (const c of y) counts[c]++;
  const maj = argmax(counts);
  const base = { n: picked.length, majority: counts[maj], majorityLabel: names[maj] };
  const keys = picked.map((r) => sample.keys[r] ?? "\u0000missing");
  let result: RuleResult = { ...base, correct: valueRule(keys, y, k), rule: `one label per value of ${name} (leave-one-out)` };
  const values = sample.values;
  if (values !== null && picked.length >= 2 * MIN_RULE_ROWS) {
    const x = Float64Array.from(picked, (r) => values[r]);
    const t = thresholdRule(x, y, k);
    if (t.correct > result.correct && Number.isFinite(t.at)) {
      result = { ...base, correct: t.correct, rule: `${name} ≤ ${+t.at.toPrecision(6)} → "${names[t.low]}", else "${names[t.high]}"` };
    }
  }
  return result;
}

/** The rows with a known label of one column: their keys, numeric values (numeric columns) and labels. */
export interface RuleSample {
  readonly keys: readonly (string | null)[];
  readonly values: Float64Array | null;
  readonly labels: readonly string[];
}

/**
 * What the checks need to know about a column, gathered from the whole column at once
 * ({@link profileColumn}) or row by row while a file streams by (project/column-scan.ts).
 */
export interface ColumnProfile {
  readonly name: string;
  readonly kind: Column["kind"];
  readonly rows: number;
  readonly missing: number;
  /** Distinct non-missing keys (numbers in their shortest spelling); a lower bound when `distinctCapped`. */
  readonly distinct: number;
  /** True when there were more distinct keys than were counted (then `keys` holds only some). */
  readonly distinctCapped: boolean;
  /** The distinct keys in order of first appearance (all of them unless capped). */
  readonly keys: Iterable<string>;
  /** A different value on every row, none missing. */
  readonly unique: boolean;
  /** Sum of the keys' lengths and of the whitespace runs inside them (the free-text check). */
  readonly chars: number;
  readonly spaces: number;
  /** Numeric columns: all values whole numbers, strictly increasing, strictly decreasing, their range. */
  readonly numeric?: { readonly whole: boolean; readonly up: boolean; readonly down: boolean; readonly lo: number; readonly hi: number };
  /** The rows with a known label (the rule check reads at most {@link MAX_RULE_ROWS}). */
  readonly sample: RuleSample;
}

/** Whitespace runs inside a trimmed key (what the free-text check counts as word gaps). */
export function spacesIn(key: string): number {
  return key.split(/\s+/).length - 1;
}

/** The profile of a whole column (labels: known label of each row, or null). */
export function profileColumn(col: Column, labels: readonly (string | null)[] | null): ColumnProfile {
  const rows = col.values.length;
  const distinct = new Set<string>();
  let nonMissing = 0;
  let chars = 0;
  let spaces = 0;
  for (let r = 0; r < rows; r++) {
    const key = keyOf(col, r);
    if (key === null) continue;
    nonMissing++;
    distinct.add(key);
    if (col.kind === "categorical") {
      chars += key.length;
      spaces += spacesIn(key);
    }
  }
  let numeric: ColumnProfile["numeric"];
  if (col.kind === "numeric") {
    const v = col.values;
    let whole = true;
    let up = true;
    let down = true;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < rows; r++) {
      if (!Number.isInteger(v[r])) whole = false;
      if (r > 0 && v[r] <= v[r - 1]) up = false;
      if (r > 0 && v[r] >= v[r - 1]) down = false;
      lo = Math.min(lo, v[r]);
      hi = Math.max(hi, v[r]);
    }
    numeric = { whole, up, down, lo, hi };
  }
  const labeled: number[] = [];
  if (labels !== null) for (let r = 0; r < labels.length; r++) if (labels[r] !== null) labeled.push(r);
  const sample: RuleSample = {
    keys: labeled.map((r) => keyOf(col, r)),
    values: col.kind === "numeric" ? Float64Array.from(labeled, (r) => col.values[r]) : null,
    labels: labeled.map((r) => labels?.[r] as string),
  };
  return { name: col.name, kind: col.kind, rows, missing: rows - nonMissing, distinct: distinct.size, distinctCapped: false, keys: distinct, unique: nonMissing === rows && distinct.size === rows, chars, spaces, ...(numeric === undefined ? {} : { numeric }), sample };
}

/**
 * Whether a rule predicts "far better than chance": almost no errors (at most 2%) and at least
 * half of the way from always guessing the most common label to perfect, by at least 5 rows.
 */
export function isLeakRule(r: { correct: number; n: number; majority: number }): boolean {
  const errors = r.n - r.correct;
  const gain = r.correct - r.majority;
  return errors <= Math.floor(0.02 * r.n) && gain >= Math.max(5, Math.ceil(0.5 * (r.n - r.majority)));
}

const pct = (a: number, n: number): string => `${((100 * a) / n).toFixed(n >= 1000 ? 1 : 0)}%`;

/** Checks every feature column; see the module comment. Columns in file order. */
export function assessColumns(columns: readonly Column[], o: AssessOptions): ColumnFinding[] {
  return assessProfiles(
    columns.filter((c) => c.kind !== "text").map((c) => profileColumn(c, o.labels)),
    o,
  );
}

/** {@link assessColumns} on profiles (`o.labels` is not read: each profile has its sample). */
export function assessProfiles(profiles: readonly ColumnProfile[], o: AssessOptions): ColumnFinding[] {
  const out: ColumnFinding[] = [];
  const labelSet = new Set(o.labelSet);
  const word = o.labeledWord ?? "labeled rows";
  for (const col of profiles) {
    if (col.kind === "text") continue;
    const name = col.name;
    const rows = col.rows;
    const nonMissing = rows - col.missing;
    const distinct = [...col.keys];
    const kept = o.keep?.has(name) === true;
    const leftOut = kept ? `kept because of --keep ${name}` : `left out of the model and the labeling page (--keep ${name} to use it anyway)`;

    // (a) the answer
    const rule = o.labels === null ? undefined : bestRule(name, col.sample);
    const allLabels = !col.distinctCapped && col.distinct >= 2 && distinct.every((v) => labelSet.has(v));
    if (rule !== undefined && isLeakRule(rule)) {
      out.push({
        column: name,
        kind: "leak",
        dropped: !kept,
        rule: { correct: rule.correct, n: rule.n, majority: rule.majority },
        message:
          `column "${name}" looks like the answer: the one-feature rule ${rule.rule} gets ${rule.correct} of ${rule.n} ${word} right (${pct(rule.correct, rule.n)}), ` +
          `against ${pct(rule.majority, rule.n)} for always "${rule.majorityLabel}"; ${leftOut}`,
      });
      continue;
    }
    if (allLabels) {
      const shown = distinct.slice(0, 5).map((v) => `"${v}"`).join(", ");
      if (rule === undefined) {
        out.push({
          column: name,
          kind: "leak",
          dropped: !kept,
          message: `column "${name}" looks like the answer: every value (${shown}${col.distinct > 5 ? ", ..." : ""}) is one of ${o.labelsFrom}; ${leftOut}`,
        });
      } else {
        out.push({
          column: name,
          kind: "label-values",
          dropped: false,
          rule: { correct: rule.correct, n: rule.n, majority: rule.majority },
          message:
            `column "${name}" holds only label names (${shown}${col.distinct > 5 ? ", ..." : ""}), but predicts the ${rule.n} ${word} no better than ${pct(rule.correct, rule.n)} ` +
            `(${pct(rule.majority, rule.n)} for always "${rule.majorityLabel}"); kept as a feature (--ignore ${name} to leave it out)`,
        });
      }
      continue;
    }
    if (col.kind !== "categorical" && col.kind !== "numeric") continue;
    const unique = col.unique && rows >= MIN_RULE_ROWS;

    // (c) free text one-hot encoded
    if (col.kind === "categorical" && nonMissing >= MIN_RULE_ROWS && col.distinct >= 0.5 * nonMissing) {
      if (col.chars / nonMissing >= 20 && col.spaces / nonMissing >= 2) {
        const fix = o.textTaken === true ? `--ignore ${name} (only one --text column is supported)` : `--text ${name} for word features, or --ignore ${name}`;
        out.push({
          column: name,
          kind: "free-text",
          dropped: false,
          message: `column "${name}" looks like free text (${col.distinct} different values in ${nonMissing} rows, ${(col.chars / nonMissing).toFixed(0)} characters on average) but is one-hot encoded as a category; give ${fix}`,
        });
        continue;
      }
    }
    // (b) an id
    if (unique) {
      let idLike = col.kind === "categorical";
      if (col.kind === "numeric" && col.numeric !== undefined) {
        const { whole, up, down, lo, hi } = col.numeric;
        idLike = whole && (up || down || hi - lo + 1 === rows);
      }
      if (idLike) {
        out.push({
          column: name,
          kind: "id-like",
          dropped: false,
          message: `column "${name}" looks like an id (a different value on each of the ${rows} rows${col.kind === "numeric" ? ", whole numbers in sequence" : ""}): as a feature it only memorises rows; give --id ${name}, or --ignore ${name}`,
        });
      }
    }
  }
  return out;
}

/** One line of the roles table. */
export interface RoleRow {
  readonly column: string;
  readonly role: ColumnRole;
  /** Different non-missing values, when known. */
  readonly distinct: number | null;
  /** True when `distinct` is only a lower bound (more distinct values than were counted). */
  readonly distinctAtLeast?: boolean;
  readonly missing: number | null;
  readonly note: string;
}

export interface RoleSpec {
  readonly label?: string | null;
  readonly id?: string | null;
  /** The column of known answers (`init --gold`): its rows are gold items, the column itself no feature. */
  readonly gold?: string | null;
  /** The column of image paths (`--image`) and of series (`--series`): features computed from them, the columns themselves no features. */
  readonly image?: string | null;
  readonly series?: string | null;
  readonly ignore?: readonly string[];
  /** Notes by column (e.g. "40 seed labels" for the label column). */
  readonly notes?: Readonly<Record<string, string>>;
}

/**
 * The role of every column of `header`, in file order. `columns` are the feature columns as
 * typed (dropped ones included); `findings` from {@link assessColumns} add their verdict.
 */
export function roleRows(header: readonly string[], columns: readonly (Column | ColumnProfile)[], spec: RoleSpec, findings: readonly ColumnFinding[]): RoleRow[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const ignored = new Set(spec.ignore ?? []);
  return header.map((name): RoleRow => {
    const note = spec.notes?.[name];
    const col = byName.get(name);
    const found = findings.filter((f) => f.column === name);
    const stats = col === undefined ? { distinct: null, missing: null } : "values" in col ? { distinct: distinctCount(col), missing: col.missing } : { distinct: col.distinct, missing: col.missing, ...(col.distinctCapped ? { distinctAtLeast: true } : {}) };
    const withNote = (role: ColumnRole, text: string): RoleRow => ({ column: name, role, ...stats, note: [text, note].filter((t) => t !== undefined && t !== "").join("; ") });
    if (name === spec.label) return withNote("label", "");
    if (name === spec.id) return withNote("id", "");
    if (name === spec.gold) return withNote("gold", "");
    if (name === spec.image) return withNote("image", "");
    if (name === spec.series) return withNote("series", "");
    if (ignored.has(name)) return withNote("ignored", "--ignore");
    if (col === undefined) return withNote("ignored", "");
    const dropped = found.find((f) => f.dropped);
    if (dropped !== undefined) return withNote("ignored", "looks like the answer (--keep to use it)");
    const warn = found.map((f) => (f.kind === "leak" ? "looks like the answer, kept (--keep)" : f.kind === "label-values" ? "only label names" : f.kind === "id-like" ? "looks like an id" : "looks like free text"));
    return withNote(col.kind, warn.join("; "));
  });
}

function distinctCount(col: Column): number {
  const seen = new Set<string>();
  for (let r = 0; r < col.values.length; r++) {
    const k = keyOf(col, r);
    if (k !== null) seen.add(k);
  }
  return seen.size;
}
