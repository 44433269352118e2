import assert from "node:assert/strict";
import test from "node:test";
import { AnnotatorStats } from "./annotator-stats.js";

void test("pace is labels per hour of labeling time (durationMs), not of wall-clock time between labels", () => {
  const s = new AnnotatorStats();
  // Ten labels of 2 s each, ten minutes apart (coffee, meetings): 1,800 an hour of labeling.
  for (let i = 0; i < 10; i++) s.add("ana", i * 600_000, 2000);
  // Bob's labels come 1 ms apart (a script) but each took 4 s on screen: 900 an hour.
  for (let i = 0; i < 10; i++) s.add("bob", i, 4000);
  const rows = Object.fromEntries(s.list().map((r) => [r.name, r]));
  assert.equal(rows.ana.perHour, 1800);
  assert.equal(rows.ana.labels, 10);
  assert.equal(rows.bob.perHour, 900);
  assert.ok(Math.abs(rows.ana.medianMs - 2000) <= 10, String(rows.ana.medianMs));
});

void test("a label without a duration falls back to the gaps (a break counts 5 minutes); undo takes a duration back", () => {
  const s = new AnnotatorStats();
  s.add("api", 0, null);
  s.add("api", 10_000, null);
  s.add("api", 3_600_000, null); // an hour later: capped at 5 minutes
  assert.equal(s.list()[0].perHour, 23.2); // 2 gaps in 10 s + 5 min
  const t = new AnnotatorStats();
  t.add("cy", 0, 1000);
  t.add("cy", 1, 3000);
  t.add("cy", 2, 100_000);
  assert.ok(Math.abs(t.list()[0].medianMs - 3000) <= 15);
  t.remove("cy", 100_000);
  assert.equal(t.list()[0].labels, 2);
  assert.equal(t.list()[0].perHour, (2 * 3_600_000) / 4000);
  t.remove("cy", 1000);
  t.remove("cy", 3000);
  assert.deepEqual(t.list(), []);
});
