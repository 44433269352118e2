/**
 * init over every input: the same numbers as CSV columns, Parquet columns, vector cells and a
 * .npy file give the project the same feature rows; Label Studio and Prodigy files bring their
 * labels as seed labels; bad inputs are located errors, exit 2, and no project is left behind.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { writeNpy } from "../data/npy.js";
import { writeParquet } from "../data/parquet.js";
import { dense } from "../linalg/matrix.js";
import { Rng } from "../linalg/rng.js";
import { loadPoolMatrix } from "../project/features.js";
import { projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import { cli, tmpDir } from "./test-support.js";

const tmp = (): string => tmpDir("al-init-inputs");
const [n, d] = [30, 3];
const rng = new Rng(11);
const E = dense(n, d, Float64Array.from({ length: n * d }, () => (rng.next() - 0.5) * 8));
const row = (i: number): number[] => Array.from(E.data.subarray(i * d, (i + 1) * d));
const labels = Array.from({ length: n }, (_, i) => (E.data[i * d] + E.data[i * d + 1] - E.data[i * d + 2] + (rng.next() - 0.5) * 6 > 0 ? "pos" : "neg"));
const names = Array.from({ length: d }, (_, j) => `e${j}`);

/** The project's pool features (rows x width), its field names and the item data of item 0. */
function project(proj: string): { X: number[]; width: number; fields: string[]; data: Record<string, unknown> } {
  const store = openStore(projectDbPath(proj), { readonly: true });
  try {
    const meta = store.meta();
    const X = loadPoolMatrix(store, n, meta.featureWidth, meta.featureKind);
    if (X.kind !== "dense") throw new Error("expected dense features");
    return { X: Array.from(X.data), width: meta.featureWidth, fields: meta.fields.map((f) => f.name), data: store.item(0)?.data ?? {} };
  } finally {
    store.close();
  }
}

function init(args: string[]): { proj: string; stdout: string; stderr: string } {
  const proj = path.join(tmp(), "p");
  const r = cli(["init", proj, "--labels", "pos,neg", ...args]);
  assert.equal(r.status, 0, `${args.join(" ")}\n${r.stderr}`);
  return { proj, stdout: r.stdout, stderr: r.stderr };
}

void test("init: CSV columns, Parquet, vector cells and .npy give the same feature rows; the vector column is no field", async () => {
  const dir = tmp();
  const cols = path.join(dir, "cols.csv");
  fs.writeFileSync(cols, [["label", ...names].join(","), ...labels.map((l, i) => [l, ...row(i).map(String)].join(","))].join("\n") + "\n");
  const parquet = path.join(dir, "cols.parquet");
  await writeParquet(parquet, [{ name: "label", type: "STRING" }, ...names.map((name) => ({ name, type: "DOUBLE" as const }))], labels.map((l, i) => [l, ...row(i)]));
  const vec = path.join(dir, "vec.jsonl");
  fs.writeFileSync(vec, labels.map((l, i) => JSON.stringify({ label: l, emb: row(i) })).join("\n") + "\n");
  const onlyLabels = path.join(dir, "labels.csv");
  fs.writeFileSync(onlyLabels, ["label", ...labels].join("\n") + "\n");
  const npy = path.join(dir, "emb.npy");
  fs.writeFileSync(npy, writeNpy(E));

  const base = project(init(["--data", cols, "--label", "label"]).proj);
  assert.equal(base.X.length, n * base.width);
  assert.deepEqual(base.fields, names);
  const pq = init(["--data", parquet, "--label", "label"]);
  assert.match(pq.stdout, /30 items, 30 seed labels/);
  assert.deepEqual(project(pq.proj).X, base.X, "Parquet");
  const v = project(init(["--data", vec, "--label", "label", "--vectors", "emb"]).proj);
  assert.deepEqual(v.X, base.X, "vector cells");
  assert.deepEqual(v.fields, ["emb[0]", "emb[1]", "emb[2]"]);
  assert.equal("emb" in v.data, false, "the vector column is not stored");
  const e = project(init(["--data", onlyLabels, "--label", "label", "--embeddings", npy]).proj);
  assert.deepEqual(e.X, base.X, ".npy");
  assert.deepEqual(e.fields, ["emb[0]", "emb[1]", "emb[2]"]);
});

void test("init: Label Studio tasks and Prodigy JSONL bring their labels as seed labels, notes as warnings", () => {
  const dir = tmp();
  const data = (i: number): Record<string, number> => Object.fromEntries(names.map((k, j) => [k, row(i)[j]]));
  const tasks = labels.map((l, i) => ({
    id: `t${i}`,
    data: data(i),
    ...(i < 20 ? { annotations: [{ result: [{ type: "choices", from_name: "sign", to_name: "x", value: { choices: [l] } }] }] } : {}),
    ...(i === 0 ? { predictions: [{ result: [] }] } : {}),
  }));
  const ls = path.join(dir, "tasks.json");
  fs.writeFileSync(ls, JSON.stringify(tasks));
  const r = init(["--data", ls]);
  assert.match(r.stdout, /30 items, 20 seed labels/);
  assert.match(r.stderr, /warning: 1 prediction ignored/);
  const p = project(r.proj);
  assert.deepEqual(p.fields, names);
  const prodigy = path.join(dir, "answers.jsonl");
  fs.writeFileSync(prodigy, labels.map((l, i) => JSON.stringify({ ...data(i), label: l, answer: i < 10 ? "accept" : "ignore" })).join("\n") + "\n");
  const q = init(["--data", prodigy, "--format", "prodigy"]);
  assert.match(q.stdout, /30 items, 10 seed labels/);
  assert.match(q.stderr, /warning: 20 ignored tasks imported unlabeled/);
});

void test("init refuses misaligned embeddings and bad vector cells: exit 2, located, no project", () => {
  const dir = tmp();
  const table = path.join(dir, "t.csv");
  fs.writeFileSync(table, ["label,emb", ...labels.map((l, i) => (i === 7 ? `${l},1;oops;3` : `${l},${row(i).join(";")}`))].join("\n") + "\n");
  const short = path.join(dir, "short.npy");
  fs.writeFileSync(short, writeNpy(dense(n + 1, 2)));
  const fail = (args: string[], pattern: RegExp): void => {
    const proj = path.join(tmp(), "p");
    const r = cli(["init", proj, "--data", table, "--labels", "pos,neg", "--label", "label", ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(fs.existsSync(proj), false, "no project left behind");
  };
  fail(["--vectors", "emb"], /t\.csv.*row 8.*emb.*element 1 \(emb\[1\]\)/);
  fail(["--ignore", "emb", "--embeddings", short], /short\.npy.*has 31 rows but the table .*t\.csv has 30/);
  fail(["--vectors", "nope"], /no column named "nope"/);
  fail(["--format", "xml"], /unknown format "xml"/);
});
