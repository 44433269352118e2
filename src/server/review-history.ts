/**
 * What the review queue reads from an item's history (reviews.ts): its live label records, each
 * annotator's current label, and why a review is open, in words.
 *
 * @example
 * votesOf(store.itemHistory(3)); // { ana: "spam", bo: "ham" }
 */
import { IMPORT_ANNOTATOR } from "../project/init.js";
import type { HistoryRecord, Review } from "../store/types.js";

/** Why an item is in review, in words (`share`: the spot-check share). */
export function whyOf(r: Pick<Review, "reason" | "details">, share: number): string {
  const d = r.details;
  if (r.reason === "disagreement") {
    const votes = Object.entries(d.votes ?? {}).map(([who, l]) => `${who}: ${l}`);
    return `the annotators disagree and no slot is left (${votes.join(", ")})`;
  }
  if (r.reason === "model") return `the model gives ${d.modelLabel ?? "another label"} at ${Math.round((d.probability ?? 0) * 1000) / 10}% out-of-sample, against the label ${d.label ?? "?"}`;
  return `spot check: ${Math.round(share * 1000) / 10}% of single-labeled items are reviewed, chosen at random`;
}

/** The live (not undone) label records of an item's history, oldest first. */
export function liveLabels(history: readonly HistoryRecord[]): HistoryRecord[] {
  const undone = new Set(history.filter((r) => r.kind === "undo" && r.undoes !== null).map((r) => r.undoes));
  return history.filter((r) => r.kind !== "undo" && r.kind !== "skip" && r.kind !== "unskip" && !undone.has(r.id));
}

/** Each annotator's current label (their latest live label record), without the import and review decisions. */
export function votesOf(history: readonly HistoryRecord[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of liveLabels(history)) if (r.kind !== "review" && r.kind !== "import" && r.annotator !== IMPORT_ANNOTATOR && r.label !== null) out[r.annotator] = r.label;
  return out;
}

