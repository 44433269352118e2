/**
 * How a served item is shown: its fields typed as the API gives them (missing values null,
 * numeric fields numbers), the model's suggestion, its score and, in words, why it was picked
 * (cold start, audit pick, the strategy's reason, beyond the strategy's batch).
 *
 * @example
 * const explain = new ItemExplainer(meta);
 * explain.view(store.item(3)!, false, current); // { id, data, suggestion, score, strategy, reason }
 */
import type { Cell } from "../data/jsonl.js";
import { isMissing, parseNumber } from "../data/dataset.js";
import { getStrategy } from "../strategies/registry.js";
import type { Item, ProjectMeta } from "../store/types.js";
import { round } from "./figures.js";

export interface ItemView {
  readonly id: string;
  readonly data: Record<string, Cell>;
  readonly suggestion: { label: string; confidence: number } | null;
  readonly score: number;
  readonly strategy: string;
  readonly reason: string;
}

/** What the latest retrain left for explaining items: predictions, confidences, scores. */
export interface Ranking {
  /** Predicted class of every item (null before the first retrain of this process). */
  readonly pred: Int32Array | null;
  readonly conf: Float32Array | null;
  /** The strategy's score of the items in its batch (NaN beyond it). */
  readonly score: Float64Array | null;
  /** The strategy that ordered the batch. */
  readonly orderStrategy: string;
}

/** Strategies whose picks are, in so many words, the items the model is least sure about. */
const UNCERTAINTY = new Set(["least_confidence", "margin", "entropy"]);

export class ItemExplainer {
  private readonly labels: readonly string[];
  /** Names of the fields inferred numeric (shown as numbers by the API). */
  private readonly numericFields: ReadonlySet<string>;
  private described: { name: string; text: string } | null = null;

  constructor(meta: ProjectMeta) {
    this.labels = meta.labels;
    this.numericFields = new Set(meta.fields.filter((f) => f.kind === "numeric").map((f) => f.name));
  }

  /** The item as served, `audit` when it is a uniformly random audit pick. */
  view(item: Item, audit: boolean, r: Ranking): ItemView {
    const idx = item.idx;
    const suggestion = r.pred !== null && r.conf !== null ? { label: this.labels[r.pred[idx]], confidence: round(r.conf[idx], 4) } : null;
    return this.viewOf(item.id, item.data, suggestion, r.score?.[idx], audit, r);
  }

  /** An item as served from its raw fields, the model's suggestion and the strategy's score (NaN or undefined: none). */
  viewOf(id: string, data: Record<string, Cell>, suggestion: ItemView["suggestion"], s: number | undefined, audit: boolean, r: Ranking): ItemView {
    const score = s === undefined || Number.isNaN(s) ? 0 : round(s, 6);
    let strategy = r.orderStrategy;
    let reason: string;
    if (audit) {
      strategy = "random";
      reason = "random audit pick: labels on items like this measure the model's accuracy without bias";
    } else if (suggestion === null) {
      reason = "cold start: random order until the first model is trained (it needs labels of at least two classes)";
    } else if (s === undefined || Number.isNaN(s)) {
      strategy = "least_confidence";
      reason = `beyond ${r.orderStrategy.replace(/_/g, " ")}'s current batch: least confident first until the next retrain`;
    } else if (r.orderStrategy === "random") {
      reason = "random sampling";
    } else {
      const says = `${suggestion.label} at ${Math.round(suggestion.confidence * 100)}%`;
      reason = UNCERTAINTY.has(r.orderStrategy) ? `the model is unsure (${says})` : `${r.orderStrategy.replace(/_/g, " ")}: ${this.strategyDescription(r.orderStrategy)} (the model says ${says})`;
    }
    return { id, data: this.typed(data), suggestion, score, strategy, reason };
  }

  /** What a strategy prefers, in its registry's words (cached per strategy). */
  private strategyDescription(name: string): string {
    if (this.described?.name !== name) {
      let text = "its pick";
      try {
        text = getStrategy(name).description;
      } catch {
        // A strategy registered only in another process: its name alone has to do.
      }
      this.described = { name, text };
    }
    return this.described.text;
  }

  /** Raw cells as the API shows them: missing values null, numeric fields numbers. */
  typed(data: Record<string, Cell>): Record<string, Cell> {
    const out: Record<string, Cell> = {};
    for (const [name, v] of Object.entries(data)) {
      if (isMissing(v)) out[name] = null;
      else if (this.numericFields.has(name)) {
        const x = parseNumber(v);
        out[name] = Number.isNaN(x) ? v : x;
      } else out[name] = v;
    }
    return out;
  }
}
