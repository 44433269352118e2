import assert from "node:assert/strict";
import test from "node:test";
import { assessProfiles, MAX_RULE_ROWS, profileColumn } from "../data/roles.js";
import { cellNumber, parseNumber } from "../data/dataset.js";
import { Moments } from "../features/featurizer.js";
import { Rng } from "../linalg/rng.js";
import { ColumnScan, DISTINCT_CAP, RuleSampler } from "./column-scan.js";

const opts = { labels: [], labelSet: ["a", "b"], labelsFrom: "--labels" };

void test("a shuffled whole-number id past the distinct cap is still seen as unique, and one repeat spoils it", () => {
  const n = DISTINCT_CAP + 500;
  const rng = new Rng(3);
  const ids = Array.from({ length: n }, (_, i) => i + 1000);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const scan = (values: readonly number[]): ColumnScan => {
    const s = new ColumnScan("user", false, 64);
    new RuleSampler().register(s);
    for (const v of values) s.add(String(v), false);
    return s;
  };
  const p = scan(ids).profile([]);
  assert.equal(p.distinctCapped, true);
  assert.equal(p.unique, true);
  assert.deepEqual(assessProfiles([p], opts).map((f) => f.kind), ["id-like"]);
  const repeated = ids.slice();
  repeated[n - 1] = repeated[0];
  assert.equal(scan(repeated).profile([]).unique, false);
  assert.deepEqual(assessProfiles([scan(repeated).profile([])], opts), []);
});

void test("below the cap a scanned column profiles as the whole column does", () => {
  const cells = ["3", "1.5", "", "NA", "2", "x y z", "3"];
  const s = new ColumnScan("c", false, 3);
  const sampler = new RuleSampler();
  sampler.register(s);
  const labels = ["a", null, "b", null, "a", "b", null];
  for (let r = 0; r < cells.length; r++) s.add(cells[r], labels[r] !== null && sampler.take(labels[r] as string));
  assert.equal(s.numeric, false);
  assert.equal(s.needsRescan, false);
  const p = s.profile(sampler.labels);
  const whole = profileColumn({ name: "c", kind: "categorical", values: cells.map((c) => (c === "" || c === "NA" ? null : c)), missing: 2 }, labels);
  assert.deepEqual({ ...p, keys: [...p.keys] }, { ...whole, keys: [...whole.keys] });
});

void test("a column that stops being numeric after the cap asks for a rescan", () => {
  const s = new ColumnScan("c", false, 100);
  for (let i = 0; i <= DISTINCT_CAP; i++) s.add(String(i * 0.5), false);
  assert.equal(s.needsRescan, false);
  s.add("text", false);
  assert.equal(s.numeric, false);
  assert.equal(s.needsRescan, true);
});

void test("the rule sample keeps every labeled row up to 2 × MAX_RULE_ROWS, then an even spread", () => {
  const sampler = new RuleSampler();
  const s = new ColumnScan("x", false, 100);
  sampler.register(s);
  const n = 5 * MAX_RULE_ROWS + 3;
  for (let r = 0; r < n; r++) s.add(String(r), sampler.take(r % 2 === 0 ? "a" : "b"));
  assert.ok(sampler.labels.length <= 2 * MAX_RULE_ROWS && sampler.labels.length >= MAX_RULE_ROWS, String(sampler.labels.length));
  assert.equal(s.sampleKeys.length, sampler.labels.length);
  // Every kept row is a multiple of the final stride, from the start to the end of the file.
  const rows = s.sampleKeys.map(Number);
  const stride = rows[1] - rows[0];
  assert.ok(rows.every((r, i) => r === i * stride), "evenly spaced");
  assert.ok(rows[rows.length - 1] >= n - stride, "reaching the end");
  assert.ok(rows.every((r, i) => sampler.labels[i] === (r % 2 === 0 ? "a" : "b")), "labels stay with their rows");
});

void test("moments added in batches agree with the two-pass figures", () => {
  const rng = new Rng(9);
  const x = Float64Array.from({ length: 10_007 }, (_, i) => (i % 13 === 0 ? NaN : 1e6 + rng.next() * 10));
  const one = new Moments();
  one.add(x);
  const many = new Moments();
  for (let i = 0; i < x.length; i += 97) many.add(x.subarray(i, Math.min(x.length, i + 97)));
  assert.equal(many.count, one.count);
  assert.ok(Math.abs(many.mean - one.mean) < 1e-9);
  assert.ok(Math.abs(many.m2 - one.m2) / one.m2 < 1e-9);
  assert.equal(many.lo, one.lo);
  assert.equal(many.hi, one.hi);
});

void test("cellNumber reads cells exactly as parseNumber and isMissing do", () => {
  const rng = new Rng(5);
  const cells: string[] = ["", " ", "NA", "nan", "null", "N/A", "x", "-", "+", ".", "5.", ".5", "+.5", "-0", "0x10", "1e", "1e5", "1E-5", "1e400", " 12.5 ", "\t7\n", "1,5", "Infinity", "007", "0.000123", "12345678901234567890", "1.2345678901234567", "9007199254740993", "4.35", "\u00a012"];
  for (let i = 0; i < 5000; i++) {
    const x = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 30 - 15);
    cells.push(String(x), x.toFixed(Math.floor(rng.next() * 8)), x.toExponential(Math.floor(rng.next() * 18)), x.toPrecision(1 + Math.floor(rng.next() * 20)));
  }
  for (const c of cells) {
    const want = parseNumber(c);
    const missing = c.trim() === "" || ["NA", "N/A", "NaN", "null", "NULL", "nan"].includes(c.trim());
    const got = cellNumber(c);
    if (missing) assert.ok(Number.isNaN(got), JSON.stringify(c));
    else if (Number.isNaN(want)) assert.equal(got, undefined, JSON.stringify(c));
    else assert.ok(Object.is(got, want), `${JSON.stringify(c)}: ${got} vs ${want}`);
  }
  assert.equal(cellNumber(null), NaN);
  assert.equal(cellNumber(3), 3);
  assert.equal(cellNumber(true), undefined);
});
