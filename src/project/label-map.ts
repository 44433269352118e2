/**
 * `--map`: turning the values of an existing label column into the project's labels, e.g.
 * `"4,5=positive;1,2=negative;3=-"` (entries separated by `;`, values by `,`; `-` leaves those
 * rows unlabeled), and the error for label values that neither --labels nor --map cover.
 *
 * @example
 * parseLabelMap("4,5=positive;1,2=negative;3=-", ["positive", "negative"]).map.get("3"); // null
 */
import { closestName } from "../errors.js";

/** Value → label (null = leave unlabeled). */
export type LabelMap = ReadonlyMap<string, string | null>;

/** The target that leaves rows unlabeled. */
export const UNLABELED = "-";

/**
 * Parses `--map`. Every problem is reported, each naming its entry (1-based) and what is wrong:
 * no `=`, an empty value, a target that is neither a label nor `-`, a value mapped twice.
 */
export function parseLabelMap(text: string, labels: readonly string[]): { map: LabelMap; problems: string[] } {
  const map = new Map<string, string | null>();
  const entryOf = new Map<string, number>();
  const problems: string[] = [];
  const entries = text.split(";");
  if (entries.length > 1 && entries[entries.length - 1].trim() === "") entries.pop(); // a trailing ";"
  entries.forEach((raw, i) => {
    const where = `--map entry ${i + 1} ("${raw.trim()}")`;
    const eq = raw.lastIndexOf("=");
    if (eq < 0) {
      problems.push(`${where} has no "=": write VALUES=LABEL, e.g. "4,5=${labels[0] ?? "label"}", or VALUES=- to leave those rows unlabeled`);
      return;
    }
    const target = raw.slice(eq + 1).trim();
    const values = raw.slice(0, eq).split(",").map((v) => v.trim());
    if (target === "") problems.push(`${where} has no label after "="`);
    else if (target !== UNLABELED && !labels.includes(target)) {
      const guess = closestName(target, labels);
      problems.push(`${where} maps to "${target}", which is not one of --labels (${labels.join(", ")}) nor "-" (leave unlabeled)${guess === undefined ? "" : ` (did you mean "${guess}"?)`}`);
    }
    if (values.some((v) => v === "")) problems.push(`${where} has an empty value before "=" (values are separated by ",")`);
    for (const v of values) {
      if (v === "") continue;
      const first = entryOf.get(v);
      if (first !== undefined) {
        problems.push(`--map maps the value "${v}" twice (entries ${first + 1} and ${i + 1})`);
        continue;
      }
      entryOf.set(v, i);
      map.set(v, target === UNLABELED ? null : target);
    }
  });
  return { map, problems };
}

/** A label value that --labels and --map do not cover: how often, and where first. */
export interface UncoveredValue {
  readonly value: string;
  readonly firstRow: number;
  count: number;
}

/**
 * The message for label values not covered: each with its count and first row, and a --map
 * that fixes the ones that match a label up to case ("did you mean --map "Spam=spam"?").
 */
export function uncoveredMessage(values: readonly UncoveredValue[], labels: readonly string[], given: string | undefined): string {
  const rows = (u: UncoveredValue): string => `${u.count} row${u.count === 1 ? "" : "s"}, first row ${u.firstRow}`;
  const [first, ...rest] = values;
  const shown = rest.slice(0, 9).map((u) => `"${u.value}" (${rows(u)})`);
  const more = rest.length > 9 ? ` and ${rest.length - 9} more` : "";
  let msg = `label "${first.value}" is not one of the project's labels (${labels.join(", ")})${given === undefined ? "" : " and not covered by --map"} (${rows(first)})`;
  if (shown.length > 0) msg += `; nor are ${shown.join(", ")}${more}`;
  const fixes: string[] = [];
  for (const u of values) {
    const same = labels.filter((l) => l.toLowerCase() === u.value.toLowerCase());
    if (same.length === 1) fixes.push(`${u.value}=${same[0]}`);
  }
  const prefix = given === undefined || given.trim() === "" ? "" : `${given.trim().replace(/;$/, "")};`;
  if (fixes.length > 0) msg += `; did you mean --map "${prefix}${fixes.join(";")}"?`;
  if (fixes.length < values.length) msg += ` (--map "VALUE=LABEL" turns a value into a label, "VALUE=-" leaves its rows unlabeled)`;
  return msg;
}
