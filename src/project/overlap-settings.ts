/**
 * Overlap settings of a project (`init --overlap N --overlap-share F --overlap-on random|uncertain
 * --adaptive-overlap MAX`), kept in the project meta (no schema change): how many distinct
 * annotators label an overlapping item, which share of the served items overlap, how those are
 * chosen, and up to how many annotators a disagreement may bring in.
 *
 * @example
 * overlapSettingProblems({ overlap: 2, overlapShare: 1.5 }); // ["--overlap-share must be ..."]
 * overlapSettings({ overlap: 2 }); // { annotators: 2, share: 1, on: "random", adaptiveMax: 2 }
 */

/** How overlapping items are chosen: uniformly at random, or where the model is least sure. */
export type OverlapOn = "random" | "uncertain";

export const OVERLAP_ON: readonly OverlapOn[] = ["random", "uncertain"];

/** Most annotators one item may be given to (by --overlap or --adaptive-overlap). */
export const MAX_OVERLAP = 20;

/** The stored settings (ProjectMeta.overlap; absent or null = no overlap). */
export interface OverlapSettings {
  /** Distinct annotators an overlapping item goes to (>= 2). */
  readonly annotators: number;
  /** Share of served items that overlap, 0..1. */
  readonly share: number;
  readonly on: OverlapOn;
  /** Annotators an item whose labels disagree may get at most (>= annotators; = annotators: not adaptive). */
  readonly adaptiveMax: number;
}

/** The options as `init` takes them (each optional). */
export interface OverlapOptions {
  readonly overlap?: number;
  readonly overlapShare?: number;
  readonly overlapOn?: string;
  readonly adaptiveOverlap?: number;
}

/** What each option is called where it was given: init's flags, or the admin API's body fields. */
export interface OverlapOptionNames {
  readonly overlap: string;
  readonly overlapShare: string;
  readonly overlapOn: string;
  readonly adaptiveOverlap: string;
}

export const INIT_FLAGS: OverlapOptionNames = { overlap: "--overlap", overlapShare: "--overlap-share", overlapOn: "--overlap-on", adaptiveOverlap: "--adaptive-overlap" };

/** Every problem with the overlap options, each naming its flag or field (empty when they are fine). */
export function overlapSettingProblems(o: OverlapOptions, names: OverlapOptionNames = INIT_FLAGS): string[] {
  const out: string[] = [];
  const n = o.overlap ?? 1;
  const nOk = Number.isInteger(n) && n >= 1 && n <= MAX_OVERLAP;
  if (!nOk) out.push(`${names.overlap} must be a whole number from 1 (no overlap) to ${MAX_OVERLAP}, got ${o.overlap}`);
  const needsOverlap = (flag: string): void => {
    if (nOk && n < 2) out.push(`${flag} needs ${names.overlap} 2 or more (the annotators an overlapping item goes to)`);
  };
  if (o.overlapShare !== undefined) {
    if (!(o.overlapShare >= 0 && o.overlapShare <= 1)) out.push(`${names.overlapShare} must be a proportion from 0 to 1 (e.g. 0.2), got ${o.overlapShare}`);
    needsOverlap(names.overlapShare);
  }
  if (o.overlapOn !== undefined) {
    if (!(OVERLAP_ON as readonly string[]).includes(o.overlapOn)) out.push(`${names.overlapOn} must be one of ${OVERLAP_ON.join(", ")}, got "${o.overlapOn}"`);
    needsOverlap(names.overlapOn);
  }
  if (o.adaptiveOverlap !== undefined) {
    const m = o.adaptiveOverlap;
    if (!(Number.isInteger(m) && m <= MAX_OVERLAP)) out.push(`${names.adaptiveOverlap} must be a whole number up to ${MAX_OVERLAP}, got ${m}`);
    else if (nOk && m <= n) out.push(`${names.adaptiveOverlap} must be above ${names.overlap} (${n}): the most annotators a disagreement may bring an item to, got ${m}`);
    needsOverlap(names.adaptiveOverlap);
  }
  return out;
}

/**
 * The options that describe `current` settings (null: none), so a partial change can be laid
 * over them: `{ ...optionsOf(current), ...change }`.
 */
export function optionsOf(current: OverlapSettings | null): OverlapOptions {
  if (current === null) return { overlap: 1 };
  return { overlap: current.annotators, overlapShare: current.share, overlapOn: current.on, ...(current.adaptiveMax > current.annotators ? { adaptiveOverlap: current.adaptiveMax } : {}) };
}

/**
 * The settings to store, or null for no overlap (--overlap 1, the default). The share defaults to
 * 1 (every item overlaps), the choice to random, adaptive overlap to off.
 * Call after {@link overlapSettingProblems} found nothing.
 */
export function overlapSettings(o: OverlapOptions): OverlapSettings | null {
  const n = o.overlap ?? 1;
  if (n < 2) return null;
  return { annotators: n, share: o.overlapShare ?? 1, on: (o.overlapOn as OverlapOn | undefined) ?? "random", adaptiveMax: o.adaptiveOverlap ?? n };
}
