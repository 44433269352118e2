/**
 * The labeling operations of a served project: label, skip, undo and unskip, each checked against
 * the item's lease, committed to the store (as a new history record: nothing is overwritten or
 * deleted), then applied to the in-memory state and the queue. A label or undo counts towards the
 * next retrain through `changed`. Skips belong to the annotator who made them: they hide the item
 * from that annotator only, and only they can take one back.
 *
 * @example
 * const ops = new Labeling({ store, meta, state, queue, predictions: () => loop.pred, changed: () => loop.changed() });
 * ops.label("item-3", "spam", "ana", 1200); // labeled items after it
 */
import { BadInputError, ConflictError, NotFoundError } from "../errors.js";
import type { ProjectMeta, Store } from "../store/types.js";
import type { Emit } from "../webhooks/events.js";
import type { LabelState } from "./label-state.js";
import type { Lease, ReadyQueue } from "./queue.js";

export interface LabelingOptions {
  readonly store: Store;
  readonly meta: ProjectMeta;
  readonly state: LabelState;
  readonly queue: ReadyQueue;
  /** The current model's predicted class of every item (null before the first model). */
  readonly predictions: () => Int32Array | null;
  /** Called after each stored label change (label or undo). */
  readonly changed: () => void;
  /** Webhook events (label.created), written in the label's transaction (none when absent). */
  readonly emit?: Emit;
  /** Called in the label's transaction after the record is stored (class `c`): the review queue's checks. */
  readonly onStored?: (idx: number, annotator: string, c: number, now: number) => void;
}

export class Labeling {
  constructor(private readonly o: LabelingOptions) {}

  /** The item index of an id; unknown ids are a NotFoundError. */
  idxOf(id: string): number {
    const idx = this.o.store.itemIdx(id);
    if (idx === undefined) throw new NotFoundError(`no item with id "${id}"`);
    return idx;
  }

  /** The annotator's live lease on the item; a ConflictError when every free slot of it is leased to others. */
  private leaseFor(id: string, idx: number, annotator: string, now: number): Lease | undefined {
    const other = this.o.queue.blockedBy(idx, annotator, now);
    if (other !== undefined) throw new ConflictError(`item "${id}" is being labeled by ${other}`);
    return this.o.queue.leaseOf(idx, now, annotator);
  }

  private labelIndex(label: string): number {
    const c = this.o.state.classOf(label);
    if (c === undefined) throw new BadInputError(`unknown label "${label}"; the project's labels are ${this.o.meta.labels.map((l) => `"${l}"`).join(", ")}`, { field: "label" });
    return c;
  }

  /**
   * Stores a label (committed before returning). The same label from the same annotator on the
   * same item again stores nothing. A label on an item leased to someone else is a conflict.
   * @returns the number of labeled items
   */
  label(id: string, label: string, annotator: string, durationMs: number | null, now: number): number {
    const { store, state, queue } = this.o;
    const c = this.labelIndex(label);
    const idx = this.idxOf(id);
    const lease = this.leaseFor(id, idx, annotator, now);
    if (state.labelOf[idx] === c && store.lastAnnotation(idx, annotator)?.label === label) {
      if (lease !== undefined) queue.release(idx, annotator);
      return state.labeled;
    }
    const pred = this.o.predictions();
    const predicted = pred !== null && !state.isLabeled(idx) ? this.o.meta.labels[pred[idx]] : null;
    const audit = lease?.audit === true;
    const { emit, onStored } = this.o;
    if (emit === undefined && onStored === undefined) store.addAnnotation({ itemIdx: idx, annotator, label, createdAt: now, durationMs, predicted, audit });
    else {
      // The label, its event and the review it may open commit together: an acknowledged label
      // never loses its event.
      store.transaction(() => {
        const annotationId = store.addAnnotation({ itemIdx: idx, annotator, label, createdAt: now, durationMs, predicted, audit });
        emit?.("label.created", { itemId: id, label, annotator, annotationId, createdAt: new Date(now).toISOString(), audit, durationMs }, now);
        onStored?.(idx, annotator, c, now);
      });
    }
    // Committed: now the in-memory state.
    state.applyLabel(idx, c, { annotator, at: now, durationMs, predicted, audit });
    if (lease !== undefined) queue.release(idx, annotator);
    this.o.changed();
    return state.labeled;
  }

  /**
   * The annotator passes on an item: it is released and not offered to them again (until they
   * take the skip back); other annotators still get it. Skipping it again records nothing.
   */
  skip(id: string, annotator: string, now: number): void {
    const idx = this.idxOf(id);
    const lease = this.leaseFor(id, idx, annotator, now);
    this.o.store.addSkip(idx, annotator, now);
    this.o.queue.markSkipped(idx, annotator);
    if (lease !== undefined) this.o.queue.release(idx, annotator);
  }

  /**
   * Takes back `annotator`'s skip of an item: it is offered to them again, first in line when it
   * is still unlabeled and no one else holds it.
   * @throws NotFoundError when they have not skipped it
   */
  unskip(id: string, annotator: string, now: number): void {
    const { store, state, queue } = this.o;
    const idx = this.idxOf(id);
    if (!store.removeSkip(idx, annotator, now)) throw new NotFoundError(`${annotator} has no skip of item "${id}" to undo`);
    queue.unmarkSkipped(idx, annotator);
    if (!state.isLabeled(idx) && queue.leaseOf(idx, now) === undefined) queue.putBack(idx, annotator, now);
  }

  /**
   * Undoes `annotator`'s latest live label on the item (an undo record naming it; the label stays
   * in the history). The item falls back to its latest label still live; if none is left it goes
   * back to that annotator, first in line. Only the annotator's own labels can be undone.
   * @returns the number of labeled items
   */
  undo(id: string, annotator: string, now: number): number {
    const { store, state } = this.o;
    const idx = this.idxOf(id);
    const last = store.lastAnnotation(idx, annotator);
    if (last === undefined) throw new NotFoundError(`${annotator} has no label on item "${id}" to undo`);
    this.leaseFor(id, idx, annotator, now);
    // The undo record and the read of what the item falls back to, as one.
    const current = store.transaction(() => {
      store.undoAnnotation(last.id, annotator, now);
      return store.currentAnnotation(idx);
    });
    if (state.applyUndo(idx, annotator, last.durationMs, current)) this.o.queue.putBack(idx, annotator, now);
    this.o.changed();
    return state.labeled;
  }
}
