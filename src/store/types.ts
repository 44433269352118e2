/**
 * The persistence interface of a labeling project: its settings, the items (raw fields as JSON,
 * pool index = `idx`, 0..n-1 in import order), their stored feature rows, the append-only
 * history of annotations (labels, relabels, undos, skips: who, when, what, how long), model
 * snapshots and iteration metrics. Every caller outside src/store
 * gets one from `openStore` (open.ts) and uses this interface only; one implementation today,
 * the SQLite store (sqlite.ts; better-sqlite3, WAL). Another database plugs in behind `openStore`
 * and must pass the conformance suite (conformance.test.ts).
 */
import type { Cell } from "../data/jsonl.js";
import type { SavedModel } from "../models/types.js";
import type { GoldSettings } from "../project/gold-settings.js";
import type { ConsensusMethod } from "../project/consensus-settings.js";
import type { OverlapSettings } from "../project/overlap-settings.js";
import type { FeatureBlock } from "./feature-blocks.js";

export type FieldKind = "numeric" | "categorical" | "text";

/** A project's settings, fixed at `init` (retrainEvery may be overridden at serve time). */
export interface ProjectMeta {
  readonly name: string;
  readonly labels: readonly string[];
  /** Feature fields in file order, with the kind the featurizer gave them. */
  readonly fields: readonly { readonly name: string; readonly kind: FieldKind }[];
  readonly textColumn: string | null;
  readonly labelColumn: string | null;
  readonly idColumn: string | null;
  readonly strategy: string;
  readonly model: string;
  readonly retrainEvery: number;
  /** The file the items came from, as given to `init`. */
  readonly source: string;
  readonly createdAt: number;
  /** Saved TableFeaturizer (toJSON). */
  readonly featurizer: unknown;
  /** "csr" when a text column makes the features sparse, else "dense". */
  readonly featureKind: "dense" | "csr";
  readonly featureWidth: number;
  /** Labels to spend at most (`init --budget`; absent or null = none). */
  readonly budget?: number | null;
  /** Accuracy at which labeling may stop (`init --target-accuracy`; absent or null = none). */
  readonly targetAccuracy?: number | null;
  /** Several annotators per item (`init --overlap`; absent or null = one annotator per item). */
  readonly overlap?: OverlapSettings | null;
  /** Share of single-labeled items sent to review as a spot check (`init --review-share`; absent = 0). */
  readonly reviewShare?: number;
  /** How an overlapping item's labels become its one label (`init --consensus`; absent = majority); see quality/vote-consensus.ts. */
  readonly consensus?: ConsensusMethod;
  /** Columns of the items' data watched for selection bias (`init --slice`; absent = none); see quality/slices.ts. */
  readonly slices?: readonly string[];
  /** Gold items (`init --gold COL`; absent or null = none): their column, rate and flag threshold. */
  readonly gold?: GoldSettings | null;
  /** The image column (`init --image COL` or `init --data DIR/`) and the absolute folder its paths are relative to (absent = none); served by GET /api/items/{id}/image/{field}. */
  readonly image?: { readonly column: string; readonly base: string } | null;
}

/** One stopping criterion after a retrain: fired, not yet, or off (no budget or target set). */
export interface CriterionState {
  /** As in simulate's results: budget, target_accuracy, stabilizing_predictions, ... */
  readonly name: string;
  readonly state: "fired" | "waiting" | "off";
  /** A readable sentence with the numbers. */
  readonly reason: string;
}

/**
 * What a retrain measured beyond the model (stored as JSON beside the iteration; absent in
 * databases written before it existed).
 */
export interface Assessment {
  /** The stopping criteria, checked against this model. */
  readonly criteria: readonly CriterionState[];
  /** Cohen's kappa between this model's and the previous model's stop-set predictions. */
  readonly kappa: number | null;
  /** Random sampling's learning curve fitted on the audit picks (see learning-curve.ts). */
  readonly randomCurve: { readonly b: number; readonly c: number; readonly n: number; readonly logM?: number; readonly logErr?: number; readonly cSe?: number; readonly points?: number } | null;
  /** Cross-validated accuracy on the imported labels (computed while random audit picks are few). */
  readonly imported: { readonly accuracy: number; readonly n: number } | null;
  /** With every item labeled: accuracy of models trained on m imported labels, tested on the others. */
  readonly importedCurve: readonly { readonly labels: number; readonly accuracy: number; readonly n: number }[] | null;
  /**
   * The audit picks the cross-validation scored (pool indices) and those it got wrong: what the
   * slice figures rest on (projects with `init --slice`; absent otherwise and in older databases).
   */
  readonly auditPicks?: { readonly items: readonly number[]; readonly wrong: readonly number[] };
}

export interface Item {
  /** Pool index, 0..n-1. */
  readonly idx: number;
  readonly id: string;
  readonly data: Record<string, Cell>;
}

/** A gold item (`init --gold COL`): outside the pool, with its known answer. */
export interface GoldItem {
  readonly id: string;
  /** The row's fields, without the gold column. */
  readonly data: Record<string, Cell>;
  readonly label: string;
}

/** An annotator's answer to a gold item: a label, or a skip (`label` null). */
export interface NewGoldAnswer {
  readonly goldId: string;
  readonly annotator: string;
  readonly label: string | null;
  readonly createdAt: number;
  readonly durationMs: number | null;
}

export interface GoldAnswer extends NewGoldAnswer {
  readonly id: number;
  /** When the answer was undone (a skip: taken back); null while it stands. */
  readonly undoneAt: number | null;
}

/**
 * Kinds of history record that give an item a label: `label` (the annotator's first live label
 * on the item), `relabel` (the annotator already had a live label on it), `import` (a seed label
 * read at init), `review` (a reviewer's decision).
 */
export const LABEL_KINDS = ["label", "relabel", "import", "review"] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

/**
 * Every kind of history record: the label kinds, `undo` (takes back one live label record,
 * named by `undoes`), `skip` and `unskip` (an annotator passes on an item / takes that back).
 */
export type RecordKind = LabelKind | "undo" | "skip" | "unskip";

/**
 * One record of the append-only history. Nothing is overwritten or deleted: a relabel, an undo,
 * a skip is each a new record.
 *
 * The current label of an item is the label of its latest (highest id) *live* label record: a
 * record of a label kind that no undo record names. An undo by an annotator names their latest
 * live label record on the item, so undos unwind that annotator's labels newest first, and the
 * item falls back to the latest label record still live (another annotator's, the import, or
 * none: unlabeled). An item is skipped by an annotator when their latest skip/unskip record on
 * it is a skip.
 */
export interface HistoryRecord {
  readonly id: number;
  readonly itemIdx: number;
  /** Who made the record (for an undo: who undid; for an import: the import annotator). */
  readonly annotator: string;
  readonly kind: RecordKind;
  /** The label given (label kinds), the label taken back (undo), null (skip, unskip). */
  readonly label: string | null;
  readonly createdAt: number;
  readonly durationMs: number | null;
  /** True if the item was served as a uniformly random audit pick (label kinds). */
  readonly audit: boolean;
  /** For an undo: the id of the label record it takes back; else null. */
  readonly undoes: number | null;
}

export interface NewAnnotation {
  readonly itemIdx: number;
  readonly annotator: string;
  readonly label: string;
  readonly createdAt: number;
  readonly durationMs: number | null;
  /** The model's prediction for the item when it was labeled (before training on it), if any. */
  readonly predicted: string | null;
  /** True if the item was served as a uniformly random audit pick. */
  readonly audit: boolean;
  /** Absent: `relabel` when the annotator has a live label on the item, else `label`. */
  readonly kind?: LabelKind;
}

/** A stored label record. */
export interface Annotation extends NewAnnotation {
  readonly id: number;
  readonly kind: LabelKind;
}

/** One model installed by a retrain, and how it did on the labels that arrived while it was current. */
export interface Iteration {
  readonly iteration: number;
  readonly createdAt: number;
  /** Labels the model was trained on. */
  readonly labeled: number;
  /** Test-then-train accuracy on the labels that arrived while this model was current (null = none yet). */
  readonly accuracy: number | null;
  readonly accuracyN: number;
  /**
   * Cross-validated accuracy on the random audit picks (see retrain-jobs.ts): an estimate of the
   * model's accuracy over the pool (null = no audit picks yet), on `holdoutN` items.
   */
  readonly holdoutAccuracy: number | null;
  readonly holdoutN: number;
  readonly trainMs: number;
  /** Stopping criteria and the other measures of this retrain (null in older databases). */
  readonly assessment?: Assessment | null;
}

/** A configured webhook receiver (see src/webhooks). */
export interface Webhook {
  /** "wh_" and hex digits. */
  readonly id: string;
  readonly url: string;
  /** The events it receives; "*" = every event. */
  readonly events: readonly string[] | "*";
  /** The HMAC-SHA256 key of its signatures (kept in clear: signing needs it). */
  readonly secret: string;
  readonly createdAt: number;
}

/** An event for the outbox: its JSON body is fixed here, so every retry sends the same bytes. */
export interface OutboxEvent {
  readonly id: string;
  readonly event: string;
  readonly createdAt: number;
  /** The raw JSON body `{id, event, createdAt, data}`. */
  readonly body: string;
}

/** A delivery due for an attempt: one event to one receiver. */
export interface DueDelivery {
  readonly deliveryId: number;
  readonly webhook: Webhook;
  readonly eventId: string;
  readonly event: string;
  readonly body: string;
  /** Attempts made so far. */
  readonly attempts: number;
}

/** One attempt's outcome; `state` is what the delivery becomes. */
export interface DeliveryAttempt {
  readonly deliveryId: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly at: number;
  /** The receiver's HTTP status, or null when no response came (then `error` says why). */
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** delivered (2xx), pending (retry at `nextAt`) or dead (gave up). */
  readonly state: "delivered" | "pending" | "dead";
  readonly nextAt: number;
}

/** A delivery as the log shows it, with every attempt. */
export interface DeliveryLogEntry {
  readonly deliveryId: number;
  readonly eventId: string;
  readonly event: string;
  readonly eventCreatedAt: number;
  readonly webhookId: string;
  /** Null once the webhook was removed. */
  readonly url: string | null;
  readonly state: "delivered" | "pending" | "dead";
  readonly attempts: readonly { readonly attempt: number; readonly at: number; readonly status: number | null; readonly error: string | null; readonly durationMs: number }[];
  /** The next attempt's time while pending. */
  readonly nextAt: number | null;
}

/** Why an item is in review: its annotators disagree, confident learning finds its label suspect (the model), or a spot check. */
export type ReviewReason = "disagreement" | "model" | "spot_check";

/** What was seen when an item entered review (stored as JSON beside it). */
export interface ReviewDetails {
  /** The item's label when it entered review (null: none, e.g. a dispute). */
  readonly label?: string | null;
  /** reason "model": the label the model gives out-of-sample, and its probability. */
  readonly modelLabel?: string;
  readonly probability?: number;
  /** reason "model": label quality, the out-of-sample probability of the given label (low = suspect). */
  readonly quality?: number;
  /** The model's iteration that flagged it. */
  readonly iteration?: number;
  /** reason "disagreement": the annotators' labels (annotator -> label). */
  readonly votes?: Readonly<Record<string, string>>;
}

/** An item's review (see src/server/reviews.ts). */
export interface NewReview {
  readonly itemIdx: number;
  readonly reason: ReviewReason;
  readonly details: ReviewDetails;
  readonly openedAt: number;
  /** The item's version when it entered review ({@link Store.itemVersion}). */
  readonly version: number;
}

export interface Review extends NewReview {
  readonly id: number;
  /** Null while open. */
  readonly resolvedAt: number | null;
  readonly resolvedBy: string | null;
  /** The reviewer's label (the item's final label), null while open. */
  readonly decision: string | null;
  /** The history record of kind "review" that holds the decision, null while open. */
  readonly annotationId: number | null;
  /** The annotators' labels the decision was taken over (annotator -> label), null while open. */
  readonly votes: Readonly<Record<string, string>> | null;
}

/** A review's outcome, as {@link Store.resolveReview} records it. */
export interface ReviewOutcome {
  readonly resolvedAt: number;
  readonly resolvedBy: string;
  readonly decision: string;
  readonly annotationId: number;
  readonly votes: Readonly<Record<string, string>>;
}

/** What an account may do (see src/auth/policy.ts). */
export type Role = "admin" | "reviewer" | "annotator" | "viewer";

/** An account as stored: secrets only as hashes (src/auth/hash.ts). */
export interface StoredUser {
  readonly id: number;
  /** A person's name (src/person-name.ts), unique in the project. */
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  /** scrypt hash of the login token. */
  readonly tokenHash: string;
  /** scrypt hash of the password, or null (token login only). */
  readonly passwordHash: string | null;
  readonly disabled: boolean;
}

/** A login session as stored: by the SHA-256 of its id (never the id itself). */
export interface StoredSession {
  readonly idHash: string;
  readonly userId: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** How to open a store. */
export interface StoreOptions {
  /** Create the database (init); otherwise it must exist. */
  readonly create?: boolean;
  /** Read only: nothing is written, not even a schema migration (see migrations.ts). */
  readonly readonly?: boolean;
  /** "normal" (default): crash-safe; "full": also power-loss safe (an fsync per commit). */
  readonly synchronous?: "normal" | "full";
  /**
   * With `create`: a database being built that is thrown away on any failure (init's staged
   * file): no journal and no syncs while it is written, so nothing is written twice. Not
   * crash-safe, and not meant to be: the next open sets the WAL journal again.
   */
  readonly bulk?: boolean;
}

export type { FeatureBlock } from "./feature-blocks.js";

export interface Store {
  readonly path: string;
  /** The schema version of the stored data (see migrations.ts). */
  readonly schemaVersion: number;
  meta(): ProjectMeta;
  setMeta(meta: ProjectMeta): void;
  itemCount(): number;
  item(idx: number): Item | undefined;
  /** Pool index of an item id, or undefined. */
  itemIdx(id: string): number | undefined;
  /** Items in pool order, read lazily. */
  items(): IterableIterator<Item>;
  /** Inserts items (one transaction); a duplicate id is reported with the offending id. */
  insertItems(items: readonly Item[]): void;
  /** {@link insertItems} with each item's data already as JSON text (an object of its fields; `init` writes it without building the object). */
  insertItemsJson(items: readonly { idx: number; id: string; json: string }[]): void;
  putFeatures(rows: readonly { idx: number; row: Uint8Array }[]): void;
  /**
   * Stored feature rows in the per-item encoding: those of `putFeatures` in pool order, then
   * those of the blocks (decoded; for tests and tools; the pool loads {@link featureBlocks}).
   */
  featureRows(): IterableIterator<{ idx: number; row: Uint8Array }>;
  /** Stores (or replaces) a block of consecutive feature rows (see feature-blocks.ts). */
  putFeatureBlock(block: FeatureBlock): void;
  /** The stored blocks in pool order (none in an older database not yet migrated). */
  featureBlocks(): IterableIterator<FeatureBlock>;
  /** Removes fields from every item's data (columns that `init` leaves out after the import). */
  dropItemFields(names: readonly string[]): void;
  /**
   * Appends one label record (committed durably before returning) and returns its id. Records
   * are appended, never changed or deleted (see {@link HistoryRecord} for the current-label rule).
   */
  addAnnotation(a: NewAnnotation): number;
  /** Adds many annotations in one transaction (seed labels at init). */
  addAnnotations(list: readonly NewAnnotation[]): void;
  /**
   * The latest live label record of `annotator` on an item, of the kinds an annotator gives
   * (label, relabel, import): a review decision is the item's, not the reviewer's own label, so
   * no undo takes it back (a later label or review supersedes it).
   */
  lastAnnotation(itemIdx: number, annotator: string): Annotation | undefined;
  /**
   * Appends an undo record by `annotator` taking back the live label record `id`, and returns
   * the undo's id. The label record stays in the history.
   * @throws ConflictError when `id` is not a live label record (already undone, or no such record)
   */
  undoAnnotation(id: number, annotator: string, at: number): number;
  /** The latest live label record of an item (its current label, who gave it, whether it was an audit pick). */
  currentAnnotation(itemIdx: number): Annotation | undefined;
  /** The current label of every labeled item (its latest live label record). */
  currentLabels(): { itemIdx: number; label: string }[];
  /** Current label of one item, or null. */
  currentLabel(itemIdx: number): string | null;
  /** The live label records (not undone), in the order they were made. */
  annotations(): IterableIterator<Annotation>;
  /**
   * Up to `limit` labeled items with pool index above `afterIdx`, in pool order, each with its
   * latest live label record (its current label): one bounded query per page, for streaming exports.
   */
  labeledPage(afterIdx: number, limit: number): { item: Item; annotation: Annotation }[];
  /** Live label records (what {@link Store.annotations} yields). */
  annotationCount(): number;
  /**
   * Up to `limit` history records of every kind with id above `afterId`, in the order they were
   * made, each with its item's id: one bounded query per page, for the long-format export.
   */
  historyPage(afterId: number, limit: number): { record: HistoryRecord; itemId: string }[];
  /**
   * Records that `annotator` passed on an item.
   * @returns false (and records nothing) when they have skipped it already
   */
  addSkip(itemIdx: number, annotator: string, at: number): boolean;
  /**
   * Records that `annotator` takes back their skip of an item.
   * @returns false (and records nothing) when they have not skipped it
   */
  removeSkip(itemIdx: number, annotator: string, at: number): boolean;
  /** The items each annotator has skipped and not taken back, in the order of the skips. */
  skips(): { itemIdx: number; annotator: string }[];
  /** Stores gold items (init); an id already present is a BadInputError. */
  insertGoldItems(items: readonly GoldItem[]): void;
  /** The gold items in the order stored (none in a project without them). */
  goldItems(): GoldItem[];
  /** Appends an answer to a gold item. @returns its id */
  addGoldAnswer(a: NewGoldAnswer): number;
  /** Marks an answer undone. @returns false (changing nothing) when there is no such answer still standing */
  undoGoldAnswer(id: number, at: number): boolean;
  /** Every gold answer, undone ones included, oldest first. */
  goldAnswers(): GoldAnswer[];
  /** Stores a model snapshot (the latest few are kept). */
  saveModel(labeled: number, model: SavedModel, at: number): void;
  latestModel(): { labeled: number; model: SavedModel; createdAt: number } | undefined;
  addIteration(it: Iteration): void;
  updateIterationAccuracy(iteration: number, accuracy: number | null, n: number): void;
  iterations(): Iteration[];
  /** Test-then-train counts of the labels stored at or after `at` that carry the model's prediction. */
  testThenTrainSince(at: number): { n: number; correct: number };
  /** A small piece of server state kept across restarts (key other than "project"), or undefined. */
  stateValue(key: string): string | undefined;
  setStateValue(key: string, value: string): void;
  /** Adds a webhook receiver. */
  addWebhook(w: Webhook): void;
  webhooks(): Webhook[];
  /** Removes a receiver; its pending deliveries become dead ("webhook removed"). False when unknown. */
  removeWebhook(id: string, at: number): boolean;
  /**
   * Puts an event in the outbox with one pending delivery per receiver subscribed to it (none:
   * nothing is stored). Inside a caller's transaction it commits with the caller's writes.
   * @returns the number of deliveries created
   */
  enqueueEvent(e: OutboxEvent): number;
  /** Up to `limit` pending deliveries due at `now`, oldest first, leaving out `skip` (in flight). */
  dueDeliveries(now: number, limit: number, skip?: ReadonlySet<number>): DueDelivery[];
  /** Records an attempt and the delivery's new state, together. */
  recordDeliveryAttempt(a: DeliveryAttempt): void;
  /** The latest `limit` deliveries, newest first, with their attempts. */
  deliveryLog(limit: number): DeliveryLogEntry[];
  /**
   * Forgets deliveries that finished (delivered or dead) before `finishedBefore`, their attempts,
   * and the events left with no delivery (pending ones are never touched). Returns how many.
   */
  pruneDeliveries(finishedBefore: number): number;
  /** Adds an account and returns its id; a name already taken is a ConflictError. */
  addUser(u: Omit<StoredUser, "id">): number;
  user(id: number): StoredUser | undefined;
  userByName(name: string): StoredUser | undefined;
  /** Every account, oldest first (empty in an older database without accounts). */
  users(): StoredUser[];
  /** Changes an account's role, hashes or disabled flag. */
  updateUser(id: number, change: Partial<Pick<StoredUser, "role" | "tokenHash" | "passwordHash" | "disabled">>): void;
  /** Removes an account and its sessions. */
  removeUser(id: number): void;
  addSession(s: StoredSession): void;
  session(idHash: string): StoredSession | undefined;
  deleteSession(idHash: string): void;
  /** Removes every session of an account (a token reset, a removal). */
  deleteSessionsOf(userId: number): void;
  /** Removes the sessions expired at `now`; returns how many. */
  deleteExpiredSessions(now: number): number;
  /** Every history record of one item, in the order they were made. */
  itemHistory(itemIdx: number): HistoryRecord[];
  /**
   * The item's version: the id of its latest label or undo record (0 when it has none). It
   * changes whenever the item's labels do (skips leave it), so a reviewer's decision can check
   * that the item is still as they saw it.
   */
  itemVersion(itemIdx: number): number;
  /**
   * Opens a review of an item, unless the item already has an open one.
   * @returns the review's id, or null when an open review of the item exists (nothing stored)
   */
  openReview(r: NewReview): number | null;
  review(id: number): Review | undefined;
  /** The open review of an item, if any. */
  openReviewOf(itemIdx: number): Review | undefined;
  /** The latest resolved review of an item, if any. */
  lastResolvedReviewOf(itemIdx: number): Review | undefined;
  /** Up to `limit` reviews with id above `afterId`, open or resolved, oldest first. */
  reviews(status: "open" | "resolved", afterId: number, limit: number): Review[];
  /** Counts of open and resolved reviews. */
  reviewCounts(): { open: number; resolved: number };
  /**
   * Records a review's outcome.
   * @returns false (and records nothing) when the review is unknown or already resolved
   */
  resolveReview(id: number, outcome: ReviewOutcome): boolean;
  /**
   * Runs `fn` in one transaction: every write it makes lands together or, when it throws, none
   * does (the error is rethrown). Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}
