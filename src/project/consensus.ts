/**
 * The final labels of a project with overlap, read from the store: for each item some annotator
 * labeled, the consensus of its annotators' current labels (the latest of each) under the
 * project's consensus method (majority, or Dawid-Skene fitted on the current votes; one rule for
 * both: quality/vote-consensus.ts), or a dispute (a tie, a posterior too uncertain). Exports and
 * `train` take an item's label from here; the served project keeps the same figures in memory
 * (server/overlap.ts). Seed labels (the import) count only while no
 * annotator has labeled the item. A reviewer's decision (a record of kind "review") is the final
 * label while it is the item's latest label record. Without overlap an item's label is its
 * latest one, as before (a review decision, being the latest, among them).
 *
 * @example
 * const final = consensusLabels(store); // null without overlap
 * final?.get(3); // { label: "spam", disputed: false, annotators: ["ana", "bo"], at: 1733130000000 }
 */
import { fitVotes } from "../quality/vote-consensus.js";
import type { Store } from "../store/types.js";
import { DEFAULT_CONSENSUS } from "./consensus-settings.js";
import { IMPORT_ANNOTATOR } from "./init.js";

export interface FinalLabel {
  /** The consensus label, null when the item is in dispute. */
  readonly label: string | null;
  readonly disputed: boolean;
  /** Who gave the consensus label (every annotator of the item when disputed or when none gave it; the reviewer for a review decision). */
  readonly annotators: readonly string[];
  /** When the latest of those labels was given. */
  readonly at: number;
}

/** The majority label of `votes` (annotator -> label), or null when the top labels tie. */
export function majorityLabel(votes: ReadonlyMap<string, string>): string | null {
  const count = new Map<string, number>();
  for (const l of votes.values()) count.set(l, (count.get(l) ?? 0) + 1);
  const ranked = [...count.entries()].sort((a, b) => b[1] - a[1]);
  return ranked.length === 0 || (ranked.length > 1 && ranked[1][1] === ranked[0][1]) ? null : ranked[0][0];
}

/** Each annotator-labeled item's final label (pool index -> label); null when the project has no overlap. */
export function consensusLabels(store: Store): Map<number, FinalLabel> | null {
  const meta = store.meta();
  if ((meta.overlap ?? null) === null) return null;
  const votes = new Map<number, Map<string, { label: string; at: number }>>();
  /** Items whose latest label record is a review decision. */
  const decided = new Map<number, { label: string; reviewer: string; at: number }>();
  for (const a of store.annotations()) {
    if (a.annotator === IMPORT_ANNOTATOR) continue;
    if (a.kind === "review") {
      decided.set(a.itemIdx, { label: a.label, reviewer: a.annotator, at: a.createdAt });
      continue;
    }
    decided.delete(a.itemIdx);
    let v = votes.get(a.itemIdx);
    if (v === undefined) votes.set(a.itemIdx, (v = new Map<string, { label: string; at: number }>()));
    v.set(a.annotator, { label: a.label, at: a.createdAt });
  }
  // Class indices: the project's labels, then any other label found (kept, as before, out of nobody's way).
  const classes = [...meta.labels];
  const classOf = new Map(classes.map((l, c) => [l, c]));
  const indexOf = (l: string): number => {
    let c = classOf.get(l);
    if (c === undefined) classOf.set(l, (c = classes.push(l) - 1));
    return c;
  };
  const classVotes = new Map<number, Map<string, number>>();
  for (const [idx, v] of votes) if (!decided.has(idx)) classVotes.set(idx, new Map([...v].map(([who, x]) => [who, indexOf(x.label)])));
  const fit = fitVotes(classVotes, classes.length, meta.consensus ?? DEFAULT_CONSENSUS);
  const out = new Map<number, FinalLabel>();
  for (const [idx, d] of decided) out.set(idx, { label: d.label, disputed: false, annotators: [d.reviewer], at: d.at });
  for (const [idx, v] of votes) {
    if (decided.has(idx)) continue;
    const c = fit.decide(classVotes.get(idx) ?? new Map<string, number>());
    const label = c === -1 ? null : classes[c];
    // Who gave it (Dawid-Skene may pick a label none of them gave: then all of them).
    const gave = [...v].filter(([, x]) => x.label === label);
    const by = label === null || gave.length === 0 ? [...v] : gave;
    out.set(idx, { label, disputed: label === null, annotators: by.map(([who]) => who).sort(), at: Math.max(...by.map(([, x]) => x.at)) });
  }
  return out;
}
