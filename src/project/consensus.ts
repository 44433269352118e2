/**
 * The final labels of a project with overlap, read from the store: for each item some annotator
 * labeled, the majority of its annotators' current labels (the latest of each), or a dispute
 * when they tie. Exports and `train` take an item's label from here; the served project keeps
 * the same figures in memory (server/overlap.ts). Seed labels (the import) count only while no
 * annotator has labeled the item. A reviewer's decision (a record of kind "review") is the final
 * label while it is the item's latest label record. Without overlap an item's label is its
 * latest one, as before (a review decision, being the latest, among them).
 *
 * @example
 * const final = consensusLabels(store); // null without overlap
 * final?.get(3); // { label: "spam", disputed: false, annotators: ["ana", "bo"], at: 1733130000000 }
 */
import type { Store } from "../store/types.js";
import { IMPORT_ANNOTATOR } from "./init.js";

export interface FinalLabel {
  /** The consensus label, null when the item is in dispute. */
  readonly label: string | null;
  readonly disputed: boolean;
  /** Who gave the consensus label (every annotator of the item when disputed; the reviewer for a review decision). */
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
  if ((store.meta().overlap ?? null) === null) return null;
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
  const out = new Map<number, FinalLabel>();
  for (const [idx, d] of decided) out.set(idx, { label: d.label, disputed: false, annotators: [d.reviewer], at: d.at });
  for (const [idx, v] of votes) {
    if (decided.has(idx)) continue;
    const label = majorityLabel(new Map([...v].map(([who, x]) => [who, x.label])));
    const by = [...v].filter(([, x]) => label === null || x.label === label);
    out.set(idx, { label, disputed: label === null, annotators: by.map(([who]) => who).sort(), at: Math.max(...by.map(([, x]) => x.at)) });
  }
  return out;
}
