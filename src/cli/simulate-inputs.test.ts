/**
 * simulate over every input: the same numbers as CSV columns, as Parquet columns, as a .npy file
 * beside the table, as vector cells (CSV text, JSONL arrays) and through an identity ONNX encoder
 * give the same results (AULC per strategy and per seed); a bad input is a located error, exit 2,
 * nothing written.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { writeNpy } from "../data/npy.js";
import { writeParquet } from "../data/parquet.js";
import type { SimulationResults } from "../eval/types.js";
import { dense, type DenseMatrix } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { DOUBLE, linearModel } from "../models/onnx-test-support.js";
import { cli, tmpDir } from "./test-support.js";

const tmp = (): string => tmpDir("al-inputs");
const small = ["--strategies", "random,margin,entropy", "--seeds", "2", "--initial", "6", "--batch", "6", "--budget", "30", "--workers", "0"];

/** 60 rows of 4 numbers, labelled by a noisy linear rule (three classes). */
function dataset(): { E: DenseMatrix; labels: string[]; n: number; d: number; row: (i: number) => number[] } {
  const rng = new Rng(7);
  const [n, d] = [60, 4];
  const E = dense(n, d, Float64Array.from({ length: n * d }, () => (rng.next() - 0.5) * 10));
  const labels = Array.from({ length: n }, (_, i) => {
    const s = E.data[i * d] + 0.5 * E.data[i * d + 1] + (rng.next() - 0.5) * 2;
    return s > 1.5 ? "high" : s < -1.5 ? "low" : "mid";
  });
  return { E, labels, n, d, row: (i) => Array.from(E.data.subarray(i * d, (i + 1) * d)) };
}

/** AULC of every strategy, overall and per seed. */
function aulcs(out: string): Record<string, number[]> {
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  return Object.fromEntries(Object.entries(res.strategies).map(([k, s]) => [k, [s.aulc, ...s.per_seed.map((p) => p.aulc)]]));
}

function run(args: string[]): Record<string, number[]> {
  const out = tmp();
  const r = cli(["simulate", ...args, ...small, "--out", out]);
  assert.equal(r.status, 0, `${args.join(" ")}\n${r.stderr}`);
  return aulcs(out);
}

void test("the same numbers as CSV columns, Parquet, .npy, vector cells and an identity ONNX encoder give the same AULC per strategy", async () => {
  const { labels, n, d, row } = dataset();
  const dir = tmp();
  const names = Array.from({ length: d }, (_, j) => `e${j}`);
  const cols = path.join(dir, "cols.csv");
  fs.writeFileSync(cols, [["label", ...names].join(","), ...labels.map((l, i) => [l, ...row(i).map(String)].join(","))].join("\n") + "\n");
  const parquet = path.join(dir, "cols.parquet");
  await writeParquet(parquet, [{ name: "label", type: "STRING" }, ...names.map((name) => ({ name, type: "DOUBLE" as const }))], labels.map((l, i) => [l, ...row(i)]));
  const vecCsv = path.join(dir, "vec.csv");
  fs.writeFileSync(vecCsv, ["label,emb", ...labels.map((l, i) => `${l},${row(i).join(";")}`)].join("\n") + "\n");
  const vecJsonl = path.join(dir, "vec.jsonl");
  fs.writeFileSync(vecJsonl, labels.map((l, i) => JSON.stringify({ label: l, emb: row(i) })).join("\n") + "\n");
  const onlyLabels = path.join(dir, "labels.csv");
  fs.writeFileSync(onlyLabels, ["label", ...labels].join("\n") + "\n");
  const npy = path.join(dir, "emb.npy");
  const { E } = dataset();
  fs.writeFileSync(npy, writeNpy(E));
  const I = dense(d, d, Float64Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) === k % d ? 1 : 0)));
  const onnx = path.join(dir, "identity.onnx");
  fs.writeFileSync(onnx, linearModel({ W: I, elemType: DOUBLE }));

  const expected = run(["--data", cols, "--label", "label"]);
  assert.deepEqual(Object.keys(expected).sort(), ["entropy", "margin", "random"]);
  assert.equal(n, 60);
  assert.deepEqual(run(["--data", parquet, "--label", "label"]), expected, "Parquet");
  assert.deepEqual(run(["--data", vecCsv, "--label", "label", "--vectors", "emb"]), expected, "CSV vector cells");
  assert.deepEqual(run(["--data", vecJsonl, "--label", "label", "--vectors", "emb"]), expected, "JSONL vector cells");
  assert.deepEqual(run(["--data", onlyLabels, "--label", "label", "--embeddings", npy]), expected, ".npy");
  assert.deepEqual(run(["--data", cols, "--label", "label", "--encoder", onnx]), expected, "identity ONNX encoder");
  // The comparison can fail: an encoder that drops two of the numbers changes the results.
  const drop = dense(d, d, Float64Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) === k % d && k % d >= 2 ? 1 : 0)));
  const dropOnnx = path.join(dir, "drop.onnx");
  fs.writeFileSync(dropOnnx, linearModel({ W: drop, elemType: DOUBLE }));
  assert.notDeepEqual(run(["--data", cols, "--label", "label", "--encoder", dropOnnx]), expected, "an encoder that drops features");
});

void test("Label Studio tasks and Prodigy JSONL: the label column is the format's own, notes are warnings, results as for the CSV", () => {
  const { labels, d, row } = dataset();
  const dir = tmp();
  const names = Array.from({ length: d }, (_, j) => `e${j}`);
  const cols = path.join(dir, "cols.csv");
  fs.writeFileSync(cols, [["label", ...names].join(","), ...labels.map((l, i) => [l, ...row(i).map(String)].join(","))].join("\n") + "\n");
  const data = (i: number): Record<string, number> => Object.fromEntries(names.map((k, j) => [k, row(i)[j]]));
  const tasks = labels.map((l, i) => ({
    id: i + 1,
    data: data(i),
    annotations: [
      {
        result: [
          { type: "choices", from_name: "level", to_name: "x", value: { choices: [l] } },
          { type: "choices", from_name: "mood", to_name: "x", value: { choices: [i % 2 === 0 ? "calm" : "busy"] } },
        ],
      },
    ],
    ...(i === 0 ? { predictions: [{ result: [] }] } : {}),
  }));
  const ls = path.join(dir, "tasks.json");
  fs.writeFileSync(ls, JSON.stringify(tasks));
  const prodigy = path.join(dir, "answers.jsonl");
  fs.writeFileSync(prodigy, labels.map((l, i) => JSON.stringify({ ...data(i), label: l, answer: "accept" })).join("\n") + "\n");
  const expected = run(["--data", cols, "--label", "label"]);
  const two = cli(["simulate", "--data", ls, ...small, "--out", path.join(dir, "o")]);
  assert.equal(two.status, 2, two.stderr);
  assert.match(two.stderr, /tasks\.json.*choices from 2 controls \(from_name "level", "mood"\).*--from-name/);
  assert.equal(fs.existsSync(path.join(dir, "o")), false);
  const out = tmp();
  const r = cli(["simulate", "--data", ls, "--from-name", "level", ...small, "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: .*tasks\.json: 1 prediction ignored/);
  assert.deepEqual(aulcs(out), expected, "Label Studio");
  assert.deepEqual(run(["--data", prodigy, "--format", "prodigy"]), expected, "Prodigy");
  const bad = cli(["simulate", "--data", prodigy, "--format", "xml", ...small]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format must be one of csv, jsonl, parquet, labelstudio, prodigy, got "xml"/);
  const noLabel = cli(["simulate", "--data", cols, ...small]);
  assert.equal(noLabel.status, 2);
  assert.match(noLabel.stderr, /--label is required/);
});

void test("simulate refuses misaligned embeddings, bad vector cells and an encoder of the wrong width: exit 2, located, nothing written", () => {
  const { labels, d, row } = dataset();
  const dir = tmp();
  const table = path.join(dir, "t.csv");
  fs.writeFileSync(table, ["label,x,emb", ...labels.map((l, i) => `${l},${i % 7},${row(i).join(" ")}`)].join("\n") + "\n");
  const short = path.join(dir, "short.npy");
  fs.writeFileSync(short, writeNpy(dense(59, d)));
  const check = (args: string[], pattern: RegExp): void => {
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const r = cli(["simulate", "--data", table, "--label", "label", ...args, ...small, "--out", out]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(fs.existsSync(out), false, "nothing written");
  };
  check(["--embeddings", short], /short\.npy.*has 59 rows but the table .*t\.csv has 60/);
  const bad = path.join(dir, "bad.csv");
  fs.writeFileSync(bad, ["label,emb", "a,1;2", "b,1;x", "a,3;4"].join("\n") + "\n");
  const r = cli(["simulate", "--data", bad, "--label", "label", "--vectors", "emb", ...small, "--out", path.join(dir, "o")]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /bad\.csv.*row 2.*emb/);
  assert.match(r.stderr, /element 1 \(emb\[1\]\)/);
  assert.equal(fs.existsSync(path.join(dir, "o")), false);
  check(["--vectors", "nope"], /no column named "nope"/);
  const wide = path.join(dir, "wide.onnx");
  fs.writeFileSync(wide, linearModel({ W: dense(3, 2), elemType: DOUBLE }));
  check(["--encoder", wide, "--ignore", "emb"], /takes 3 values per row, the rows have 1/);
  check(["--image", "emb", "--vectors", "emb"], /--image and --vectors both name column "emb"/);
});
