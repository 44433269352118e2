/**
 * The stop set of a served project: a fixed, seeded sample of the pool (as simulate's: 1,000
 * items, or the whole pool if smaller) on which successive models' predictions are compared by
 * the stopping criteria, and the latest model's predictions on it, kept in the store so a restart
 * keeps the kappa window going.
 *
 * @example
 * const stop = new StopSet(store, 5000, 2);
 * stop.load(lastIteration); // the stored predictions, or null if absent or stale
 */
import { drawStopSet } from "../loop/stop-monitor.js";
import type { Store } from "../store/types.js";

/** The stop set's seed (fixed: the same set after a restart); its size is simulate's (loop/stop-monitor.ts). */
const STOP_SET_SEED = 20090601;
/** Store key of the latest model's stop-set predictions. */
const STOP_KEY = "stop_predictions";

export class StopSet {
  /** Pool indices of the stop set, ascending. */
  readonly indices: Int32Array;

  constructor(
    private readonly store: Store,
    total: number,
    private readonly nClasses: number,
  ) {
    this.indices = drawStopSet(total, STOP_SET_SEED);
  }

  /** The predictions stored for `iteration` (null if absent, stale or damaged). */
  load(iteration: number | undefined): Int32Array | null {
    const text = this.store.stateValue(STOP_KEY);
    if (text === undefined || iteration === undefined) return null;
    try {
      const v = JSON.parse(text) as { iteration?: unknown; n?: unknown; pred?: unknown };
      if (v.iteration !== iteration || v.n !== this.indices.length || typeof v.pred !== "string") return null;
      const bytes = Buffer.from(v.pred, "base64");
      if (bytes.length !== 4 * this.indices.length) return null;
      const pred = new Int32Array(this.indices.length);
      new Uint8Array(pred.buffer).set(bytes);
      return pred.every((c) => c >= 0 && c < this.nClasses) ? pred : null;
    } catch {
      return null;
    }
  }

  /** Stores the predictions of `iteration`'s model (call inside the retrain's transaction). */
  save(iteration: number, pred: Int32Array): void {
    const text = JSON.stringify({ iteration, n: this.indices.length, pred: Buffer.from(pred.buffer, pred.byteOffset, pred.byteLength).toString("base64") });
    this.store.setStateValue(STOP_KEY, text);
  }
}
