/**
 * The persistence interface of a labeling project: its settings, the items (raw fields as JSON,
 * pool index = `idx`, 0..n-1 in import order), their stored feature rows, annotations (who,
 * when, how long), skips, model snapshots and iteration metrics. Every caller outside src/store
 * gets one from `openStore` (open.ts) and uses this interface only; one implementation today,
 * the SQLite store (sqlite.ts; better-sqlite3, WAL). Another database plugs in behind `openStore`
 * and must pass the conformance suite (conformance.test.ts).
 */
import type { Cell } from "../data/jsonl.js";
import type { SavedModel } from "../models/types.js";

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
}

export interface Item {
  /** Pool index, 0..n-1. */
  readonly idx: number;
  readonly id: string;
  readonly data: Record<string, Cell>;
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
}

export interface Annotation extends NewAnnotation {
  readonly id: number;
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
}

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
  putFeatures(rows: readonly { idx: number; row: Uint8Array }[]): void;
  /** Stored feature rows in pool order. */
  featureRows(): IterableIterator<{ idx: number; row: Uint8Array }>;
  /** Removes fields from every item's data (columns that `init` leaves out after the import). */
  dropItemFields(names: readonly string[]): void;
  /** Commits one annotation (durably, before returning) and returns its id. Annotations are appended, never changed. */
  addAnnotation(a: NewAnnotation): number;
  /** Adds many annotations in one transaction (seed labels at init). */
  addAnnotations(list: readonly NewAnnotation[]): void;
  /** The latest annotation of `annotator` on an item. */
  lastAnnotation(itemIdx: number, annotator: string): Annotation | undefined;
  /** Removes one annotation (an undo); the others are untouched. */
  deleteAnnotation(id: number): void;
  /** The latest annotation of an item (its current label, who gave it, whether it was an audit pick). */
  currentAnnotation(itemIdx: number): Annotation | undefined;
  /** The current label of every labeled item (its latest annotation). */
  currentLabels(): { itemIdx: number; label: string }[];
  /** Current label of one item, or null. */
  currentLabel(itemIdx: number): string | null;
  /** All annotations in the order they were made. */
  annotations(): IterableIterator<Annotation>;
  /**
   * Up to `limit` labeled items with pool index above `afterIdx`, in pool order, each with its
   * latest annotation (its current label): one bounded query per page, for streaming exports.
   */
  labeledPage(afterIdx: number, limit: number): { item: Item; annotation: Annotation }[];
  annotationCount(): number;
  /** Records that `annotator` passed on an item (again: no change). */
  addSkip(itemIdx: number, annotator: string, at: number): void;
  skips(): { itemIdx: number; annotator: string }[];
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
  /**
   * Runs `fn` in one transaction: every write it makes lands together or, when it throws, none
   * does (the error is rethrown). Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}
