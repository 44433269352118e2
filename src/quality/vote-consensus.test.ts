/**
 * The votes' consensus rule: Dawid-Skene overrules a majority that a class-swapping annotator
 * and one random error make, estimates the swapper's accuracy near 0; falls back to majority
 * (with the reason) below max(20, 5K) items with two or more labels; an uncertain posterior is a
 * dispute; a lone label is kept; the result does not depend on the order the votes come in.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { unitHash } from "../linalg/hash.js";
import { fitVotes, majorityClass, MIN_ANNOTATOR_LABELS, MIN_POSTERIOR, minOverlapItems, type Votes } from "./vote-consensus.js";

/** Items 0..n-1 with truth i % 2; ana and bo err with probability `err` (seeded hash), cy always swaps. */
function crowd(n: number, err: number): { votes: Map<number, Map<string, number>>; truth: number[] } {
  const votes = new Map<number, Map<string, number>>();
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i % 2;
    truth.push(t);
    const wrong = (salt: number): boolean => unitHash(salt, i) < err;
    votes.set(i, new Map([["ana", wrong(11) ? 1 - t : t], ["bo", wrong(23) ? 1 - t : t], ["cy", 1 - t]]));
  }
  return { votes, truth };
}

void test("Dawid-Skene gets right the items a swapping annotator plus one random error outvote; the swapper's estimated accuracy is near 0", () => {
  const { votes, truth } = crowd(80, 0.15);
  const ds = fitVotes(votes, 2, "dawid-skene");
  const mv = fitVotes(votes, 2, "majority");
  assert.equal(ds.inUse, "dawid-skene");
  assert.equal(mv.inUse, "majority");
  const outvoted = [...votes.keys()].filter((i) => mv.decide(votes.get(i)!) !== truth[i]);
  assert.ok(outvoted.length >= 10, `a real case: majority is wrong on ${outvoted.length} items`);
  for (const i of outvoted) assert.equal(ds.decide(votes.get(i)!), truth[i], `item ${i}: Dawid-Skene is right where majority is wrong`);
  for (const i of votes.keys()) assert.equal(ds.decide(votes.get(i)!), truth[i], `item ${i}`);
  const acc = new Map(ds.annotators.map((a) => [a.name, a]));
  assert.ok((acc.get("cy")?.estimatedAccuracy ?? 1) < 0.1, `cy: ${acc.get("cy")?.estimatedAccuracy}`);
  for (const good of ["ana", "bo"]) assert.ok((acc.get(good)?.estimatedAccuracy ?? 0) > 0.75, `${good}: ${acc.get(good)?.estimatedAccuracy}`);
  assert.deepEqual(ds.annotators.map((a) => [a.name, a.labels]), [["ana", 80], ["bo", 80], ["cy", 80]]);
  // Majority chosen: the estimates are there too (the dashboard shows them), the decisions are majority's.
  assert.deepEqual(mv.annotators, ds.annotators);
  assert.match(mv.reason, /majority vote, as chosen/);
});

void test("too little overlap: majority with the reason, no estimates; the bound is max(20, 5K)", () => {
  assert.equal(minOverlapItems(2), 20);
  assert.equal(minOverlapItems(7), 35);
  const { votes } = crowd(19, 0.15);
  votes.set(100, new Map([["dee", 0]])); // one label: not shared
  const f = fitVotes(votes, 2, "dawid-skene");
  assert.equal(f.inUse, "majority");
  assert.equal(f.fitted, false);
  assert.match(f.reason, /^majority vote for now: 19 items have two or more annotator labels; Dawid-Skene needs at least 20/);
  assert.ok(f.annotators.every((a) => a.estimatedAccuracy === null && /too little overlap/.test(a.note ?? "")));
  assert.deepEqual(f.annotators.map((a) => [a.name, a.labels]), [["ana", 19], ["bo", 19], ["cy", 19], ["dee", 0]]);
  // Majority decides: the swapper and one error outvote.
  assert.equal(f.decide(new Map([["ana", 0], ["bo", 1], ["cy", 1]])), 1);
  // One more shared item and Dawid-Skene takes over.
  votes.set(19, new Map([["ana", 1], ["bo", 1], ["cy", 0]]));
  const g = fitVotes(votes, 2, "dawid-skene");
  assert.equal(g.inUse, "dawid-skene");
  assert.equal(g.decide(new Map([["ana", 0], ["bo", 1], ["cy", 1]])), 0);
});

void test("an uncertain posterior is a dispute; a lone label is kept; an annotator with few shared labels has no estimate", () => {
  // ana and bo equally reliable (20% errors each, as many on either class, on different items): when they disagree alone, nobody can tell.
  const votes = new Map<number, Map<string, number>>();
  for (let i = 0; i < 60; i++) {
    const t = i % 2;
    votes.set(i, new Map([["ana", i % 10 === 3 || i % 10 === 4 ? 1 - t : t], ["bo", i % 10 === 7 || i % 10 === 8 ? 1 - t : t], ["cy", t]]));
  }
  for (let i = 60; i < 65; i++) votes.set(i, new Map([["ana", i % 2], ["eve", i % 2]]));
  const f = fitVotes(votes, 2, "dawid-skene");
  assert.equal(f.inUse, "dawid-skene");
  assert.equal(f.decide(new Map([["ana", 0], ["bo", 1]])), -1, `two equally reliable annotators disagreeing: top posterior below ${MIN_POSTERIOR}`);
  assert.equal(f.decide(new Map([["ana", 0], ["bo", 0]])), 0);
  assert.equal(f.decide(new Map([["bo", 1]])), 1, "a lone label is kept");
  assert.equal(f.decide(new Map()), -1);
  const eve = f.annotators.find((a) => a.name === "eve");
  assert.deepEqual(eve, { name: "eve", labels: 5, estimatedAccuracy: null, note: `too little overlap to estimate: 5 of ${MIN_ANNOTATOR_LABELS} labels on items others labeled too` });
  // An annotator not in the fit counts with the mean confusion: with cy (always right) they do not overrule.
  assert.equal(f.decide(new Map([["cy", 1], ["zed", 0]])), 1);
  assert.equal(majorityClass([0, 1]), -1);
  assert.equal(majorityClass([2, 1, 2]), 2);
});

void test("the same votes in another order give the same fit", () => {
  const { votes } = crowd(50, 0.2);
  const reversed: Votes = new Map([...votes].reverse().map(([i, v]) => [i, new Map([...v].reverse())]));
  const a = fitVotes(votes, 2, "dawid-skene");
  const b = fitVotes(reversed, 2, "dawid-skene");
  assert.deepEqual(b.annotators, a.annotators);
  assert.equal(b.iterations, a.iterations);
  for (const [i, v] of votes) assert.equal(b.decide(v), a.decide(v), `item ${i}`);
});
