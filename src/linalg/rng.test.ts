import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "./rng.js";

void test("same seed, same stream; different seed, different stream", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 50 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 50 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 50 }, () => c.next()));
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

void test("int is uniform enough and in range; sample draws distinct elements", () => {
  const r = new Rng(1);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 20000; i++) counts[r.int(10)]++;
  for (const c of counts) assert.ok(c > 1800 && c < 2200, `bucket count ${c}`);
  const s = r.sample([5, 6, 7, 8, 9], 3);
  assert.equal(new Set(s).size, 3);
  for (const v of s) assert.ok(v >= 5 && v <= 9);
  assert.deepEqual(r.shuffle([3, 1, 2]).sort(), [1, 2, 3]);
});
