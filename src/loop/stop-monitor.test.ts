import assert from "node:assert/strict";
import test from "node:test";
import { drawStopSet, stopStateOf } from "./stop-monitor.js";

void test("the stop set is a seeded sample, ascending, the whole pool when smaller than its size", () => {
  const a = drawStopSet(5000, 7);
  assert.equal(a.length, 1000);
  assert.deepEqual(a, drawStopSet(5000, 7));
  assert.notDeepEqual(a, drawStopSet(5000, 8));
  for (let i = 1; i < a.length; i++) assert.ok(a[i - 1] < a[i]);
  assert.deepEqual(Array.from(drawStopSet(4, 7)), [0, 1, 2, 3]);
  assert.equal(drawStopSet(5000, 7, 10).length, 10);
});

void test("the criteria's state predicts each stop-set item's most probable class, the first on a tie", () => {
  const stopProba = Float64Array.from([0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8]);
  const s = stopStateOf({ labeled: 3, nClasses: 3, stopProba, previousPredictions: null, stopLabeled: new Uint8Array(3), accuracyEstimate: null });
  assert.deepEqual(Array.from(s.stopPredictions), [1, 0, 2]);
  assert.equal(s.labeled, 3);
  assert.equal(s.stopProba, stopProba);
});
