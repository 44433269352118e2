/**
 * Gold items of a served project (`init --gold COL`): known answers kept outside the pool, served
 * blind at the project's gold rate to measure each annotator's accuracy. A gold item takes a
 * virtual pool index past the pool (pool size + its position), so the ready queue leases, holds,
 * skips and re-serves it like any item; each annotator answers each gold item on their own (no
 * one is ever blocked by another's lease). It is shown like a random audit pick (or a cold-start
 * pick before the first model): its fields, the current model's suggestion (the model never
 * trains on gold, so the suggestion is honest), never the known answer. Answers go to the store's
 * gold answers, never to the annotations: pool counts, retraining, stopping and exports do not
 * see them.
 *
 * @example
 * const gold = GoldItems.load(store, poolSize, () => meta.gold ?? null);
 * const queue = new ReadyQueue(gold.slots(overlap), poolSize, { ...options, gold });
 * gold.summary(); // { items, rate, threshold, flagged, annotators: [{ name, answered, correct, accuracy, low, high, flagged }], method }
 */
import type { Cell } from "../data/jsonl.js";
import { BadInputError, NotFoundError } from "../errors.js";
import type { Classifier } from "../models/types.js";
import type { GoldSettings } from "../project/gold-settings.js";
import type { GoldItem, Store } from "../store/types.js";
import type { ItemExplainer, ItemView, Ranking } from "./explain.js";
import { interval, round } from "./figures.js";
import type { Slots } from "./overlap.js";
import type { Prediction } from "./predict.js";
import type { GoldPicker, ReadyQueue } from "./queue.js";

/** One annotator's accuracy on the gold items they answered (their latest standing answer each). */
export interface GoldAnnotatorRow {
  name: string;
  answered: number;
  correct: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy. */
  low: number;
  high: number;
  /** The interval's upper bound is below the threshold: to look into (never paused or dropped). */
  flagged: boolean;
}

export interface GoldSummary {
  items: number;
  rate: number;
  threshold: number;
  /** Annotators flagged. */
  flagged: number;
  annotators: GoldAnnotatorRow[];
  method: string;
}

const GOLD_METHOD =
  "Gold items (known answers, kept outside the pool) are served blind at the gold rate, looking like random audit picks. Per annotator: gold items answered (their latest answer each), correct, accuracy with its 95% Wilson interval; flagged when the interval's upper bound is below the threshold (so a few unlucky answers do not flag). Flagged annotators are only reported, never paused or dropped.";

/** A standing (not undone) answer record. */
interface Standing {
  readonly id: number;
  readonly label: string;
}

/** Map of maps, created on demand. */
function inner<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let m = outer.get(key);
  if (m === undefined) outer.set(key, (m = new Map<K, V>()));
  return m;
}

export class GoldItems implements GoldPicker {
  private readonly index = new Map<string, number>();
  /** Each annotator's standing label answers per gold position, oldest first. */
  private readonly labels = new Map<string, Map<number, Standing[]>>();
  /** Each annotator's standing skip record per gold position. */
  private readonly skipIds = new Map<string, Map<number, number>>();
  /** Suggestions of the model they were made with, per gold position. */
  private suggested: { model: Classifier | null; by: Map<number, ItemView["suggestion"]> } = { model: null, by: new Map() };

  private constructor(
    private readonly store: Store,
    private readonly items: readonly GoldItem[],
    /** The pool's size: gold position g has virtual index base + g. */
    private readonly base: number,
    private readonly settings: () => GoldSettings | null,
  ) {
    items.forEach((g, i) => this.index.set(g.id, i));
  }

  /** The gold items and the standing answers, replayed from the store. */
  static load(store: Store, poolSize: number, settings: () => GoldSettings | null): GoldItems {
    const gold = new GoldItems(store, store.goldItems(), poolSize, settings);
    for (const a of store.goldAnswers()) {
      const g = gold.index.get(a.goldId);
      if (g === undefined || a.undoneAt !== null) continue;
      if (a.label === null) inner(gold.skipIds, a.annotator).set(g, a.id);
      else {
        const list = inner(gold.labels, a.annotator).get(g);
        if (list === undefined) inner(gold.labels, a.annotator).set(g, [{ id: a.id, label: a.label }]);
        else list.push({ id: a.id, label: a.label });
      }
    }
    return gold;
  }

  /** Gold items there are (the queue's {@link GoldPicker}). */
  get count(): number {
    return this.items.length;
  }

  /** The share of served items that are gold (0 when the project has no gold settings). */
  rate(): number {
    return this.settings()?.rate ?? 0;
  }

  /** Whether `id` names a gold item. */
  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Whether a virtual index is a gold item's. */
  isGold(idx: number): boolean {
    return idx >= this.base && idx < this.base + this.items.length;
  }

  private idxOf(id: string): number {
    const g = this.index.get(id);
    if (g === undefined) throw new NotFoundError(`no item with id "${id}"`);
    return this.base + g;
  }

  private answeredBy(idx: number, annotator: string): boolean {
    return (this.labels.get(annotator)?.get(idx - this.base)?.length ?? 0) > 0;
  }

  /** The queue's slots: the pool's (`pool`), and for a gold item a slot for every annotator who has not answered it. */
  slots(pool: Slots): Slots {
    return {
      remaining: (idx) => (this.isGold(idx) ? Number.MAX_SAFE_INTEGER : pool.remaining(idx)),
      labeledBy: (idx, annotator) => (this.isGold(idx) ? this.answeredBy(idx, annotator) : pool.labeledBy(idx, annotator)),
      pending: () => pool.pending(),
    };
  }

  /** Every standing skip, for the queue at start. */
  skipped(): { idx: number; annotator: string }[] {
    const out: { idx: number; annotator: string }[] = [];
    for (const [annotator, m] of this.skipIds) for (const g of m.keys()) out.push({ idx: this.base + g, annotator });
    return out;
  }

  /**
   * A gold item as served: like a random audit pick once there is a model (its suggestion from
   * the current model), like a cold-start pick before; never the known answer.
   */
  view(idx: number, explainer: ItemExplainer, ranking: Ranking, model: Classifier | null, predict: (m: Classifier, records: readonly Record<string, Cell>[]) => Prediction[]): ItemView {
    const g = idx - this.base;
    const item = this.items[g];
    let suggestion: ItemView["suggestion"] = null;
    if (model !== null && ranking.pred !== null) {
      if (this.suggested.model !== model) this.suggested = { model, by: new Map() };
      const cached = this.suggested.by.get(g);
      if (cached !== undefined) suggestion = cached;
      else {
        try {
          const p = predict(model, [item.data])[0];
          suggestion = { label: p.label, confidence: round(p.probabilities[p.label], 4) };
        } catch {
          // A value the featurizer cannot read: shown without a suggestion, like an item before the first model.
        }
        this.suggested.by.set(g, suggestion);
      }
    }
    return explainer.viewOf(item.id, item.data, suggestion, Number.NaN, suggestion !== null, ranking);
  }

  /** Records `annotator`'s answer (the same answer again records nothing) and releases their lease. */
  label(id: string, label: string, annotator: string, durationMs: number | null, now: number, queue: ReadyQueue, labels: readonly string[]): void {
    if (!labels.includes(label)) throw new BadInputError(`unknown label "${label}"; the project's labels are ${labels.map((l) => `"${l}"`).join(", ")}`, { field: "label" });
    const idx = this.idxOf(id);
    const g = idx - this.base;
    const mine = inner(this.labels, annotator);
    const list = mine.get(g) ?? [];
    if (list.at(-1)?.label !== label) {
      const answerId = this.store.addGoldAnswer({ goldId: id, annotator, label, createdAt: now, durationMs });
      list.push({ id: answerId, label });
      mine.set(g, list);
    }
    queue.release(idx, annotator);
  }

  /** The annotator passes on a gold item: released, and not offered to them again. */
  skip(id: string, annotator: string, now: number, queue: ReadyQueue): void {
    const idx = this.idxOf(id);
    const mine = inner(this.skipIds, annotator);
    if (!mine.has(idx - this.base)) mine.set(idx - this.base, this.store.addGoldAnswer({ goldId: id, annotator, label: null, createdAt: now, durationMs: null }));
    queue.markSkipped(idx, annotator);
    queue.release(idx, annotator);
  }

  /** Takes back a skip: offered to them again, first in line unless they answered it. */
  unskip(id: string, annotator: string, now: number, queue: ReadyQueue): void {
    const idx = this.idxOf(id);
    const mine = this.skipIds.get(annotator);
    const skipId = mine?.get(idx - this.base);
    if (mine === undefined || skipId === undefined) throw new NotFoundError(`${annotator} has no skip of item "${id}" to undo`);
    this.store.undoGoldAnswer(skipId, now);
    mine.delete(idx - this.base);
    queue.unmarkSkipped(idx, annotator);
    if (!this.answeredBy(idx, annotator) && queue.leaseOf(idx, now, annotator) === undefined) queue.putBack(idx, annotator, now);
  }

  /** Undoes the annotator's latest answer; with none left the item goes back to them, first in line. */
  undo(id: string, annotator: string, now: number, queue: ReadyQueue): void {
    const idx = this.idxOf(id);
    const list = this.labels.get(annotator)?.get(idx - this.base);
    const last = list?.at(-1);
    if (list === undefined || last === undefined) throw new NotFoundError(`${annotator} has no label on item "${id}" to undo`);
    this.store.undoGoldAnswer(last.id, now);
    list.pop();
    if (list.length === 0) queue.putBack(idx, annotator, now);
  }

  /** The dashboard's gold figures (null when the project has no gold settings). */
  summary(): GoldSummary | null {
    const s = this.settings();
    if (s == null) return null;
    const annotators: GoldAnnotatorRow[] = [];
    for (const [name, m] of this.labels) {
      let answered = 0;
      let correct = 0;
      for (const [g, list] of m) {
        const last = list.at(-1);
        if (last === undefined) continue;
        answered++;
        if (last.label === this.items[g].label) correct++;
      }
      if (answered === 0) continue;
      const [low, high] = interval(correct, answered);
      annotators.push({ name, answered, correct, accuracy: round(correct / answered, 4), low, high, flagged: high < s.threshold });
    }
    annotators.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { items: this.items.length, rate: s.rate, threshold: s.threshold, flagged: annotators.filter((a) => a.flagged).length, annotators, method: GOLD_METHOD };
  }
}
