/**
 * Gold item settings of a project (`init --gold COL --gold-rate F --gold-threshold A`), kept in
 * the project meta: the column the known answers came from, the share of served items that are
 * gold items, and the accuracy below which an annotator is flagged to admins (interval-aware:
 * flagged when the upper bound of their 95% interval is below it). Admins may change rate and
 * threshold while serving (PATCH /api/settings).
 *
 * @example
 * goldSettingProblems({ gold: "answer", goldRate: 2 }); // ["--gold-rate must be ..."]
 * goldSettings({ gold: "answer" }); // { column: "answer", rate: 0.05, threshold: 0.8 }
 */

import { BadInputError } from "../errors.js";

/** The stored settings (ProjectMeta.gold; absent or null = no gold items). */
export interface GoldSettings {
  /** The column of the file the known answers came from (never part of any item's data). */
  readonly column: string;
  /** Share of served items that are gold items, 0..1. */
  readonly rate: number;
  /** Accuracy below which an annotator is flagged (their interval's upper bound under it), 0..1. */
  readonly threshold: number;
}

export const DEFAULT_GOLD_RATE = 0.05;
export const DEFAULT_GOLD_THRESHOLD = 0.8;

/** The options as `init` takes them (each optional). */
export interface GoldOptions {
  readonly gold?: string;
  readonly goldRate?: number;
  readonly goldThreshold?: number;
}

/** What the rate and threshold are called where they were given: init's flags or the admin API's fields. */
export interface GoldOptionNames {
  readonly goldRate: string;
  readonly goldThreshold: string;
}

export const GOLD_INIT_FLAGS: GoldOptionNames = { goldRate: "--gold-rate", goldThreshold: "--gold-threshold" };

/** Problems with a rate and a threshold, each naming its flag or field. */
export function goldValueProblems(rate: number | undefined, threshold: number | undefined, names: GoldOptionNames): string[] {
  const out: string[] = [];
  if (rate !== undefined && !(typeof rate === "number" && rate >= 0 && rate <= 1)) out.push(`${names.goldRate} must be a proportion from 0 (no gold items served) to 1, got ${String(rate)}`);
  if (threshold !== undefined && !(typeof threshold === "number" && threshold >= 0 && threshold <= 1)) out.push(`${names.goldThreshold} must be an accuracy from 0 to 1 (e.g. 0.8), got ${String(threshold)}`);
  return out;
}

/** Every problem with init's gold options (empty when they are fine). */
export function goldSettingProblems(o: GoldOptions): string[] {
  const out = goldValueProblems(o.goldRate, o.goldThreshold, GOLD_INIT_FLAGS);
  if (o.gold === undefined) {
    if (o.goldRate !== undefined) out.push("--gold-rate needs --gold: the column of known answers");
    if (o.goldThreshold !== undefined) out.push("--gold-threshold needs --gold: the column of known answers");
  } else if (o.gold.trim() === "") out.push("--gold needs a column name");
  return out;
}

/** The settings to store (null without --gold; check {@link goldSettingProblems} first). */
export function goldSettings(o: GoldOptions): GoldSettings | null {
  if (o.gold === undefined) return null;
  return { column: o.gold, rate: o.goldRate ?? DEFAULT_GOLD_RATE, threshold: o.goldThreshold ?? DEFAULT_GOLD_THRESHOLD };
}

/**
 * The known answer in a row's gold cell (trimmed), which must be one of the project's labels.
 * @throws BadInputError naming file, row and column otherwise
 */
export function goldLabelOf(value: string, labels: readonly string[], file: string, row: number, column: string): string {
  if (labels.includes(value)) return value;
  throw new BadInputError(`gold answer "${value}" is not one of the project's labels (${labels.map((l) => `"${l}"`).join(", ")})`, { file, row, column });
}
