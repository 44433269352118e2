/**
 * What the review queue reads from an item's history (reviews.ts): its live label records, each
 * annotator's current label, and why a review is open, in words.
 *
 * @example
 * votesOf(store.itemHistory(3)); // { ana: "spam", bo: "ham" }
 */
import { IMPORT_ANNOTATOR } from "../project/init.js";
import type { HistoryRecord, Review } from "../store/types.js";

/** A probability as a whole percent; 99.5% up to (not including) 1 keeps a decimal, so it never reads 100%. */
function percent(p: number): string {
  if (p >= 0.995 && p < 1) return `${Math.min(99.9, Math.floor(p * 1000 + 1e-9) / 10)}%`;
  return `${Math.round(p * 100)}%`;
}

/**
 * Why an item is in review, in words (`share`: the spot-check share). A model review reads "the
 * model is 97% sure this is spam (given: ham)": the out-of-fold probability of the label the
 * model gives, and the item's training label when it was flagged.
 */
export function whyOf(r: Pick<Review, "reason" | "details">, share: number): string {
  const d = r.details;
  if (r.reason === "disagreement") {
    const votes = Object.entries(d.votes ?? {}).map(([who, l]) => `${who}: ${l}`);
    return `the annotators disagree and no slot is left (${votes.join(", ")})`;
  }
  if (r.reason === "model") {
    const p = d.probability ?? 0;
    const given = `given: ${d.label ?? "?"}`;
    const label = d.modelLabel ?? "another label";
    return p >= 0.5 ? `the model is ${percent(p)} sure this is ${label} (${given})` : `the model thinks this is most likely ${label} (${percent(p)}; ${given})`;
  }
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

