/**
 * The Store conformance suite: what every store behind `openStore` must do, run against each
 * factory in {@link FACTORIES} (today SQLite only; a Postgres store adds itself there). Leases are
 * not stored (they live in the server's ready queue), so there is nothing of them to check here.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import type { SavedModel } from "../models/types.js";
import { ConflictError } from "../errors.js";
import { openStore } from "./open.js";
import type { Item, Iteration, NewAnnotation, ProjectMeta, Store, StoredUser } from "./types.js";

/** A store implementation under test: creates a fresh, empty store, and reopens it. */
interface Factory {
  readonly name: string;
  create(dir: string): Store;
  reopen(store: Store, readonly: boolean): Store;
}

const FACTORIES: readonly Factory[] = [
  {
    name: "sqlite",
    create: (dir) => openStore(path.join(dir, "project.db"), { create: true }),
    reopen: (store, readonly) => openStore(store.path, { readonly }),
  },
];

const META: ProjectMeta = {
  name: "conformance",
  labels: ["spam", "ham"],
  fields: [{ name: "text", kind: "text" }],
  textColumn: "text",
  labelColumn: null,
  idColumn: "id",
  strategy: "least_confidence",
  model: "logreg",
  retrainEvery: 10,
  source: "items.csv",
  createdAt: 1_700_000_000_000,
  featurizer: { kind: "test" },
  featureKind: "csr",
  featureWidth: 4,
  budget: null,
  targetAccuracy: 0.9,
};

const items = (n: number): Item[] => Array.from({ length: n }, (_, i) => ({ idx: i, id: `item-${i}`, data: { text: `text ${i}`, n: i % 3 === 0 ? null : String(i) } }));

const ann = (itemIdx: number, annotator: string, label: string, createdAt: number, extra: Partial<NewAnnotation> = {}): NewAnnotation => ({
  itemIdx,
  annotator,
  label,
  createdAt,
  durationMs: null,
  predicted: null,
  audit: false,
  ...extra,
});

const iteration = (n: number, labeled: number): Iteration => ({
  iteration: n,
  createdAt: 1000 * n,
  labeled,
  accuracy: null,
  accuracyN: 0,
  holdoutAccuracy: 0.5 + n / 100,
  holdoutN: 10 * n,
  trainMs: 1.5,
  assessment: { criteria: [{ name: "budget", state: "off", reason: "none" }], kappa: n === 1 ? null : 0.8, randomCurve: null, imported: null, importedCurve: null },
});

const MODEL = { kind: "test-model", weights: [1, 2, 3] } as unknown as SavedModel;

for (const f of FACTORIES) {
  const suite = (name: string, fn: (store: Store) => void): void => {
    void test(`${f.name} store: ${name}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-conformance-"));
      const store = f.create(dir);
      try {
        fn(store);
      } finally {
        store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  };

  suite("meta and state values round-trip and survive a reopen", (store) => {
    assert.throws(() => store.meta(), /not an initialised project/);
    store.setMeta(META);
    assert.deepEqual(store.meta(), META);
    store.setMeta({ ...META, retrainEvery: 5 });
    assert.equal(store.meta().retrainEvery, 5);
    assert.equal(store.stateValue("k"), undefined);
    store.setStateValue("k", "v1");
    store.setStateValue("k", "v2");
    assert.equal(store.stateValue("k"), "v2");
    assert.equal(store.stateValue("project"), undefined, "the settings are not a state value");
    const ro = f.reopen(store, true);
    try {
      assert.equal(ro.meta().retrainEvery, 5);
      assert.equal(ro.stateValue("k"), "v2");
    } finally {
      ro.close();
    }
  });

  suite("items: insert, look up, iterate in pool order, drop fields; a duplicate id changes nothing", (store) => {
    store.insertItems(items(5));
    assert.equal(store.itemCount(), 5);
    assert.deepEqual(store.item(3), items(5)[3]);
    assert.equal(store.item(9), undefined);
    assert.equal(store.itemIdx("item-4"), 4);
    assert.equal(store.itemIdx("nope"), undefined);
    assert.deepEqual([...store.items()].map((i) => i.idx), [0, 1, 2, 3, 4]);
    assert.throws(() => store.insertItems([{ idx: 5, id: "item-5", data: {} }, { idx: 6, id: "item-2", data: {} }]), /duplicate item id "item-2"/);
    assert.equal(store.itemCount(), 5, "the batch with the duplicate is not half-stored");
    store.dropItemFields(["n"]);
    assert.deepEqual(store.item(1)?.data, { text: "text 1" });
    store.putFeatures([{ idx: 1, row: Uint8Array.of(1, 2) }, { idx: 0, row: Uint8Array.of(3) }]);
    store.putFeatures([{ idx: 1, row: Uint8Array.of(9) }]);
    assert.deepEqual([...store.featureRows()].map((r) => [r.idx, [...r.row]]), [[0, [3]], [1, [9]]]);
  });

  suite("annotations are appended: a relabel adds a record, the latest is the current label", (store) => {
    store.insertItems(items(4));
    const a = store.addAnnotation(ann(0, "ana", "spam", 10, { durationMs: 1200, predicted: "ham", audit: true }));
    const b = store.addAnnotation(ann(0, "bo", "ham", 20));
    store.addAnnotations([ann(2, "import", "ham", 5, { kind: "import" }), ann(3, "import", "spam", 5, { kind: "import" })]);
    assert.ok(b > a);
    assert.equal(store.annotationCount(), 4);
    const all = [...store.annotations()];
    assert.deepEqual(all.map((x) => [x.itemIdx, x.annotator, x.label]), [[0, "ana", "spam"], [0, "bo", "ham"], [2, "import", "ham"], [3, "import", "spam"]]);
    assert.deepEqual(all[0], { id: a, itemIdx: 0, annotator: "ana", label: "spam", createdAt: 10, durationMs: 1200, predicted: "ham", audit: true, kind: "label" });
    assert.deepEqual(all.map((x) => x.kind), ["label", "label", "import", "import"], "bo's label on ana's item is bo's first: a label");
    assert.equal(store.currentLabel(0), "ham");
    assert.equal(store.currentLabel(1), null);
    assert.equal(store.currentAnnotation(0)?.annotator, "bo");
    assert.equal(store.lastAnnotation(0, "ana")?.id, a);
    assert.equal(store.lastAnnotation(0, "cy"), undefined);
    assert.deepEqual(store.currentLabels().sort((x, y) => x.itemIdx - y.itemIdx), [{ itemIdx: 0, label: "ham" }, { itemIdx: 2, label: "ham" }, { itemIdx: 3, label: "spam" }]);
    assert.deepEqual(store.testThenTrainSince(10), { n: 1, correct: 0 });
    assert.deepEqual(store.testThenTrainSince(11), { n: 0, correct: 0 });
    // An undo is a record of its own naming the label it takes back; the item falls back to its previous label.
    const u = store.undoAnnotation(b, "bo", 30);
    assert.ok(u > b);
    assert.equal(store.currentLabel(0), "spam");
    assert.equal(store.currentAnnotation(0)?.id, a);
    assert.equal(store.lastAnnotation(0, "bo"), undefined);
    assert.equal(store.annotationCount(), 3);
    assert.deepEqual([...store.annotations()].map((x) => x.id), [a, b + 1, b + 2]);
    assert.throws(() => store.undoAnnotation(b, "bo", 31), /not a live label/);
    assert.throws(() => store.undoAnnotation(u, "bo", 31), /not a live label/, "an undo is not a label to undo");
    const page1 = store.labeledPage(-1, 2);
    assert.deepEqual(page1.map((p) => [p.item.id, p.annotation.label]), [["item-0", "spam"], ["item-2", "ham"]]);
    assert.deepEqual(store.labeledPage(2, 2).map((p) => p.item.id), ["item-3"]);
    assert.deepEqual(store.labeledPage(3, 2), []);
    // Nothing was deleted: the history holds every record, the undone label and the undo included.
    const h = store.historyPage(0, 100).map((x) => [x.itemId, x.record.annotator, x.record.kind, x.record.label, x.record.undoes]);
    assert.deepEqual(h, [["item-0", "ana", "label", "spam", null], ["item-0", "bo", "label", "ham", null], ["item-2", "import", "import", "ham", null], ["item-3", "import", "import", "spam", null], ["item-0", "bo", "undo", "ham", b]]);
    assert.deepEqual(store.historyPage(b + 1, 2).map((x) => x.record.id), [b + 2, u], "paged by id");
  });

  suite("the current label: the latest live label record; undos unwind an annotator's labels newest first", (store) => {
    store.insertItems(items(2));
    const first = store.addAnnotation(ann(0, "ana", "spam", 1));
    const second = store.addAnnotation(ann(0, "ana", "ham", 2));
    assert.equal(store.lastAnnotation(0, "ana")?.kind, "relabel", "ana had a live label on the item");
    store.addAnnotation(ann(0, "bo", "spam", 3));
    assert.equal(store.currentLabel(0), "spam");
    // ana undoes her latest (the relabel): bo's label stays current.
    store.undoAnnotation(second, "ana", 4);
    assert.equal(store.currentLabel(0), "spam");
    assert.equal(store.lastAnnotation(0, "ana")?.id, first);
    // A new label by ana after her relabel was undone is a relabel again (her first is live).
    const third = store.addAnnotation(ann(0, "ana", "ham", 5));
    assert.equal(store.currentAnnotation(0)?.kind, "relabel");
    store.undoAnnotation(third, "ana", 6);
    store.undoAnnotation(first, "ana", 7);
    assert.equal(store.currentAnnotation(0)?.annotator, "bo");
    assert.equal(store.addAnnotation(ann(0, "ana", "ham", 8)) > 0, true);
    assert.equal(store.currentAnnotation(0)?.kind, "label", "no live label of ana's left: a label");
    assert.deepEqual(store.currentLabels(), [{ itemIdx: 0, label: "ham" }]);
    assert.deepEqual(store.testThenTrainSince(0), { n: 0, correct: 0 });
  });

  suite("skips: one live skip per item and annotator, taken back by an unskip, all kept as records", (store) => {
    store.insertItems(items(3));
    assert.equal(store.addSkip(1, "ana", 5), true);
    assert.equal(store.addSkip(1, "ana", 6), false, "skipped already: nothing recorded");
    assert.equal(store.addSkip(1, "bo", 7), true);
    assert.deepEqual(store.skips().sort((x, y) => x.annotator.localeCompare(y.annotator)), [{ itemIdx: 1, annotator: "ana" }, { itemIdx: 1, annotator: "bo" }]);
    assert.equal(store.removeSkip(1, "cy", 8), false, "cy has no skip to take back");
    assert.equal(store.removeSkip(1, "ana", 8), true);
    assert.equal(store.removeSkip(1, "ana", 9), false);
    assert.deepEqual(store.skips(), [{ itemIdx: 1, annotator: "bo" }]);
    assert.equal(store.addSkip(1, "ana", 10), true, "skipping again after the unskip");
    assert.deepEqual(store.skips().map((x) => x.annotator), ["bo", "ana"]);
    assert.deepEqual(store.historyPage(0, 10).map((x) => [x.record.annotator, x.record.kind, x.record.label, x.record.createdAt]), [["ana", "skip", null, 5], ["bo", "skip", null, 7], ["ana", "unskip", null, 8], ["ana", "skip", null, 10]]);
    assert.equal(store.annotationCount(), 0, "skips are no labels");
    assert.deepEqual(store.currentLabels(), []);
  });

  suite("iterations: stored in order, accuracy updated, replaced by number", (store) => {
    store.addIteration(iteration(1, 4));
    store.addIteration(iteration(2, 9));
    store.updateIterationAccuracy(1, 0.75, 8);
    const its = store.iterations();
    assert.deepEqual(its.map((i) => i.iteration), [1, 2]);
    assert.deepEqual(its[0], { ...iteration(1, 4), accuracy: 0.75, accuracyN: 8 });
    assert.deepEqual(its[1], iteration(2, 9));
    store.addIteration({ ...iteration(2, 10), assessment: null });
    assert.equal(store.iterations()[1].labeled, 10);
    assert.equal(store.iterations()[1].assessment, null);
  });

  suite("models: the latest snapshot comes back", (store) => {
    assert.equal(store.latestModel(), undefined);
    for (let i = 1; i <= 5; i++) store.saveModel(10 * i, { ...MODEL, version: i }, 100 * i);
    const latest = store.latestModel();
    assert.equal(latest?.labeled, 50);
    assert.equal(latest?.createdAt, 500);
    assert.deepEqual(latest?.model, { ...MODEL, version: 5 });
  });

  suite("transactions: all writes land together, none when the function throws", (store) => {
    store.insertItems(items(3));
    const out = store.transaction(() => {
      store.addAnnotation(ann(0, "ana", "spam", 1));
      store.setStateValue("t", "1");
      return 42;
    });
    assert.equal(out, 42);
    assert.equal(store.annotationCount(), 1);
    assert.throws(
      () =>
        store.transaction(() => {
          store.addAnnotation(ann(1, "ana", "ham", 2));
          store.addSkip(2, "ana", 2);
          store.setStateValue("t", "2");
          store.addIteration(iteration(1, 1));
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(store.annotationCount(), 1);
    assert.deepEqual(store.skips(), []);
    assert.equal(store.stateValue("t"), "1");
    assert.deepEqual(store.iterations(), []);
    // A nested transaction joins the outer one: it rolls back with it.
    assert.throws(() =>
      store.transaction(() => {
        store.transaction(() => store.addAnnotation(ann(2, "bo", "ham", 3)));
        throw new Error("outer");
      }),
    );
    assert.equal(store.currentLabel(2), null);
    // Reads inside a transaction see its writes.
    store.transaction(() => {
      store.addAnnotation(ann(2, "bo", "ham", 4));
      assert.equal(store.currentLabel(2), "ham");
    });
    assert.equal(store.annotationCount(), 2);
  });

  suite("webhooks: receivers, the outbox fans an event out to subscribed receivers only, due deliveries, attempts and the log", (store) => {
    store.addWebhook({ id: "wh_a", url: "http://127.0.0.1:1/a", events: "*", secret: "s".repeat(16), createdAt: 1 });
    store.addWebhook({ id: "wh_b", url: "http://127.0.0.1:1/b", events: ["model.retrained", "label.created"], secret: "t".repeat(16), createdAt: 2 });
    assert.deepEqual(store.webhooks().map((w) => [w.id, w.events]), [["wh_a", "*"], ["wh_b", ["model.retrained", "label.created"]]]);
    assert.equal(store.enqueueEvent({ id: "e1", event: "label.created", createdAt: 10, body: '{"id":"e1"}' }), 2);
    assert.equal(store.enqueueEvent({ id: "e2", event: "stopping.advice", createdAt: 11, body: '{"id":"e2"}' }), 1);
    // A name that only contains a subscribed one is not subscribed.
    assert.equal(store.enqueueEvent({ id: "e3", event: "label", createdAt: 12, body: "{}" }), 1);
    const due = store.dueDeliveries(100, 10);
    assert.equal(due.length, 4);
    assert.deepEqual(due.map((d) => [d.eventId, d.webhook.id]).sort(), [["e1", "wh_a"], ["e1", "wh_b"], ["e2", "wh_a"], ["e3", "wh_a"]]);
    assert.equal(store.dueDeliveries(9, 10).length, 0, "none is due before its event");
    const first = due[0];
    assert.equal(store.dueDeliveries(100, 10, new Set([first.deliveryId])).length, 3, "in-flight ones are left out");
    store.recordDeliveryAttempt({ deliveryId: first.deliveryId, attempt: 1, at: 100, status: 500, error: "HTTP 500", durationMs: 3, state: "pending", nextAt: 200 });
    assert.equal(store.dueDeliveries(150, 10).length, 3, "a retry waits for its time");
    const again = store.dueDeliveries(200, 10).find((d) => d.deliveryId === first.deliveryId);
    assert.equal(again?.attempts, 1);
    store.recordDeliveryAttempt({ deliveryId: first.deliveryId, attempt: 2, at: 200, status: 200, error: null, durationMs: 4, state: "delivered", nextAt: 200 });
    const logged = store.deliveryLog(10).find((d) => d.deliveryId === first.deliveryId);
    assert.deepEqual(logged?.attempts.map((a) => [a.attempt, a.status]), [[1, 500], [2, 200]]);
    assert.equal(logged?.state, "delivered");
    assert.equal(logged?.nextAt, null);
    assert.equal(store.deliveryLog(2).length, 2, "the limit holds");
    assert.equal(store.removeWebhook("wh_a", 300), true);
    assert.deepEqual(store.dueDeliveries(1000, 10).map((d) => [d.eventId, d.webhook.id]), [["e1", "wh_b"]], "a removed receiver's deliveries are not due");
    assert.ok(store.deliveryLog(10).filter((d) => d.webhookId === "wh_a" && d.deliveryId !== first.deliveryId).every((d) => d.state === "dead" && d.url === null));
    // Pruning forgets finished deliveries by when they finished; a pending one and its event stay.
    assert.equal(store.pruneDeliveries(250), 1, "the delivery finished at 200");
    assert.equal(store.deliveryLog(10).length, 3);
    assert.equal(store.pruneDeliveries(301), 2, "the two made dead at 300 by the removal");
    assert.deepEqual(store.deliveryLog(10).map((d) => [d.eventId, d.webhookId, d.state]), [["e1", "wh_b", "pending"]]);
    assert.deepEqual(store.dueDeliveries(1000, 10).map((d) => [d.eventId, d.body]), [["e1", '{"id":"e1"}']], "the pending delivery still has its event");
    assert.equal(store.pruneDeliveries(10_000), 0);
  });

  suite("accounts: add, look up, update, remove (with their sessions); a taken name is a conflict", (store) => {
    const u = (name: string): Omit<StoredUser, "id"> => ({ name, role: "annotator", createdAt: 5, tokenHash: `h-${name}`, passwordHash: null, disabled: false });
    assert.deepEqual(store.users(), []);
    const ana = store.addUser(u("ana"));
    const bo = store.addUser({ ...u("bo"), role: "admin", passwordHash: "p" });
    assert.notEqual(ana, bo);
    assert.deepEqual(store.user(ana), { id: ana, ...u("ana") });
    assert.equal(store.userByName("bo")?.id, bo);
    assert.equal(store.userByName("Bo"), undefined, "names are exact");
    assert.throws(() => store.addUser(u("ana")), (e: unknown) => e instanceof ConflictError && /"ana" already exists/.test(e.message));
    assert.deepEqual(store.users().map((x) => x.name), ["ana", "bo"]);
    store.updateUser(ana, { role: "reviewer", disabled: true });
    assert.deepEqual(store.user(ana), { id: ana, ...u("ana"), role: "reviewer", disabled: true });
    store.updateUser(ana, { tokenHash: "h2", passwordHash: "p2" });
    assert.equal(store.user(ana)?.tokenHash, "h2");
    assert.equal(store.user(ana)?.role, "reviewer", "an update changes only what it names");
    store.addSession({ idHash: "s1", userId: ana, createdAt: 1, expiresAt: 10 });
    store.addSession({ idHash: "s2", userId: ana, createdAt: 1, expiresAt: 20 });
    store.addSession({ idHash: "s3", userId: bo, createdAt: 1, expiresAt: 30 });
    assert.deepEqual(store.session("s1"), { idHash: "s1", userId: ana, createdAt: 1, expiresAt: 10 });
    assert.equal(store.deleteExpiredSessions(10), 1);
    assert.equal(store.session("s1"), undefined);
    store.removeUser(ana);
    assert.equal(store.user(ana), undefined);
    assert.equal(store.session("s2"), undefined, "a removed account's sessions go with it");
    assert.equal(store.session("s3")?.userId, bo);
    store.deleteSessionsOf(bo);
    assert.equal(store.session("s3"), undefined);
    const ro = f.reopen(store, true);
    try {
      assert.deepEqual(ro.users().map((x) => x.name), ["bo"]);
      assert.throws(() => ro.addUser(u("cy")));
    } finally {
      ro.close();
    }
  });

  suite("reviews: one open review per item, item history and version, resolving records the outcome once", (store) => {
    store.insertItems(items(3));
    assert.equal(store.itemVersion(0), 0, "no label or undo yet");
    const a = store.addAnnotation(ann(0, "ana", "spam", 10));
    store.addSkip(0, "cy", 11);
    assert.equal(store.itemVersion(0), a, "a skip leaves the version");
    const b = store.addAnnotation(ann(0, "bo", "ham", 20));
    assert.equal(store.itemVersion(0), b);
    assert.deepEqual(store.itemHistory(0).map((r) => [r.annotator, r.kind, r.label]), [["ana", "label", "spam"], ["cy", "skip", null], ["bo", "label", "ham"]]);
    assert.deepEqual(store.itemHistory(1), []);
    assert.deepEqual(store.reviewCounts(), { open: 0, resolved: 0 });
    const r1 = store.openReview({ itemIdx: 0, reason: "disagreement", details: { votes: { ana: "spam", bo: "ham" } }, openedAt: 30, version: b });
    assert.ok(r1 !== null);
    assert.equal(store.openReview({ itemIdx: 0, reason: "model", details: {}, openedAt: 31, version: b }), null, "an item in open review is not added twice");
    const r2 = store.openReview({ itemIdx: 2, reason: "model", details: { label: "ham", modelLabel: "spam", probability: 0.95, iteration: 3 }, openedAt: 32, version: 0 });
    assert.ok(r2 !== null && r2 > r1);
    assert.deepEqual(store.review(r1), { id: r1, itemIdx: 0, reason: "disagreement", details: { votes: { ana: "spam", bo: "ham" } }, openedAt: 30, version: b, resolvedAt: null, resolvedBy: null, decision: null, annotationId: null, votes: null });
    assert.equal(store.openReviewOf(0)?.id, r1);
    assert.equal(store.openReviewOf(1), undefined);
    assert.equal(store.review(999), undefined);
    assert.deepEqual(store.reviews("open", 0, 10).map((r) => r.id), [r1, r2]);
    assert.deepEqual(store.reviews("open", r1, 10).map((r) => r.id), [r2], "paged by id");
    assert.deepEqual(store.reviews("open", 0, 1).map((r) => r.id), [r1]);
    const d = store.addAnnotation(ann(0, "rita", "spam", 40, { kind: "review" }));
    const outcome = { resolvedAt: 40, resolvedBy: "rita", decision: "spam", annotationId: d, votes: { bo: "ham" } };
    assert.equal(store.resolveReview(r1, outcome), true);
    assert.equal(store.resolveReview(r1, { ...outcome, decision: "ham" }), false, "resolved once");
    assert.equal(store.resolveReview(999, outcome), false);
    assert.deepEqual(store.review(r1), { ...store.review(r1)!, ...outcome });
    assert.equal(store.openReviewOf(0), undefined);
    assert.equal(store.lastResolvedReviewOf(0)?.id, r1);
    assert.deepEqual(store.reviews("resolved", 0, 10).map((r) => r.id), [r1]);
    assert.deepEqual(store.reviewCounts(), { open: 1, resolved: 1 });
    // The decision is the item's current label; it is nobody's own label to undo or relabel.
    assert.equal(store.currentLabel(0), "spam");
    assert.equal(store.currentAnnotation(0)?.kind, "review");
    assert.equal(store.lastAnnotation(0, "rita"), undefined, "a review decision is not the reviewer's own label");
    assert.equal(store.addAnnotation(ann(0, "rita", "ham", 50)) > d, true);
    assert.equal(store.lastAnnotation(0, "rita")?.kind, "label", "the reviewer's own first label on the item is a label, not a relabel");
    const again = store.openReview({ itemIdx: 0, reason: "spot_check", details: {}, openedAt: 60, version: store.itemVersion(0) });
    assert.ok(again !== null, "a resolved item may enter review again");
    const ro = f.reopen(store, true);
    try {
      assert.deepEqual(ro.reviewCounts(), { open: 2, resolved: 1 });
      assert.deepEqual(ro.review(r1)?.votes, { bo: "ham" });
    } finally {
      ro.close();
    }
  });

  suite("gold items and their answers are kept apart from the pool, answers append-only apart from the undo mark", (store) => {
    store.setMeta(META);
    store.insertItems(items(2));
    assert.deepEqual(store.goldItems(), []);
    assert.deepEqual(store.goldAnswers(), []);
    const gold = [
      { id: "g-2", data: { text: "win cash", n: null }, label: "spam" },
      { id: "g-1", data: { text: "lunch?", n: "4" }, label: "ham" },
    ];
    store.insertGoldItems(gold);
    assert.deepEqual(store.goldItems(), gold, "in the order stored");
    assert.throws(() => store.insertGoldItems([{ id: "g-1", data: {}, label: "spam" }]), /"g-1" is already stored/);
    assert.deepEqual(store.goldItems(), gold, "a refused insert changes nothing");
    assert.equal(store.itemCount(), 2, "gold items are not pool items");
    assert.equal(store.itemIdx("g-1"), undefined);
    const a = store.addGoldAnswer({ goldId: "g-1", annotator: "ana", label: "spam", createdAt: 10, durationMs: 1234.4 });
    const b = store.addGoldAnswer({ goldId: "g-2", annotator: "ana", label: null, createdAt: 11, durationMs: null });
    assert.ok(b > a);
    assert.equal(store.undoGoldAnswer(a, 12), true);
    assert.equal(store.undoGoldAnswer(a, 13), false, "undone once only");
    assert.equal(store.undoGoldAnswer(9999, 13), false);
    assert.deepEqual(store.goldAnswers(), [
      { id: a, goldId: "g-1", annotator: "ana", label: "spam", createdAt: 10, durationMs: 1234, undoneAt: 12 },
      { id: b, goldId: "g-2", annotator: "ana", label: null, createdAt: 11, durationMs: null, undoneAt: null },
    ]);
    assert.equal(store.annotationCount(), 0, "gold answers are not annotations");
    const ro = f.reopen(store, true);
    try {
      assert.deepEqual(ro.goldItems(), gold);
      assert.equal(ro.goldAnswers().length, 2);
      assert.throws(() => ro.addGoldAnswer({ goldId: "g-1", annotator: "bo", label: "ham", createdAt: 14, durationMs: null }));
    } finally {
      ro.close();
    }
  });

  suite("a read-only reopen sees every committed write and refuses to write", (store) => {
    store.setMeta(META);
    store.insertItems(items(2));
    store.addAnnotation(ann(1, "ana", "spam", 1));
    const ro = f.reopen(store, true);
    try {
      assert.equal(ro.currentLabel(1), "spam");
      assert.throws(() => ro.addAnnotation(ann(0, "ana", "ham", 2)));
    } finally {
      ro.close();
    }
    assert.equal(store.annotationCount(), 1);
  });
}
