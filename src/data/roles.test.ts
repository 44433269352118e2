import assert from "node:assert/strict";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { assessColumns, isLeakRule, roleRows, type AssessOptions } from "./roles.js";
import type { Column } from "./types.js";

const num = (name: string, values: number[]): Column => ({ name, kind: "numeric", values: Float64Array.from(values), missing: values.filter(Number.isNaN).length });
const cat = (name: string, values: (string | null)[]): Column => ({ name, kind: "categorical", values, missing: values.filter((v) => v === null).length });
const truth = (n: number): string[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "spam" : "ham"));
const opts = (labels: (string | null)[] | null, extra: Partial<AssessOptions> = {}): AssessOptions => ({ labels, labelSet: ["spam", "ham"], labelsFrom: "--labels", ...extra });

void test("a score column equal to the label is the answer: dropped, with the rule's figure and its n", () => {
  const y = truth(40);
  const seeds = y.map((l, i) => (i < 20 ? l : null));
  const [f] = assessColumns([cat("score", y)], opts(seeds, { labeledWord: "seed labels" }));
  assert.equal(f.column, "score");
  assert.equal(f.kind, "leak");
  assert.equal(f.dropped, true);
  assert.deepEqual(f.rule, { correct: 20, n: 20, majority: 10 });
  assert.match(f.message, /^column "score" looks like the answer: the one-feature rule one label per value of score \(leave-one-out\) gets 20 of 20 seed labels right \(100%\), against 50% for always "(spam|ham)"; left out of the model and the labeling page \(--keep score to use it anyway\)$/);
  // The same column with --keep: still warned, not dropped.
  const [k] = assessColumns([cat("score", y)], opts(seeds, { keep: new Set(["score"]) }));
  assert.equal(k.dropped, false);
  assert.match(k.message, /kept because of --keep score/);
});

void test("without enough known labels, a column of label names is the answer; with them, only if it predicts", () => {
  const y = truth(40);
  // Nine seed labels are too few to judge a rule: the values alone decide.
  const few = y.map((l, i) => (i < 9 ? l : null));
  let [f] = assessColumns([cat("verdict", y)], opts(few));
  assert.equal(f.kind, "leak");
  assert.equal(f.dropped, true);
  assert.match(f.message, /every value \("spam", "ham"\) is one of --labels; left out/);
  [f] = assessColumns([cat("verdict", y)], opts(null));
  assert.equal(f.dropped, true);
  // Label names that do not predict the labels (a yes/no feature of a yes/no task) are kept, with a note.
  const rng = new Rng(3);
  const noise = y.map(() => (rng.next() < 0.5 ? "spam" : "ham"));
  [f] = assessColumns([cat("verdict", noise)], opts(y));
  assert.equal(f.kind, "label-values");
  assert.equal(f.dropped, false);
  assert.match(f.message, /holds only label names .* but predicts the 40 labeled rows no better than \d+%/);
});

void test("a numeric column that one threshold splits into the labels is the answer; noise and ids are not", () => {
  const rng = new Rng(7);
  const n = 60;
  const y = truth(n);
  const x = y.map((l) => (l === "spam" ? 0.6 + 0.4 * rng.next() : 0.5 * rng.next()));
  const [f] = assessColumns([num("risk", x)], opts(y));
  assert.equal(f.kind, "leak");
  assert.match(f.message, /the one-feature rule risk ≤ 0\.5\d* → "ham", else "spam" gets 60 of 60 labeled rows right/);
  // Pure noise: no finding, on 10 seed labels or on all 60, over many columns.
  const cols = Array.from({ length: 50 }, (_, j) => num(`n${j}`, y.map(() => rng.next())));
  assert.deepEqual(assessColumns(cols, opts(y)), []);
  assert.deepEqual(assessColumns(cols, opts(y.map((l, i) => (i < 10 ? l : null)))), []);
  // A different value on every row cannot "predict" by memorising (leave-one-out), but is an id.
  const ids = y.map((_, i) => `u${(i * 7919) % 1000}`);
  const [g] = assessColumns([cat("user", ids)], opts(y));
  assert.equal(g.kind, "id-like");
  assert.match(g.message, /column "user" looks like an id \(a different value on each of the 60 rows\).*give --id user, or --ignore user/);
});

void test("isLeakRule: near-perfect and far above the majority rate, by enough rows", () => {
  assert.equal(isLeakRule({ correct: 10, n: 10, majority: 5 }), true);
  assert.equal(isLeakRule({ correct: 49, n: 50, majority: 25 }), true);
  assert.equal(isLeakRule({ correct: 48, n: 50, majority: 25 }), false, "4% errors is not near 1");
  assert.equal(isLeakRule({ correct: 20, n: 20, majority: 18 }), false, "two rows above the majority prove nothing");
  assert.equal(isLeakRule({ correct: 990, n: 1000, majority: 985 }), false, "barely above a 98.5% majority");
});

void test("id-like and free-text columns are warned about with the fix; ordinary ones are not", () => {
  const n = 30;
  const rng = new Rng(11);
  const words = ["refund", "late", "broken", "thanks", "invoice", "again", "please", "order", "never", "arrived"];
  const sentence = (): string => Array.from({ length: 6 }, () => words[Math.floor(rng.next() * words.length)]).join(" ");
  const columns = [
    num("row", Array.from({ length: n }, (_, i) => i + 1)),
    num("price", Array.from({ length: n }, () => Math.round(rng.next() * 1e6) / 100)),
    cat("city", Array.from({ length: n }, (_, i) => ["Paris", "Lyon", "Nice"][i % 3])),
    cat("comment", Array.from({ length: n }, sentence)),
  ];
  const found = assessColumns(columns, opts(null));
  assert.deepEqual(found.map((f) => [f.column, f.kind]), [["row", "id-like"], ["comment", "free-text"]]);
  assert.match(found[1].message, /column "comment" looks like free text \(\d+ different values in 30 rows, \d+ characters on average\) but is one-hot encoded as a category; give --text comment for word features, or --ignore comment/);
  const taken = assessColumns(columns, opts(null, { textTaken: true }));
  assert.match(taken[1].message, /give --ignore comment \(only one --text column is supported\)/);
});

void test("roleRows gives every column of the file its role, in file order", () => {
  const y = truth(20);
  const columns = [cat("score", y), num("length", y.map((_, i) => i % 5)), { name: "body", kind: "text" as const, values: y.map(() => "a b"), missing: 0 }];
  const findings = assessColumns(columns, opts(y));
  const rows = roleRows(["id", "body", "score", "length", "truth", "notes"], columns, { label: "truth", id: "id", ignore: ["notes"], notes: { truth: "20 seed labels" } }, findings);
  assert.deepEqual(
    rows.map((r) => [r.column, r.role, r.note]),
    [
      ["id", "id", ""],
      ["body", "text", ""],
      ["score", "ignored", "looks like the answer (--keep to use it)"],
      ["length", "numeric", ""],
      ["truth", "label", "20 seed labels"],
      ["notes", "ignored", "--ignore"],
    ],
  );
  assert.equal(rows[2].distinct, 2);
  assert.equal(rows[3].distinct, 5);
});
