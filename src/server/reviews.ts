/**
 * The review queue of a served project. An item enters review (a row in the store's reviews,
 * and an `item.disputed` event in the same transaction) when
 * - its annotators disagree: an overlapping item whose labels are a dispute (a majority tie, or a
 *   Dawid-Skene posterior too uncertain: overlap.ts) once every slot is filled (adaptive
 *   overlap's extra slots too), checked in the label's transaction ({@link onLabel}) and, as a
 *   refit can change a Dawid-Skene dispute, after every retrain ({@link afterRefit});
 * - the model finds its label suspect: after a retrain, confident learning on the labeled items'
 *   out-of-fold probabilities (from models that never saw their labels) flags it, at most
 *   MODEL_REVIEW_CAP a retrain, lowest label quality first (the rule and its guards:
 *   model-review.ts; {@link afterRetrain}); an item a reviewer resolved is not flagged again
 *   while it is unchanged since the decision, nor by the model iteration that flagged it;
 * - a spot check: a share (`init --review-share`) of single-labeled items, chosen by a seeded
 *   hash of the item, on their first annotator label.
 * An item already in open review is not added twice.
 *
 * A reviewer asks for the next review ({@link next}): it is leased to them (as items are to
 * annotators, in memory), so two reviewers do not get the same one. The decision
 * ({@link resolve}) is a history record of kind "review" whose label becomes the item's final
 * label (the latest label record: overlap's consensus and the label state take it; see
 * overlap.ts); the earlier labels stay in the history. A decision on an item whose labels
 * changed since the reviewer saw it (its version, see Store.itemVersion) is a 409.
 *
 * @example
 * const q = new ReviewQueue({ store, meta, overlap, seed: 0, leaseMs: 300_000, emit });
 * const view = q.next("rita", Date.now(), modelView); // leased to rita
 * q.resolve(view.review.id, "spam", view.seen, "rita", Date.now());
 */
import { BadInputError, ConflictError, NotFoundError } from "../errors.js";
import { wilson } from "../eval/metrics.js";
import type { ProjectMeta, Review, ReviewDetails, ReviewReason, Store } from "../store/types.js";
import { liveLabels, votesOf, whyOf } from "./review-history.js";
import type { Emit } from "../webhooks/events.js";
import type { ReviewFigures, ReviewSummary, ReviewView } from "../contract/review-schemas.js";
import type { TrainingSet } from "./label-state.js";
import { majorityLabel } from "../project/consensus.js";
import { IMPORT_ANNOTATOR } from "../project/init.js";
import { unitHash, type Overlap } from "./overlap.js";
import { MODEL_REVIEW_CAP, modelSuspects } from "../quality/model-review.js";

/** Mixed into the project's seed for the spot-check choice (independent of the overlap choice). */
export const SPOT_SALT = 0x53504f54;

/** Open reviews read per page while looking for the next free one. */
const PAGE = 200;

export interface ReviewQueueOptions {
  readonly store: Store;
  readonly meta: ProjectMeta;
  readonly overlap: Overlap;
  readonly seed: number;
  /** How long a review stays with the reviewer it was given to. */
  readonly leaseMs: number;
  /** item.disputed and review.resolved, written in the transaction of their change. */
  readonly emit?: Emit;
}

/** What the current model says of an item (null before the first model). */
export type ModelView = (itemIdx: number) => { label: string; probabilities: Record<string, number> } | null;

/** A stored decision, for the in-memory state to apply. */
export interface Resolution {
  readonly itemIdx: number;
  readonly classIndex: number;
  readonly annotationId: number;
  readonly at: number;
  readonly audit: boolean;
  readonly summary: ReviewSummary;
  readonly accepted: string | null;
}

const iso = (t: number): string => new Date(t).toISOString();

export class ReviewQueue {
  /** Review id -> who holds it until when. */
  private readonly leases = new Map<number, { readonly by: string; readonly until: number }>();
  /** Reviews each reviewer passed on (offered again only once nothing else is left). */
  private readonly skipped = new Map<string, Set<number>>();
  /** Per annotator: labels on resolved items, and how many the decision differed from. */
  private readonly overturn = new Map<string, { reviewed: number; overturned: number }>();
  private spotShare: number;

  constructor(private readonly o: ReviewQueueOptions) {
    this.spotShare = o.meta.reviewShare ?? 0;
    for (let after = 0; ; ) {
      const page = o.store.reviews("resolved", after, 1000);
      for (const r of page) this.count(r);
      if (page.length < 1000) break;
      after = page[page.length - 1].id;
    }
  }

  private count(r: Review): void {
    if (r.votes === null || r.decision === null) return;
    for (const [who, label] of Object.entries(r.votes)) {
      const c = this.overturn.get(who) ?? { reviewed: 0, overturned: 0 };
      c.reviewed++;
      if (label !== r.decision) c.overturned++;
      this.overturn.set(who, c);
    }
  }

  private summary(r: Review, now: number): ReviewSummary {
    const lease = this.leases.get(r.id);
    return {
      id: r.id,
      itemId: this.o.store.item(r.itemIdx)?.id ?? String(r.itemIdx),
      reason: r.reason,
      why: whyOf(r, this.spotShare),
      details: r.details,
      openedAt: iso(r.openedAt),
      status: r.resolvedAt === null ? "open" : "resolved",
      resolvedAt: r.resolvedAt === null ? null : iso(r.resolvedAt),
      resolvedBy: r.resolvedBy,
      decision: r.decision,
      leasedBy: r.resolvedAt === null && lease !== undefined && lease.until > now ? lease.by : null,
    };
  }

  /** Opens a review and emits item.disputed (inside the caller's transaction); false when one is open already. */
  private open(idx: number, reason: ReviewReason, details: ReviewDetails, now: number): boolean {
    const { store, emit } = this.o;
    return store.transaction(() => {
      const id = store.openReview({ itemIdx: idx, reason, details, openedAt: now, version: store.itemVersion(idx) });
      if (id === null) return false;
      if (emit !== undefined) {
        const labels = liveLabels(store.itemHistory(idx)).map((r) => ({ annotator: r.annotator, label: r.label ?? "", createdAt: iso(r.createdAt) }));
        emit("item.disputed", { itemId: store.item(idx)?.id ?? String(idx), reason, labels }, now);
      }
      return true;
    });
  }

  /**
   * Called in the transaction of a stored annotator label (class `c`), before the overlap votes
   * take it: opens a disagreement review when the label leaves the item tied with no slot left,
   * else a spot check when the item is single-labeled, chosen, and was never reviewed.
   */
  onLabel(idx: number, annotator: string, c: number, now: number): void {
    const { store, overlap, meta } = this.o;
    if (annotator === IMPORT_ANNOTATOR) return;
    if (overlap.wouldDispute(idx, annotator, c)) {
      const votes: Record<string, string> = {};
      for (const [who, v] of overlap.votesOf(idx)) votes[who] = meta.labels[v];
      votes[annotator] = meta.labels[c];
      this.open(idx, "disagreement", { label: null, votes }, now);
      return;
    }
    if (this.spotShare <= 0 || overlap.overlaps(idx)) return;
    if (unitHash((this.o.seed ^ SPOT_SALT) | 0, idx) >= this.spotShare) return;
    if (store.openReviewOf(idx) !== undefined || store.lastResolvedReviewOf(idx) !== undefined) return;
    this.open(idx, "spot_check", { label: meta.labels[c] }, now);
  }

  /** An admin's new spot-check share (0..1): items labeled from now on are drawn with it (the draw is per item, so a raised share keeps the items already drawn). */
  setSpotShare(share: number): void {
    this.spotShare = share;
  }

  /**
   * Called in a retrain's install transaction with the training set it fitted and the labeled
   * items' out-of-fold probabilities: opens a model review for the items confident learning flags
   * (model-review.ts), lowest label quality first, up to MODEL_REVIEW_CAP, skipping an item whose
   * training label changed since (`current` differs), one in open review, and one a reviewer
   * resolved that is unchanged since the decision or was flagged by this same iteration.
   * @returns the reviews opened
   */
  afterRetrain(set: TrainingSet, oof: Float64Array | null, current: (idx: number) => number | undefined, iteration: number, now: number): number {
    if (oof === null) return 0;
    const { store, meta } = this.o;
    const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
    let opened = 0;
    for (const s of modelSuspects(oof, set.y, meta.labels)) {
      if (opened >= MODEL_REVIEW_CAP) break;
      const idx = set.labeled[s.t];
      if (current(idx) !== s.given || store.openReviewOf(idx) !== undefined) continue;
      const last = store.lastResolvedReviewOf(idx);
      // Confirmed by a reviewer and unchanged since: the model is not new evidence; nor is the model that flagged it.
      if (last !== undefined && (last.annotationId === store.itemVersion(idx) || (last.reason === "model" && last.details.iteration === iteration))) continue;
      const details: ReviewDetails = { label: meta.labels[s.given], modelLabel: meta.labels[s.suggested], probability: round4(s.probability), quality: round4(s.quality), iteration };
      if (this.open(idx, "model", details, now)) opened++;
    }
    return opened;
  }

  /**
   * Called in a retrain's install transaction after the consensus was fitted again: opens a
   * disagreement review for every complete item now in dispute that has none open (under
   * Dawid-Skene a refit can leave an item's posterior too uncertain without a new label).
   * @returns the reviews opened
   */
  afterRefit(now: number): number {
    const { store, overlap, meta } = this.o;
    // A majority tie changes only with a label, which onLabel checks.
    if (overlap.fit.inUse !== "dawid-skene") return 0;
    let opened = 0;
    for (const idx of overlap.disputedComplete()) {
      if (store.openReviewOf(idx) !== undefined) continue;
      const votes: Record<string, string> = {};
      for (const [who, v] of overlap.votesOf(idx)) votes[who] = meta.labels[v];
      if (this.open(idx, "disagreement", { label: null, votes }, now)) opened++;
    }
    return opened;
  }

  /** Up to `limit` reviews with id above `after`, oldest first, and the counts. */
  list(status: "open" | "resolved", after: number, limit: number, now: number): { reviews: ReviewSummary[]; open: number; resolved: number } {
    const counts = this.o.store.reviewCounts();
    return { reviews: this.o.store.reviews(status, after, limit).map((r) => this.summary(r, now)), ...counts };
  }

  private leasedToOther(id: number, reviewer: string, now: number): string | null {
    const l = this.leases.get(id);
    return l !== undefined && l.until > now && l.by !== reviewer ? l.by : null;
  }

  /**
   * The reviewer's next review, leased to them: the one they hold, else the oldest open review
   * no other reviewer holds (those they skipped last). With `skip`, they pass on that review
   * first (its lease ends). Null when none is free.
   */
  next(reviewer: string, now: number, model: ModelView, skip?: number): ReviewView | null {
    const { store } = this.o;
    const passed = this.skipped.get(reviewer) ?? new Set<number>();
    this.skipped.set(reviewer, passed);
    if (skip !== undefined) {
      const l = this.leases.get(skip);
      if (l?.by === reviewer) this.leases.delete(skip);
      passed.add(skip);
    }
    // The review they hold (still open), else the oldest free one they did not pass on.
    let pick: Review | undefined;
    for (const [id, l] of this.leases) {
      if (l.by !== reviewer || l.until <= now || passed.has(id)) continue;
      const r = store.review(id);
      if (r !== undefined && r.resolvedAt === null) pick = r;
      break;
    }
    let fallback: Review | undefined;
    for (let after = 0; pick === undefined; ) {
      const page = store.reviews("open", after, PAGE);
      for (const r of page) {
        if (this.leasedToOther(r.id, reviewer, now) !== null) continue;
        if (!passed.has(r.id)) {
          pick = r;
          break;
        }
        fallback ??= r;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }
    if (pick === undefined && fallback !== undefined) {
      // Everything free was passed on: start the round again.
      passed.clear();
      pick = fallback;
    }
    if (pick === undefined) return null;
    for (const [id, l] of this.leases) if (l.by === reviewer || l.until <= now) this.leases.delete(id);
    this.leases.set(pick.id, { by: reviewer, until: now + this.o.leaseMs });
    return this.view(pick, now, model);
  }

  /** A review as the reviewer sees it. */
  private view(r: Review, now: number, model: ModelView): ReviewView {
    const { store, meta } = this.o;
    const item = store.item(r.itemIdx);
    if (item === undefined) throw new NotFoundError(`review ${r.id}: no item at pool index ${r.itemIdx}`);
    const history = store.itemHistory(r.itemIdx);
    const live = new Set(liveLabels(history).map((h) => h.id));
    const labels = history
      .filter((h) => h.kind === "label" || h.kind === "relabel" || h.kind === "import" || h.kind === "review")
      .map((h) => ({ annotator: h.annotator, label: h.label ?? "", kind: h.kind as "label" | "relabel" | "import" | "review", at: iso(h.createdAt), undone: !live.has(h.id) }));
    const votes = votesOf(history);
    const majority = Object.keys(votes).length > 0 ? majorityLabel(new Map(Object.entries(votes))) : store.currentLabel(r.itemIdx);
    const m = model(r.itemIdx);
    const lease = this.leases.get(r.id);
    return {
      review: this.summary(r, now),
      item: { id: item.id, data: item.data },
      labels,
      majority: majority !== null && meta.labels.includes(majority) ? majority : null,
      // A disputed item does not train: then the current model never saw its labels.
      model: m === null ? null : { ...m, outOfSample: this.o.overlap.disputed(r.itemIdx) || store.currentLabel(r.itemIdx) === null },
      seen: store.itemVersion(r.itemIdx),
      leaseExpiresAt: iso(lease?.until ?? now),
    };
  }

  /**
   * Records a reviewer's decision: a history record of kind "review" (the item's final label),
   * the review's outcome and `review.resolved`, in one transaction. The caller applies it to the
   * in-memory state.
   * @throws NotFoundError for an unknown review; ConflictError when it is resolved already, held
   * by another reviewer, or the item changed since version `seen`; BadInputError for a label
   * the project does not have
   */
  resolve(id: number, label: string, seen: number, reviewer: string, now: number): Resolution {
    const { store, meta, emit } = this.o;
    const c = meta.labels.indexOf(label);
    if (c < 0) throw new BadInputError(`body: field "label": unknown label "${label}"; the project's labels are ${meta.labels.map((l) => `"${l}"`).join(", ")}`, { field: "label" });
    const r = store.review(id);
    if (r === undefined) throw new NotFoundError(`no review with id ${id}`);
    if (r.resolvedAt !== null) throw new ConflictError(`review ${id} is resolved already (${r.decision ?? "?"} by ${r.resolvedBy ?? "?"})`);
    const other = this.leasedToOther(id, reviewer, now);
    if (other !== null) throw new ConflictError(`review ${id} is held by reviewer ${other}`);
    const out = store.transaction(() => {
      const version = store.itemVersion(r.itemIdx);
      if (version !== seen) throw new ConflictError(`the item changed since you saw it (version ${seen}, now ${version}: a label or undo arrived); fetch the review again and decide on what it shows`);
      const history = store.itemHistory(r.itemIdx);
      const votes = votesOf(history);
      const current = store.currentAnnotation(r.itemIdx);
      const audit = current?.audit === true;
      const annotationId = store.addAnnotation({ itemIdx: r.itemIdx, annotator: reviewer, label, createdAt: now, durationMs: null, predicted: null, audit, kind: "review" });
      if (!store.resolveReview(id, { resolvedAt: now, resolvedBy: reviewer, decision: label, annotationId, votes })) throw new ConflictError(`review ${id} is resolved already`);
      const accepted = liveLabels(history).find((h) => h.kind !== "review" && h.label === label)?.annotator ?? null;
      const itemId = store.item(r.itemIdx)?.id ?? String(r.itemIdx);
      emit?.("review.resolved", { itemId, label, reviewer, accepted, createdAt: iso(now) }, now);
      return { annotationId, audit, accepted };
    });
    this.leases.delete(id);
    const resolved = store.review(id)!;
    this.count(resolved);
    return { itemIdx: r.itemIdx, classIndex: c, annotationId: out.annotationId, at: now, audit: out.audit, summary: this.summary(resolved, now), accepted: out.accepted };
  }

  /** The dashboard's review figures: open and resolved reviews, and per annotator the share of their labels overturned. */
  figures(): ReviewFigures {
    const counts = this.o.store.reviewCounts();
    const overturned = [...this.overturn]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, x]) => {
        const w = x.reviewed > 0 ? wilson(x.overturned, x.reviewed) : null;
        return { name, reviewed: x.reviewed, overturned: x.overturned, share: x.reviewed > 0 ? Math.round((x.overturned / x.reviewed) * 1e4) / 1e4 : null, interval: w === null ? null : ([Math.round(w.low * 1e4) / 1e4, Math.round(w.high * 1e4) / 1e4] as [number, number]) };
      });
    return { ...counts, overturned };
  }
}
