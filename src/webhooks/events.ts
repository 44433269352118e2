/**
 * Webhook events: their names, their payloads, and {@link emitEvent}, which puts one in the
 * project's outbox (the store) with a delivery for every receiver subscribed to it. Called inside
 * the transaction of the change it reports (a label and its `label.created` commit together), so
 * an acknowledged change never loses its event; the delivery loop (delivery.ts) sends it later,
 * off the request path.
 *
 * Callers: `label.created` (labeling.ts), `model.retrained` and `stopping.advice`
 * (retraining.ts), `item.disputed` (an item entered review: in the transaction of the label that
 * left it tied, or of the retrain whose confident learning finds its label suspect, or of the label
 * a spot check picked) and `review.resolved` (a reviewer's decision), both in src/server/reviews.ts.
 *
 * @example
 * store.transaction(() => {
 *   const id = store.addAnnotation(a);
 *   emitEvent(store, "label.created", { itemId: "item-3", label: "spam", annotator: "ana", annotationId: id, createdAt: iso, audit: false, durationMs: 900 }, now);
 * });
 */
import { randomUUID } from "node:crypto";
import type { Store } from "../store/types.js";

/** `label.created`: a label was stored (a relabel too: each is a new label). */
export interface LabelCreated {
  readonly itemId: string;
  readonly label: string;
  readonly annotator: string;
  /** The stored annotation's id. */
  readonly annotationId: number;
  /** When it was labeled (ISO 8601). */
  readonly createdAt: string;
  /** True when the item was served as a random audit pick. */
  readonly audit: boolean;
  readonly durationMs: number | null;
}

/** An accuracy figure with its sample size and 95% interval (as the dashboard's headline). */
export interface AccuracyFigure {
  /** pool (random audit picks), hard_items (test-then-train) or imported (cross-validation). */
  readonly kind: string;
  /** Null below the minimum sample size. */
  readonly value: number | null;
  readonly n: number;
  readonly low: number | null;
  readonly high: number | null;
  /** The figure in words, e.g. "91.2% (95% interval 86.0–94.3%, 120 random picks)". */
  readonly text: string;
}

/** `model.retrained`: a retrain installed a new model. */
export interface ModelRetrained {
  readonly iteration: number;
  /** Labels the model was trained on. */
  readonly labels: number;
  /** Labeled items in the pool when it was installed. */
  readonly labeled: number;
  readonly total: number;
  /** The headline accuracy over the pool with its interval. */
  readonly accuracy: AccuracyFigure;
  readonly trainMs: number;
}

/** `stopping.advice`: the live stopping advice changed its verdict or its sentence. */
export interface StoppingAdviceChanged {
  /** True: "you can stop now". */
  readonly stop: boolean;
  readonly sentence: string;
  /** The criteria that fired. */
  readonly agree: readonly string[];
  readonly accuracy: AccuracyFigure;
  /** The retrain after which it changed. */
  readonly iteration: number;
  /** The previous verdict, null for the first advice. */
  readonly previousStop: boolean | null;
}

/** `item.disputed`: an item entered review (src/server/reviews.ts), for any of the three reasons. */
export interface ItemDisputed {
  readonly itemId: string;
  /** Why: annotators disagree, confident learning finds the label suspect (model), or a spot check. */
  readonly reason: "disagreement" | "model" | "spot_check";
  /** Every label of the item so far, who and when. */
  readonly labels: readonly { readonly annotator: string; readonly label: string; readonly createdAt: string }[];
}

/** `review.resolved`: a reviewer settled an item; its label is now the item's final label. */
export interface ReviewResolved {
  readonly itemId: string;
  /** The item's final label. */
  readonly label: string;
  readonly reviewer: string;
  /** The annotator whose label was accepted, null when the reviewer set another. */
  readonly accepted: string | null;
  readonly createdAt: string;
}

/** Each event's payload. */
export interface EventData {
  "label.created": LabelCreated;
  "model.retrained": ModelRetrained;
  "stopping.advice": StoppingAdviceChanged;
  "item.disputed": ItemDisputed;
  "review.resolved": ReviewResolved;
}

export type EventName = keyof EventData;

/** Every event name, in the order the README lists them. */
export const EVENT_NAMES: readonly EventName[] = ["label.created", "item.disputed", "review.resolved", "model.retrained", "stopping.advice"];

/** The JSON body every delivery carries. */
export interface EventBody<K extends EventName = EventName> {
  /** Unique per event, the same on every retry: receivers drop ids they have seen. */
  readonly id: string;
  readonly event: K;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly data: EventData[K];
}

/** What emitters call (so modules take it as an option and tests can pass their own). */
export type Emit = <K extends EventName>(event: K, data: EventData[K], at: number) => void;

/**
 * Puts an event in the outbox, with a pending delivery per subscribed receiver (none: nothing is
 * stored). Run it inside the transaction of the change it reports.
 * @returns the event's body (its id), or null when no receiver wants it
 */
export function emitEvent<K extends EventName>(store: Store, event: K, data: EventData[K], at: number): EventBody<K> | null {
  const body: EventBody<K> = { id: `evt_${randomUUID()}`, event, createdAt: new Date(at).toISOString(), data };
  return store.enqueueEvent({ id: body.id, event, createdAt: at, body: JSON.stringify(body) }) > 0 ? body : null;
}

/** An {@link Emit} into a store's outbox. */
export function outboxEmitter(store: Store): Emit {
  return (event, data, at) => {
    emitEvent(store, event, data, at);
  };
}
