/**
 * The consensus method on the real server (overlap 3, three simulated annotators: ana and bo err
 * on 15% of the items, by a seeded hash of the item; cy always swaps the two classes). With
 * dawid-skene the items that cy plus one random error outvote train and export with their true
 * label where majority takes the wrong one; the dashboard puts cy's estimated accuracy far below
 * the others'; while too few items have three labels it says majority is in use and why, and
 * shows no estimate. The consensus setting: a bad value is refused by field and changes nothing,
 * a good one is kept across a restart.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { unitHash } from "../linalg/hash.js";
import { startServer, type RunningServer } from "./app.js";
import { call, dbSnapshot, syntheticProject, syntheticTruth, type ItemReply } from "./testing.js";

const N = 60;
const ERR = 0.15;
const num = (id: string): number => Number(id.slice(id.lastIndexOf("-") + 1));
const other = (l: string): string => (l === "spam" ? "ham" : "spam");

/** What each simulated annotator answers on an item: the same in any serving order. */
function given(who: string, id: string): string {
  const t = syntheticTruth(id);
  if (who === "cy") return other(t);
  return unitHash(who === "ana" ? 11 : 23, num(id)) < ERR ? other(t) : t;
}

interface Estimate {
  name: string;
  labels: number;
  estimatedAccuracy: number | null;
  note: string | null;
}
interface Consensus {
  method: string;
  inUse: string;
  reason: string;
  itemsWithOverlap: number;
  annotators: Estimate[];
}

/** Rounds of ana, bo, cy each labeling their next item, up to `rounds` or until nothing is left. */
async function label(srv: RunningServer, rounds: number): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    let any = false;
    for (const who of ["ana", "bo", "cy"]) {
      const next = await call(srv.url, "GET", `/api/next?annotator=${who}`);
      if (next.status === 204) continue;
      any = true;
      const id = (next.body as ItemReply).item.id;
      assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(id)}/label`, { label: given(who, id), annotator: who })).status, 201);
    }
    if (!any) return;
  }
}

async function exported(srv: RunningServer): Promise<Map<string, { label: string | null; disputed: boolean }>> {
  const r = await call(srv.url, "GET", "/api/export?format=jsonl");
  assert.equal(r.status, 200);
  const rows = r.text.trim().split("\n").map((l) => JSON.parse(l) as { id: string; label: string | null; disputed: boolean });
  return new Map(rows.map((x) => [x.id, { label: x.label, disputed: x.disputed }]));
}

const consensusOf = async (srv: RunningServer): Promise<Consensus> => {
  const c = ((await call(srv.url, "GET", "/api/dashboard")).body as { consensus?: Consensus }).consensus;
  assert.ok(c !== undefined, "a project with overlap has consensus figures");
  return c;
};

void test("dawid-skene: the items a class-swapping annotator plus one random error outvote train on their true label; the dashboard estimates the swapper far below the others", async () => {
  const { dir } = await syntheticProject(N, 0, { retrainEvery: 1, overlap: 3, consensus: "dawid-skene" });
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    const ids = Array.from({ length: N }, (_, i) => `item-${i}`);
    const majorityOf = (id: string): string => {
      const spam = ["ana", "bo", "cy"].filter((w) => given(w, id) === "spam").length;
      return spam >= 2 ? "spam" : "ham";
    };
    const outvoted = ids.filter((id) => majorityOf(id) !== syntheticTruth(id));
    assert.ok(outvoted.length >= 8, `a real case: majority is wrong on ${outvoted.length} of ${N} items`);

    // Few items with three labels yet: majority, said so, and no estimate.
    await label(srv, 8);
    await srv.project.idle();
    const early = await consensusOf(srv);
    assert.equal(early.method, "dawid-skene");
    assert.equal(early.inUse, "majority");
    assert.equal(early.itemsWithOverlap, 8);
    assert.match(early.reason, /8 items have two or more annotator labels; Dawid-Skene needs at least 20/);
    assert.deepEqual(early.annotators.map((a) => [a.name, a.labels, a.estimatedAccuracy]), [["ana", 8, null], ["bo", 8, null], ["cy", 8, null]]);
    assert.ok(early.annotators.every((a) => /too little overlap/.test(a.note ?? "")));

    await label(srv, 1000);
    await srv.project.idle();
    const c = await consensusOf(srv);
    assert.equal(c.inUse, "dawid-skene", c.reason);
    assert.equal(c.itemsWithOverlap, N);
    const acc = new Map(c.annotators.map((a) => [a.name, a]));
    assert.deepEqual([...acc.values()].map((a) => [a.name, a.labels]), [["ana", N], ["bo", N], ["cy", N]]);
    const cy = acc.get("cy")?.estimatedAccuracy ?? 1;
    for (const good of ["ana", "bo"]) {
      const a = acc.get(good)?.estimatedAccuracy ?? 0;
      assert.ok(a > 0.7 && a - cy > 0.5, `${good} ${a} against cy ${cy}`);
    }
    assert.ok(cy < 0.2, `cy always swaps: ${cy}`);

    // The consensus the items train and export with: the truth, where majority takes cy's side.
    const ds = await exported(srv);
    for (const id of ids) assert.deepEqual(ds.get(id), { label: syntheticTruth(id), disputed: false }, id);
    for (const id of outvoted) assert.deepEqual(srv.project.consensus(id), { label: syntheticTruth(id), disputed: false }, `${id}: the label it trains with`);
    const last = srv.project.store.iterations().at(-1);
    assert.equal(last?.labeled, N, "the last retrain trained on every item (none in dispute)");
    assert.equal(((await call(srv.url, "GET", "/api/stats")).body as { overlap: { disputed: number } }).overlap.disputed, 0);

    // The same votes under majority: the outvoted items take the wrong label; the estimates stay.
    assert.equal((await call(srv.url, "PATCH", "/api/settings", { consensus: "majority" })).status, 200);
    const mv = await exported(srv);
    for (const id of outvoted) assert.deepEqual(mv.get(id), { label: other(syntheticTruth(id)), disputed: false }, id);
    for (const id of outvoted) assert.deepEqual(srv.project.consensus(id), { label: other(syntheticTruth(id)), disputed: false });
    const after = await consensusOf(srv);
    assert.equal(after.inUse, "majority");
    assert.ok((after.annotators.find((a) => a.name === "cy")?.estimatedAccuracy ?? 1) < 0.2, "majority chosen: the estimates are still shown");
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("PATCH /api/settings consensus: a bad value is refused by field and changes nothing; a good one is kept across a restart", async () => {
  const { dir, dbPath } = await syntheticProject(12, 0, { retrainEvery: 1000, overlap: 2 });
  let srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    const get = async (): Promise<unknown> => (await call(srv.url, "GET", "/api/settings")).body;
    const before = await get();
    assert.equal((before as { consensus: string }).consensus, "majority", "the default");
    const snap = dbSnapshot(dbPath);
    for (const body of [{ consensus: "bayes" }, { consensus: 3 }, { consensus: "dawid-skene", reviewShare: 2 }]) {
      const r = await call(srv.url, "PATCH", "/api/settings", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      const msg = (r.body as { error: { message: string } }).error.message;
      if (body.consensus === "bayes") assert.match(msg, /body: field "consensus" must be one of majority, dawid-skene, got "bayes"/);
      else if (typeof body.consensus === "number") assert.match(msg, /field "consensus"/);
      else assert.match(msg, /field "reviewShare"/);
      assert.deepEqual(await get(), before, `${JSON.stringify(body)} changes nothing`);
    }
    assert.equal(dbSnapshot(dbPath), snap);
    const ok = await call(srv.url, "PATCH", "/api/settings", { consensus: "dawid-skene" });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { ...(before as object), consensus: "dawid-skene" });
    assert.equal((await consensusOf(srv)).method, "dawid-skene");
    await srv.close();
    srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
    assert.deepEqual(await get(), { ...(before as object), consensus: "dawid-skene" }, "kept across a restart");
    const c = await consensusOf(srv);
    assert.equal(c.method, "dawid-skene");
    assert.equal(c.inUse, "majority", "no item has two labels yet");
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
