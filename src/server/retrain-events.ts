/**
 * The webhook events of a retrain: `model.retrained` always, `stopping.advice` when the live
 * advice's verdict (stop / keep labeling) or sentence differs from the last one announced (kept in
 * the store's state, so a restart does not announce it again). Called inside the retrain's store
 * transaction.
 *
 * @example
 * store.transaction(() => { store.addIteration(it); retrainEvents({ store, state, meta, iterations, randomCurve, emit }, it, now); });
 */
import type { Iteration, ProjectMeta, Store } from "../store/types.js";
import type { AccuracyFigure, Emit } from "../webhooks/events.js";
import type { Figure } from "./advice.js";
import { accuracyOf, adviceOf } from "./figures.js";
import type { LabelState } from "./label-state.js";
import type { PowerLaw } from "./retrain-jobs.js";

/** Where the last announced advice is kept. */
export const ADVICE_STATE_KEY = "webhooks:advice";

export interface RetrainEventInputs {
  readonly store: Store;
  readonly state: LabelState;
  readonly meta: ProjectMeta;
  /** Every retrain so far, the new one last. */
  readonly iterations: readonly Iteration[];
  readonly randomCurve: PowerLaw | null;
  readonly emit: Emit;
}

const figure = (f: Figure): AccuracyFigure => ({ kind: f.kind, value: f.value, n: f.n, low: f.low, high: f.high, text: f.text });

/** Emits the retrain's events (see the module comment). */
export function retrainEvents(o: RetrainEventInputs, it: Iteration, now: number): void {
  const inputs = { state: o.state, iterations: o.iterations, randomCurve: o.randomCurve, lastRetrainAt: now, meta: o.meta };
  const accuracy = accuracyOf(inputs);
  const headline = figure(accuracy.headline);
  o.emit("model.retrained", { iteration: it.iteration, labels: it.labeled, labeled: o.state.labeled, total: o.state.total, accuracy: headline, trainMs: it.trainMs }, now);
  const advice = adviceOf(inputs, accuracy);
  let previous: { stop: boolean; sentence: string } | null = null;
  const stored = o.store.stateValue(ADVICE_STATE_KEY);
  if (stored !== undefined) {
    try {
      previous = JSON.parse(stored) as { stop: boolean; sentence: string };
    } catch {
      previous = null;
    }
  }
  if (previous !== null && previous.stop === advice.stop && previous.sentence === advice.sentence) return;
  o.store.setStateValue(ADVICE_STATE_KEY, JSON.stringify({ stop: advice.stop, sentence: advice.sentence }));
  o.emit("stopping.advice", { stop: advice.stop, sentence: advice.sentence, agree: advice.agree, accuracy: figure(advice.accuracy), iteration: it.iteration, previousStop: previous?.stop ?? null }, now);
}
