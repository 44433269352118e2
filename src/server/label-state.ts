/**
 * The in-memory label state of a served project: the current label of every item (as a class
 * index), whether it came from a random audit pick or the import, the counts per class, the
 * annotators' figures, the audit window and the current model's test-then-train counts. Built
 * once from the store's annotations (so a restart loses nothing) and kept up to date by
 * {@link LabelState.applyLabel} and {@link LabelState.applyUndo} after each committed write.
 *
 * @example
 * const state = LabelState.replay(store, meta.labels, store.itemCount());
 * state.labeled; // items with a current label
 */
import { IMPORT_ANNOTATOR } from "../project/init.js";
import type { Annotation, Store } from "../store/types.js";
import { AnnotatorStats } from "./annotator-stats.js";

/** Audit labels in the sliding window behind the unbiased accuracy estimate. */
export const AUDIT_WINDOW = 50;

/** The labeled items as a retrain takes them (pool order). */
export interface TrainingSet {
  readonly labeled: Int32Array;
  readonly y: Int32Array;
  readonly audit: Uint8Array;
  readonly imported: Uint8Array;
}

export class LabelState {
  readonly total: number;
  readonly labels: readonly string[];
  private readonly classIndex: Map<string, number>;
  /** Class index of each item's current label, -1 = unlabeled. */
  readonly labelOf: Int32Array;
  /** 1 if the item's current label came from an audit pick. */
  private readonly auditOf: Uint8Array;
  /** 1 if the item's current label was imported at init. */
  private readonly importedOf: Uint8Array;
  importedCount = 0;
  labeled = 0;
  /** Items per class (the project's label order). */
  readonly byLabel: number[];
  readonly annotators = new AnnotatorStats();
  /** Right/wrong of the model's prediction on the latest audit labels (at most AUDIT_WINDOW). */
  readonly auditWindow: boolean[] = [];
  /** Labels that arrived while the current model was current, and how many it predicted right. */
  evalN = 0;
  evalCorrect = 0;

  constructor(labels: readonly string[], total: number) {
    this.total = total;
    this.labels = labels;
    this.classIndex = new Map(labels.map((l, i) => [l, i]));
    this.labelOf = new Int32Array(total).fill(-1);
    this.auditOf = new Uint8Array(total);
    this.importedOf = new Uint8Array(total);
    this.byLabel = new Array<number>(labels.length).fill(0);
  }

  /** The state as the store's annotations and current labels leave it. */
  static replay(store: Store, labels: readonly string[], total: number): LabelState {
    const s = new LabelState(labels, total);
    const lastAudit = new Map<number, boolean>();
    const lastImported = new Set<number>();
    for (const a of store.annotations()) {
      lastAudit.set(a.itemIdx, a.audit);
      if (a.annotator === IMPORT_ANNOTATOR) lastImported.add(a.itemIdx);
      else if (a.kind === "review") lastImported.delete(a.itemIdx);
      else {
        lastImported.delete(a.itemIdx);
        s.annotators.add(a.annotator, a.createdAt, a.durationMs);
      }
      if (a.audit && a.predicted !== null) s.pushAudit(a.predicted === a.label);
    }
    for (const { itemIdx, label } of store.currentLabels()) {
      const c = s.classIndex.get(label);
      if (c === undefined || itemIdx >= total) continue;
      s.labelOf[itemIdx] = c;
      s.byLabel[c]++;
      s.labeled++;
      if (lastAudit.get(itemIdx) === true) s.auditOf[itemIdx] = 1;
      if (lastImported.has(itemIdx)) {
        s.importedOf[itemIdx] = 1;
        s.importedCount++;
      }
    }
    return s;
  }

  /** Class index of a label name, or undefined when the project has no such label. */
  classOf(label: string): number | undefined {
    return this.classIndex.get(label);
  }

  isLabeled(idx: number): boolean {
    return this.labelOf[idx] >= 0;
  }

  /** Labels spent by annotators (imported ones excluded). */
  get spent(): number {
    return this.labeled - this.importedCount;
  }

  /** Classes with at least one label (a model needs two). */
  classesPresent(): number {
    return this.byLabel.filter((c) => c > 0).length;
  }

  pushAudit(correct: boolean): void {
    this.auditWindow.push(correct);
    if (this.auditWindow.length > AUDIT_WINDOW) this.auditWindow.shift();
  }

  /** Counts per label name. */
  byLabelRecord(): Record<string, number> {
    return Object.fromEntries(this.labels.map((l, i) => [l, this.byLabel[i]]));
  }

  /**
   * After a stored label: class `c` on item `idx`, with the model's prior prediction if any. A
   * reviewer's decision (`review`) changes the label but not the annotators' figures.
   */
  applyLabel(idx: number, c: number, a: { readonly annotator: string; readonly at: number; readonly durationMs: number | null; readonly predicted: string | null; readonly audit: boolean; readonly review?: boolean }): void {
    if (this.labelOf[idx] < 0) this.labeled++;
    else this.byLabel[this.labelOf[idx]]--;
    this.byLabel[c]++;
    this.labelOf[idx] = c;
    this.auditOf[idx] = a.audit ? 1 : 0;
    if (this.importedOf[idx] === 1) {
      this.importedOf[idx] = 0;
      this.importedCount--;
    }
    if (a.review !== true) this.annotators.add(a.annotator, a.at, a.durationMs);
    if (a.predicted !== null) {
      const right = a.predicted === this.labels[c];
      this.evalN++;
      if (right) this.evalCorrect++;
      if (a.audit) this.pushAudit(right);
    }
  }

  /**
   * After a removed label of `annotator`: the item falls back to `current` (its latest remaining
   * annotation), or to unlabeled.
   * @returns true when the item is now unlabeled
   */
  applyUndo(idx: number, annotator: string, durationMs: number | null, current: Annotation | undefined): boolean {
    this.annotators.remove(annotator, durationMs);
    const before = this.labelOf[idx];
    if (before >= 0) this.byLabel[before]--;
    if (this.importedOf[idx] === 1) this.importedCount--;
    this.importedOf[idx] = 0;
    if (current === undefined) {
      this.labelOf[idx] = -1;
      this.auditOf[idx] = 0;
      this.labeled--;
      return true;
    }
    const c = this.classIndex.get(current.label) ?? -1;
    this.labelOf[idx] = c;
    if (c >= 0) this.byLabel[c]++;
    this.auditOf[idx] = current.audit ? 1 : 0;
    if (current.annotator === IMPORT_ANNOTATOR) {
      this.importedOf[idx] = 1;
      this.importedCount++;
    }
    return false;
  }

  /** The labeled items in pool order, with their classes and flags. */
  trainingSet(): TrainingSet {
    const labeled = new Int32Array(this.labeled);
    const y = new Int32Array(this.labeled);
    const audit = new Uint8Array(this.labeled);
    const imported = new Uint8Array(this.labeled);
    for (let i = 0, q = 0; i < this.total; i++) {
      if (this.labelOf[i] >= 0) {
        labeled[q] = i;
        y[q] = this.labelOf[i];
        imported[q] = this.importedOf[i];
        audit[q++] = this.auditOf[i];
      }
    }
    return { labeled, y, audit, imported };
  }
}
