import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { ReadyQueue } from "./queue.js";

function setup(n: number, auditEvery = 0): { q: ReadyQueue; labeled: Set<number>; rng: Rng } {
  const labeled = new Set<number>();
  const q = new ReadyQueue((i) => labeled.has(i), n, { leaseMs: 1000, auditEvery });
  q.setOrder(Int32Array.from({ length: n }, (_, i) => n - 1 - i)); // best first: n-1, n-2, ...
  return { q, labeled, rng: new Rng(1) };
}

void test("items go out in ranking order, one annotator at a time; asking again returns the held item", () => {
  const { q, labeled, rng } = setup(5);
  assert.equal(q.next("a", 0, rng, false)?.idx, 4);
  assert.equal(q.next("a", 10, rng, false)?.idx, 4);
  assert.equal(q.next("b", 10, rng, false)?.idx, 3);
  labeled.add(4);
  q.release(4);
  assert.equal(q.next("a", 20, rng, false)?.idx, 2);
  assert.equal(q.leaseCount(20), 2);
});

void test("leases expire; skipped items are not offered to the skipper again; undone items come back first", () => {
  const { q, labeled, rng } = setup(3);
  assert.equal(q.next("a", 0, rng, false)?.idx, 2);
  assert.equal(q.next("b", 0, rng, false)?.idx, 1);
  assert.equal(q.next("c", 600, rng, false)?.idx, 0);
  assert.equal(q.next("d", 700, rng, false), null, "everything is leased");
  assert.equal(q.next("d", 1001, rng, false)?.idx, 2, "a's lease expired");
  q.markSkipped(1, "b");
  q.release(1);
  assert.equal(q.next("b", 1001, rng, false), null, "b skipped 1; 0 and 2 are leased");
  labeled.add(0);
  q.release(0);
  labeled.delete(0);
  q.putBack(0, "c", 1002);
  assert.equal(q.next("c", 1003, rng, false)?.idx, 0);
});

void test("every auditEvery-th pick is a random available item, flagged as audit", () => {
  const { q, rng } = setup(1000, 4);
  const audits: boolean[] = [];
  for (let i = 0; i < 12; i++) {
    const p = q.next(`a${i}`, 0, rng, true);
    assert.ok(p !== null);
    audits.push(p.audit);
  }
  assert.deepEqual(audits.map((a, i) => [a, i]).filter(([a]) => a).map(([, i]) => i), [3, 7, 11]);
});

void test("an annotator may hold one item ahead: `ahead` gives a second, distinct item; never more than two", () => {
  const { q, labeled, rng } = setup(6);
  assert.equal(q.next("a", 0, rng, false)?.idx, 5);
  assert.equal(q.next("a", 0, rng, false, true)?.idx, 4, "the item after the current one");
  assert.equal(q.next("a", 1, rng, false, true)?.idx, 4, "asking ahead again returns the same look-ahead");
  assert.equal(q.next("a", 1, rng, false)?.idx, 5, "a plain ask (a page reload) still returns the current item");
  assert.equal(q.next("b", 1, rng, false)?.idx, 3, "both of a's items are leased");
  // a labels 5: the look-ahead becomes current, and a new look-ahead is leased.
  labeled.add(5);
  q.release(5);
  assert.equal(q.next("a", 2, rng, false)?.idx, 4);
  assert.equal(q.next("a", 2, rng, false, true)?.idx, 2);
  assert.equal(q.leaseCount(2), 3);
  // Undo of 5 by a: 5 becomes current again, 4 stays held, 2 goes back to the pool.
  labeled.delete(5);
  q.putBack(5, "a", 3);
  assert.equal(q.next("a", 3, rng, false)?.idx, 5);
  assert.equal(q.next("a", 3, rng, false, true)?.idx, 4);
  assert.equal(q.next("c", 3, rng, false)?.idx, 2, "the look-ahead dropped by the undo is free again");
});
