/**
 * The review queue on the real server: items enter review when their annotators disagree, when
 * confident learning on out-of-fold probabilities finds the label likely wrong, or as a spot check; reviewers lease them,
 * decide, and the decision is the item's final label (export, consensus, label counts), with a
 * 409 on an item that changed meanwhile; item.disputed and review.resolved reach a receiver.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { exportHistory } from "../project/export-history.js";
import { exportLabels } from "../project/export.js";
import { initProject, projectDbPath } from "../project/init.js";
import type { OverlapOptions } from "../project/overlap-settings.js";
import { openStore } from "../store/open.js";
import { addWebhook } from "../webhooks/config.js";
import type { ItemDisputed, ReviewResolved } from "../webhooks/events.js";
import { startReceiver } from "../webhooks/testing.js";
import { startServer, type RunningServer } from "./app.js";
import { unitHash } from "./overlap.js";
import { SPOT_SALT } from "./reviews.js";
import { MODEL_REVIEW_CAP } from "../quality/model-review.js";
import { call, syntheticTruth, writeSyntheticCsv, type ItemReply } from "./testing.js";
import type { ReviewView } from "../contract/review-schemas.js";

const SECRET = "review-test-secret-0123";

interface Summary {
  id: number;
  itemId: string;
  reason: string;
  status: string;
  decision: string | null;
  details: { modelLabel?: string; probability?: number; quality?: number; iteration?: number; label?: string | null };
}

/** A project of `n` synthetic items with the given options (no seed labels unless `seedLabels`). */
async function project(n: number, o: OverlapOptions & { reviewShare?: number; retrainEvery?: number } = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-review-"));
  const data = writeSyntheticCsv(dir, n, 0);
  const proj = path.join(dir, "proj");
  await initProject({ dir: proj, data, labels: ["spam", "ham"], text: "text", id: "id", ignore: ["seed_label"], retrainEvery: 1000, ...o });
  return proj;
}

async function served(dir: string, fn: (srv: RunningServer) => Promise<void>): Promise<void> {
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    await fn(srv);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

async function label(srv: RunningServer, who: string, l?: (id: string) => string): Promise<string> {
  const item = ((await call(srv.url, "GET", `/api/next?annotator=${who}`)).body as ItemReply).item;
  const r = await call(srv.url, "POST", `/api/items/${item.id}/label`, { label: l?.(item.id) ?? syntheticTruth(item.id), annotator: who });
  assert.equal(r.status, 201, r.text);
  return item.id;
}

async function nextReview(srv: RunningServer, who: string, skip?: number): Promise<ReviewView | null> {
  const r = await call(srv.url, "GET", `/api/review/next?reviewer=${who}${skip !== undefined ? `&skip=${skip}` : ""}`);
  assert.equal(r.status, 200, r.text);
  return (r.body as { review: ReviewView | null }).review;
}

const other = (l: string): string => (l === "spam" ? "ham" : "spam");

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

void test("disagreement: a tie with no slot left enters review (item.disputed), a reviewer's decision is the final label (review.resolved), earlier labels stay", async () => {
  const rx = await startReceiver(SECRET);
  const dir = await project(20, { overlap: 2, overlapShare: 1 });
  const store = openStore(projectDbPath(dir));
  addWebhook(store, { url: rx.url, secret: SECRET, events: ["item.disputed", "review.resolved"] });
  store.close();
  try {
    await served(dir, async (srv) => {
      // ana and bo agree on the first item, disagree on the second.
      const a1 = await label(srv, "ana");
      const r1 = await call(srv.url, "POST", `/api/items/${a1}/label`, { label: syntheticTruth(a1), annotator: "bo" });
      assert.equal(r1.status, 201);
      const a2 = await label(srv, "ana");
      assert.equal((await call(srv.url, "POST", `/api/items/${a2}/label`, { label: other(syntheticTruth(a2)), annotator: "bo" })).status, 201);
      const list = (await call(srv.url, "GET", "/api/reviews")).body as { reviews: Summary[]; open: number; resolved: number };
      assert.deepEqual(list.reviews.map((r) => [r.itemId, r.reason, r.status]), [[a2, "disagreement", "open"]], "only the tie is in review");
      assert.equal(list.open, 1);
      assert.deepEqual(srv.project.consensus(a2), { label: null, disputed: true });

      const view = await nextReview(srv, "rita");
      assert.ok(view !== null);
      assert.equal(view.review.itemId, a2);
      assert.equal(view.review.leasedBy, "rita");
      assert.match(view.review.why, /disagree/);
      assert.deepEqual(view.labels.map((l) => [l.annotator, l.label, l.kind, l.undone]), [["ana", syntheticTruth(a2), "label", false], ["bo", other(syntheticTruth(a2)), "label", false]]);
      assert.equal(view.majority, null, "a tie has no majority");
      // The model's view: null before the first model, else the current model's label (a retrain may have run by now).
      if (view.model !== null) assert.ok(["spam", "ham"].includes(view.model.label), view.model.label);
      assert.equal((await nextReview(srv, "sam")), null, "leased to rita: sam does not get it");

      // Bad decisions change nothing.
      const at = `/api/review/${view.review.id}/resolve`;
      const bad = await call(srv.url, "POST", at, { label: "eggs", seen: view.seen, reviewer: "rita" });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /field \\?"label\\?": unknown label \\?"eggs\\?"/);
      assert.match((await call(srv.url, "POST", at, { label: "spam", reviewer: "rita" })).text, /field \\?"seen\\?" is required/);
      assert.match((await call(srv.url, "POST", at, { label: "spam", seen: view.seen })).text, /field \\?"reviewer\\?" is required/);
      assert.equal((await call(srv.url, "POST", "/api/review/abc/resolve", { label: "spam", seen: 0, reviewer: "rita" })).status, 400);
      assert.equal((await call(srv.url, "POST", "/api/review/999/resolve", { label: "spam", seen: 0, reviewer: "rita" })).status, 404);
      assert.equal((await call(srv.url, "POST", at, { label: "spam", seen: view.seen, reviewer: "sam" })).status, 409, "held by rita");

      const truth = syntheticTruth(a2);
      const ok = await call(srv.url, "POST", at, { label: truth, seen: view.seen, reviewer: "rita" });
      assert.equal(ok.status, 200, ok.text);
      const res = ok.body as { review: Summary; accepted: string | null; annotationId: number };
      assert.equal(res.review.status, "resolved");
      assert.equal(res.review.decision, truth);
      assert.equal(res.accepted, "ana");
      assert.equal((await call(srv.url, "POST", at, { label: truth, seen: view.seen, reviewer: "rita" })).status, 409, "resolved already");
      assert.deepEqual(srv.project.consensus(a2), { label: truth, disputed: false }, "the decision is the consensus the item trains with");
      assert.equal(srv.project.stats().overlap?.disputed, 0);
      assert.equal(await nextReview(srv, "rita"), null, "nothing left");

      // The dashboard: bo's label was overturned, ana's was not (n = 1 each).
      const dash = (await call(srv.url, "GET", "/api/dashboard")).body as { reviews: { open: number; resolved: number; overturned: { name: string; reviewed: number; overturned: number; share: number | null }[] } };
      assert.equal(dash.reviews.open, 0);
      assert.equal(dash.reviews.resolved, 1);
      assert.deepEqual(dash.reviews.overturned.map((o) => [o.name, o.reviewed, o.overturned, o.share]), [["ana", 1, 0, 0], ["bo", 1, 1, 1]]);

      // Export: the decision is the final label; the long format keeps every record.
      const s2 = openStore(srv.project.store.path, { readonly: true });
      try {
        const rows = [...exportLabels(s2, "jsonl")].join("").trim().split("\n").map((l) => JSON.parse(l) as { id: string; label: string | null; annotator: string; disputed: boolean });
        const row = rows.find((r) => r.id === a2);
        assert.deepEqual([row?.label, row?.annotator, row?.disputed], [truth, "rita", false]);
        const long = [...exportHistory(s2, "csv")].join("");
        const mine = long.split("\r\n").filter((l) => l.startsWith(`${a2},`));
        assert.deepEqual(mine.map((l) => l.split(",").slice(1, 4)), [["ana", truth, "label"], ["bo", other(truth), "label"], ["rita", truth, "review"]]);
      } finally {
        s2.close();
      }

      await srv.project.webhooksIdle();
      await until("the review events", () => rx.received.some((r) => r.body.event === "review.resolved"));
      const disputed = rx.received.filter((r) => r.body.event === "item.disputed").map((r) => r.body.data as ItemDisputed);
      assert.equal(disputed.length, 1);
      assert.equal(disputed[0].itemId, a2);
      assert.equal(disputed[0].reason, "disagreement");
      assert.deepEqual(disputed[0].labels.map((l) => l.annotator), ["ana", "bo"]);
      const resolved = rx.received.filter((r) => r.body.event === "review.resolved").map((r) => r.body.data as ReviewResolved);
      assert.deepEqual(resolved.map((r) => [r.itemId, r.label, r.reviewer, r.accepted]), [[a2, truth, "rita", "ana"]]);
      assert.ok(rx.received.every((r) => r.verified), "signed");
    });
  } finally {
    await rx.close();
  }
});

void test("adaptive overlap: an item enters review only once its extra slots are filled and its labels still tie", async () => {
  const dir = await project(20, { overlap: 2, overlapShare: 1, adaptiveOverlap: 4 });
  await served(dir, async (srv) => {
    const open = async (): Promise<string[]> => ((await call(srv.url, "GET", "/api/reviews")).body as { reviews: Summary[] }).reviews.map((r) => r.itemId);
    const tied = await label(srv, "ana");
    const mixed = await label(srv, "ana");
    const give = async (id: string, who: string, l: string): Promise<void> => assert.equal((await call(srv.url, "POST", `/api/items/${id}/label`, { label: l, annotator: who })).status, 201);
    const t = syntheticTruth(tied);
    await give(tied, "bo", other(t));
    assert.deepEqual(await open(), [], "a tie with a slot left: another annotator, not a review");
    await give(tied, "cy", t);
    assert.deepEqual(await open(), [], "2-1, and adaptive overlap wants a fourth");
    await give(tied, "dee", other(t));
    assert.deepEqual(await open(), [tied], "2-2 with every slot filled: review");
    const m = syntheticTruth(mixed);
    for (const [who, l] of [["bo", other(m)], ["cy", m], ["dee", m]] as const) await give(mixed, who, l);
    assert.deepEqual(await open(), [tied], "3-1: the majority settles it");
  });
});

void test("a decision on an item that changed since the reviewer saw it is a 409 and stores nothing; after looking again it goes through", async () => {
  const dir = await project(20, { overlap: 2, overlapShare: 1 });
  await served(dir, async (srv) => {
    const id = await label(srv, "ana");
    assert.equal((await call(srv.url, "POST", `/api/items/${id}/label`, { label: other(syntheticTruth(id)), annotator: "bo" })).status, 201);
    const seen = await nextReview(srv, "rita");
    assert.ok(seen !== null);
    // bo takes his label back and gives ana's: the item changed.
    assert.equal((await call(srv.url, "DELETE", `/api/items/${id}/label?annotator=bo`)).status, 200);
    const before = srv.project.store.annotationCount();
    const r = await call(srv.url, "POST", `/api/review/${seen.review.id}/resolve`, { label: other(syntheticTruth(id)), seen: seen.seen, reviewer: "rita" });
    assert.equal(r.status, 409);
    assert.match(r.text, /changed since you saw it/);
    assert.equal(srv.project.store.annotationCount(), before, "no silent overwrite");
    const again = await nextReview(srv, "rita");
    assert.equal(again?.review.id, seen.review.id, "still rita's");
    assert.ok(again.seen > seen.seen);
    assert.deepEqual(again.labels.map((l) => [l.annotator, l.undone]), [["ana", false], ["bo", true]], "the undone label is shown as undone");
    assert.equal(again.majority, syntheticTruth(id));
    const ok = await call(srv.url, "POST", `/api/review/${again.review.id}/resolve`, { label: syntheticTruth(id), seen: again.seen, reviewer: "rita" });
    assert.equal(ok.status, 200, ok.text);
  });
});

void test("two reviewers never get the same review; skip passes one on and it comes back when nothing else is left", async () => {
  const dir = await project(30, { overlap: 2, overlapShare: 1 });
  await served(dir, async (srv) => {
    for (let i = 0; i < 3; i++) {
      const id = await label(srv, "ana");
      assert.equal((await call(srv.url, "POST", `/api/items/${id}/label`, { label: other(syntheticTruth(id)), annotator: "bo" })).status, 201);
    }
    const r1 = await nextReview(srv, "rita");
    const s1 = await nextReview(srv, "sam");
    assert.ok(r1 !== null && s1 !== null);
    assert.notEqual(r1.review.id, s1.review.id);
    assert.equal((await nextReview(srv, "rita"))?.review.id, r1.review.id, "asking again: the same one");
    const r2 = await nextReview(srv, "rita", r1.review.id);
    assert.ok(r2 !== null && r2.review.id !== r1.review.id && r2.review.id !== s1.review.id, "skip: the one nobody holds");
    const r3 = await nextReview(srv, "rita", r2.review.id);
    assert.equal(r3?.review.id, r1.review.id, "everything free was passed on: the round starts again");
  });
});

void test("spot check: the seeded share of single-labeled items enters review on their first label, the same items on every run", async () => {
  const share = 0.3;
  const chosen = async (): Promise<{ labeled: string[]; spot: string[] }> => {
    const dir = await project(80, { reviewShare: share });
    let out = { labeled: [] as string[], spot: [] as string[] };
    await served(dir, async (srv) => {
      const labeled: string[] = [];
      for (let i = 0; i < 40; i++) labeled.push(await label(srv, "ana"));
      const list = (await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { reviews: Summary[] };
      assert.ok(list.reviews.every((r) => r.reason === "spot_check" && r.details.label === syntheticTruth(r.itemId)));
      out = { labeled, spot: list.reviews.map((r) => r.itemId).sort() };
      // A relabel of a spot-checked item does not add a second review.
      const first = list.reviews[0];
      assert.equal((await call(srv.url, "POST", `/api/items/${first.itemId}/label`, { label: other(syntheticTruth(first.itemId)), annotator: "ana" })).status, 201);
      assert.equal(((await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { open: number }).open, list.reviews.length);
    });
    return out;
  };
  const a = await chosen();
  const want = a.labeled.filter((id) => unitHash((0 ^ SPOT_SALT) | 0, Number(id.slice(5))) < share).sort();
  assert.deepEqual(a.spot, want, "exactly the items the seeded hash picks");
  assert.ok(a.spot.length >= 6 && a.spot.length <= 20, `about 30% of 40: ${a.spot.length}`);
  const b = await chosen();
  assert.deepEqual(b.spot, b.labeled.filter((id) => unitHash((0 ^ SPOT_SALT) | 0, Number(id.slice(5))) < share).sort(), "same seed, same choice");
  const both = a.labeled.filter((id) => b.labeled.includes(id));
  assert.deepEqual(both.filter((id) => a.spot.includes(id)), both.filter((id) => b.spot.includes(id)), "an item labeled in both runs is chosen in both or neither");
  // Share 0 (the default): no spot checks.
  const dir = await project(20);
  await served(dir, async (srv) => {
    for (let i = 0; i < 10; i++) await label(srv, "ana");
    assert.equal(((await call(srv.url, "GET", "/api/reviews")).body as { open: number }).open, 0);
  });
});

const SPAM = ["cheap", "pills", "winner", "prize", "click", "offer", "free", "money", "casino", "viagra"];
const HAM = ["meeting", "kernel", "patch", "review", "lunch", "report", "schedule", "build", "release", "notes"];

/** A project whose imported labels are wrong on `wrong` of `n` clearly written items (words of their class only). */
async function mislabeledProject(n: number, wrong: ReadonlySet<number>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-review-"));
  const rng = new Rng(11);
  let csv = "id,text,seed_label\n";
  for (let i = 0; i < n; i++) {
    const truth = syntheticTruth(`item-${i}`);
    const words = Array.from({ length: 20 }, () => (truth === "spam" ? SPAM : HAM)[rng.int(10)]).join(" ");
    csv += `item-${i},${words},${wrong.has(i) ? other(truth) : truth}\n`;
  }
  fs.writeFileSync(path.join(dir, "items.csv"), csv);
  const proj = path.join(dir, "proj");
  await initProject({ dir: proj, data: path.join(dir, "items.csv"), labels: ["spam", "ham"], text: "text", id: "id", label: "seed_label", retrainEvery: 1 });
  return proj;
}

void test("model: after a retrain, labels confident learning finds wrong (out-of-fold) enter review; a confirmed label is not flagged again", async () => {
  const wrong = new Set([3, 30, 57, 84, 111, 138, 165, 192, 219, 246]);
  const dir = await mislabeledProject(300, wrong);
  await served(dir, async (srv) => {
    await srv.project.idle();
    const list = (await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { reviews: Summary[] };
    const flagged = list.reviews.filter((r) => r.reason === "model");
    const idx = (id: string): number => Number(id.slice(5));
    const hits = flagged.filter((r) => wrong.has(idx(r.itemId))).length;
    assert.ok(hits >= 7, `most of the 10 wrong labels are flagged: ${hits} (${flagged.map((r) => r.itemId).join(", ")})`);
    assert.ok(flagged.length - hits <= 2, `few right labels are: ${flagged.length - hits}`);
    for (const r of flagged) {
      assert.ok(r.details.probability! > 0.5 && r.details.modelLabel === other(r.details.label!) && r.details.quality! < 0.5, JSON.stringify(r.details));
    }
    const before = srv.project.stats().byLabel;
    // The reviewer corrects one wrong label and confirms another (against the model).
    const fix = await nextReview(srv, "rita");
    assert.ok(fix !== null && fix.model !== null && fix.model.outOfSample === false);
    const truth = syntheticTruth(fix.review.itemId);
    assert.equal((await call(srv.url, "POST", `/api/review/${fix.review.id}/resolve`, { label: truth, seen: fix.seen, reviewer: "rita" })).status, 200);
    const keep = await nextReview(srv, "rita");
    assert.ok(keep !== null);
    assert.equal((await call(srv.url, "POST", `/api/review/${keep.review.id}/resolve`, { label: keep.review.details.label, seen: keep.seen, reviewer: "rita" })).status, 200);
    await srv.project.idle(); // the decisions count as label changes: retrains ran
    assert.ok(srv.project.stats().iterations >= 2);
    const after = srv.project.stats().byLabel;
    const changed = fix.review.details.label !== truth ? 1 : 0;
    assert.equal(after[truth], before[truth] + changed, "the corrected label is the one the item trains with");
    const again = ((await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { reviews: Summary[] }).reviews;
    assert.equal(again.filter((r) => r.itemId === keep.review.itemId).length, 0, "the confirmed label is not flagged again");
    // Export: the decisions are the final labels.
    const s2 = openStore(srv.project.store.path, { readonly: true });
    try {
      const rows = new Map([...exportLabels(s2, "jsonl")].join("").trim().split("\n").map((l) => JSON.parse(l) as { id: string; label: string; annotator: string }).map((r) => [r.id, r]));
      assert.deepEqual([rows.get(fix.review.itemId)?.label, rows.get(fix.review.itemId)?.annotator], [truth, "rita"]);
      assert.deepEqual([rows.get(keep.review.itemId)?.label, rows.get(keep.review.itemId)?.annotator], [keep.review.details.label, "rita"]);
    } finally {
      s2.close();
    }
  });
});

/** Clearly written items: `words` words, each from the item's class with probability 0.7, else shared. */
function clearCsv(dir: string, n: number, seed: number): string {
  const rng = new Rng(seed);
  const shared = ["the", "and", "today", "please", "about", "this", "your", "team"];
  let csv = "id,text\n";
  for (let i = 0; i < n; i++) {
    const own = syntheticTruth(`item-${i}`) === "spam" ? SPAM : HAM;
    csv += `item-${i},${Array.from({ length: 12 }, () => (rng.next() < 0.7 ? own[rng.int(10)] : shared[rng.int(shared.length)])).join(" ")}\n`;
  }
  const file = path.join(dir, "items.csv");
  fs.writeFileSync(file, csv);
  return file;
}

void test("a served project with overlap and a noisy simulated annotator puts the right items in review", async () => {
  const n = 500;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-review-"));
  const dir = path.join(root, "proj");
  const retrainEvery = 40;
  await initProject({ dir, data: clearCsv(root, n, 21), labels: ["spam", "ham"], text: "text", id: "id", retrainEvery, overlap: 2, overlapShare: 0.25 });
  // noisy gives the wrong label on a known 30% of the items (seeded), ana never does.
  const noiseRng = new Rng(5);
  const flips = new Set(Array.from({ length: n }, (_, i) => `item-${i}`).filter(() => noiseRng.next() < 0.3));
  const answer = (who: string, id: string): string => (who === "noisy" && flips.has(id) ? other(syntheticTruth(id)) : syntheticTruth(id));
  const labels = new Map<string, Map<string, string>>(); // item -> annotator -> label
  await served(dir, async (srv) => {
    // Each retrain is waited for before the next label (the first starts once both labels occur,
    // then one every `retrainEvery` labels): the same retrains, and so the same items, on every run.
    for (let q = 0; q < 9 * retrainEvery; q++) {
      const who = q % 2 === 0 ? "ana" : "noisy";
      const id = await label(srv, who, (item) => answer(who, item));
      const m = labels.get(id) ?? new Map<string, string>();
      m.set(who, answer(who, id));
      labels.set(id, m);
      await srv.project.idle();
    }
    assert.equal(srv.project.stats().iterations, 9, "the first retrain, then one per 40 labels");
    const reviews = ((await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { reviews: (Summary & { why: string })[] }).reviews;
    // Known truth: the training label is wrong exactly where noisy alone labeled a flipped item.
    const wrong = new Set([...labels].filter(([id, m]) => m.size === 1 && m.has("noisy") && flips.has(id)).map(([id]) => id));
    const right = [...labels].filter(([, m]) => m.size === 1 || m.get("ana") === m.get("noisy")).length - wrong.size;
    const ties = new Set([...labels].filter(([, m]) => m.size === 2 && m.get("ana") !== m.get("noisy")).map(([id]) => id));
    assert.ok(wrong.size >= 20 && ties.size >= 10, `enough of both: ${wrong.size} wrong training labels, ${ties.size} ties`);

    const model = reviews.filter((r) => r.reason === "model");
    const hits = model.filter((r) => wrong.has(r.itemId)).length;
    const precision = hits / model.length;
    const recall = hits / wrong.size;
    const falsePositives = model.length - hits;
    console.log(`model reviews: ${model.length}, of ${wrong.size} wrong labels ${hits} (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}); ${falsePositives} of ${right} right labels; ${ties.size} ties`);
    assert.ok(precision >= 0.8, `precision ${precision}`);
    assert.ok(recall >= 0.7, `recall ${recall}`);
    assert.ok(falsePositives <= 0.03 * right, `right labels rarely enter review: ${falsePositives} of ${right}`);
    for (const r of model) {
      // The details: the given (training) label, the model's label, its out-of-fold probability, the label quality, the retrain.
      const d = r.details;
      assert.equal(d.label, labels.get(r.itemId)!.values().next().value, `${r.itemId}: the label it trained with`);
      assert.equal(d.modelLabel, other(d.label!));
      assert.ok(d.probability! > 0.5 && Math.abs(d.quality! - (1 - d.probability!)) < 2e-4, JSON.stringify(d));
      assert.ok(Number.isInteger(d.iteration) && d.iteration! >= 1);
      const why = /^the model is (\d+(?:\.\d)?)% sure this is (\w+) \(given: (\w+)\)$/.exec(r.why);
      assert.ok(why !== null, r.why);
      assert.deepEqual([why[2], why[3]], [d.modelLabel, d.label]);
      assert.ok(Math.abs(Number(why[1]) - d.probability! * 100) <= 0.5 && Number(why[1]) < 100, `${r.why}: ${d.probability}`);
    }
    // No item twice, and the disagreement reviews are exactly the overlapping ties.
    assert.equal(new Set(reviews.map((r) => r.itemId)).size, reviews.length);
    assert.deepEqual(reviews.filter((r) => r.reason === "disagreement").map((r) => r.itemId).sort(), [...ties].sort());
    assert.equal(reviews.filter((r) => r.reason === "model" && ties.has(r.itemId)).length, 0, "a disputed item does not train, so the model does not flag it");
  });
});

void test("model: one retrain opens at most the cap of model reviews, the lowest label quality first", async () => {
  // 60 of 300 imported labels wrong: confident learning finds far more than the cap.
  const wrong = new Set(Array.from({ length: 60 }, (_, t) => 5 * t + 2));
  const dir = await mislabeledProject(300, wrong);
  await served(dir, async (srv) => {
    await srv.project.idle();
    assert.equal(srv.project.stats().iterations, 1);
    const flagged = ((await call(srv.url, "GET", "/api/reviews?limit=1000")).body as { reviews: Summary[] }).reviews.filter((r) => r.reason === "model");
    assert.equal(flagged.length, MODEL_REVIEW_CAP);
    // Opened in order of label quality, lowest first (ids ascending).
    const q = flagged.map((r) => r.details.quality!);
    assert.deepEqual(q, [...q].sort((a, b) => a - b));
    assert.ok(flagged.every((r) => wrong.has(Number(r.itemId.slice(5))) && r.details.iteration === 1), "the most suspect are wrong labels");
  });
});
