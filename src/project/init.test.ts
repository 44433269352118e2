import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import { ActiveLearnError, BadInputError, BadOptionError } from "../errors.js";
import { writeSyntheticCsv } from "../server/testing.js";
import { openStore } from "../store/open.js";
import { initProject, projectDbPath } from "./init.js";

const made: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-init-"));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

async function initError(csv: string, opts: Partial<Parameters<typeof initProject>[0]> = {}, ext = "csv"): Promise<{ message: string; dir: string }> {
  const base = tmp();
  const data = path.join(base, `items.${ext}`);
  fs.writeFileSync(data, csv);
  const dir = path.join(base, "proj");
  try {
    await initProject({ dir, data, labels: ["spam", "ham"], text: "text", ...opts });
  } catch (e) {
    assert.ok(e instanceof ActiveLearnError, String(e));
    assert.equal(fs.existsSync(projectDbPath(dir)), false, "a failed init leaves no database behind");
    return { message: e.message, dir: data };
  }
  assert.fail("init should have failed");
}

void test("init errors name the file, row and column", async () => {
  let r = await initError("id,text,truth\n1,hello there,spam\n2,cheap pills,spma\n", { label: "truth", id: "id" });
  assert.match(r.message, new RegExp(`${r.dir.replace(/[.\\]/g, "\\$&")}, row 2, column "truth": label "spma" is not one of the project's labels \\(spam, ham\\)`));
  r = await initError("id,text\n1,a b\n,c d\n", { id: "id" });
  assert.match(r.message, /row 2, column "id": missing id/);
  r = await initError("id,text\na,x y\nb,y z\na,z w\n", { id: "id" });
  assert.match(r.message, /row 3, column "id": duplicate id "a" in rows 1 and 3/);
  // The first repeat is named, with the row it repeats, even when later repeats share its batch.
  r = await initError("id,text\na,x y\nb,y z\nb,z w\na,w v\nb,v u\n", { id: "id", batchSize: 5 });
  assert.match(r.message, /row 3, column "id": duplicate id "b" in rows 2 and 3$/);
  r = await initError("id,body\n1,a b\n");
  assert.match(r.message, /option --text: no column named "text"; available columns: "id", "body"/);
  r = await initError('{"text":"a b","truth":"spam"}\n{"text":"c d","truth":"nope"}\n', { label: "truth" }, "jsonl");
  assert.match(r.message, /row 2, column "truth": label "nope"/);
  r = await initError("id,text\n1,a b\n2,c d,e\n");
  assert.match(r.message, /row 2/);
});

void test("init reports every bad option at once and refuses an existing project", async () => {
  const base = tmp();
  const data = writeSyntheticCsv(base, 10, 2);
  await assert.rejects(
    initProject({ dir: path.join(base, "p"), data, labels: ["spam"], strategy: "psychic", model: "oracle", retrainEvery: 0 }),
    (e: unknown) => e instanceof BadOptionError && e.problems.length === 4 && /--labels needs at least two/.test(e.message) && /unknown strategy "psychic"/.test(e.message) && /unknown model "oracle"/.test(e.message),
  );
  await initProject({ dir: path.join(base, "p"), data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id" });
  await assert.rejects(initProject({ dir: path.join(base, "p"), data, labels: ["spam", "ham"] }), /already a project/);
  const store = openStore(projectDbPath(path.join(base, "p")), { readonly: true });
  try {
    const meta = store.meta();
    assert.deepEqual(meta.fields, [{ name: "text", kind: "text" }, { name: "length", kind: "numeric" }]);
    assert.equal(store.itemCount(), 10);
    assert.deepEqual(store.currentLabels().map((c) => c.label).sort(), ["ham", "spam"]);
    assert.deepEqual(store.item(0)?.data, { text: store.item(0)?.data.text, length: store.item(0)?.data.length });
    assert.equal(store.item(3)?.id, "item-3");
  } finally {
    store.close();
  }
});

void test("a 200k-row file imports by streaming, with memory well below the file held whole many times over", async () => {
  const base = tmp();
  const n = 200_000;
  const data = writeSyntheticCsv(base, n, 10);
  const fileBytes = fs.statSync(data).size;
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 20);
  try {
    const summary = await initProject({ dir: path.join(base, "p"), data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id", onProgress: sample });
    assert.equal(summary.items, n);
    assert.equal(summary.seedLabels, 10);
  } finally {
    clearInterval(timer);
  }
  const store = openStore(projectDbPath(path.join(base, "p")), { readonly: true });
  try {
    assert.equal(store.itemCount(), n);
    let rows = 0;
    for (const f of store.featureRows()) if (f.idx >= 0) rows++;
    assert.equal(rows, n);
  } finally {
    store.close();
  }
  const grownMb = (peak - baseline) / 2 ** 20;
  // Parsed cells of the whole file as JS arrays would take well over 10x the file; streaming
  // keeps one batch of rows plus the text column for fitting TF-IDF.
  assert.ok(grownMb < Math.max(300, (12 * fileBytes) / 2 ** 20), `memory grew by ${grownMb.toFixed(0)} MB for a ${(fileBytes / 2 ** 20).toFixed(1)} MB file`);
});

void test("a failed init leaves no folder behind; a file or a path through a file is a located error", async () => {
  const base = tmp();
  const data = writeSyntheticCsv(base, 10, 2);
  const dir = path.join(base, "new", "proj");
  await assert.rejects(initProject({ dir, data, labels: ["spam", "ham"], text: "nope" }), /no column named "nope"/);
  assert.equal(fs.existsSync(path.join(base, "new")), false, "no empty folder left");
  assert.deepEqual(fs.readdirSync(base), ["items.csv"], "no temporary file left");
  for (const target of [data, path.join(data, "proj")]) {
    await assert.rejects(
      initProject({ dir: target, data, labels: ["spam", "ham"], text: "text" }),
      (e: unknown) => e instanceof BadInputError && e.message.startsWith(`${target}: `) && /is a file, not a folder/.test(e.message),
    );
  }
  assert.equal(fs.readFileSync(data, "utf8").startsWith("id,text"), true, "the file is untouched");
  // An existing folder (not a project) is fine; the database appears only when complete.
  fs.mkdirSync(path.join(base, "existing"));
  const summary = await initProject({ dir: path.join(base, "existing"), data, labels: ["spam", "ham"], text: "text" });
  assert.equal(summary.items, 10);
  assert.deepEqual(fs.readdirSync(path.join(base, "existing")), ["project.db"]);
});

/** A CSV of n rows whose "score" column is the label, with a text and a noise column. */
function leakyCsv(dir: string, n: number, seeds: number): string {
  const file = path.join(dir, "leaky.csv");
  let csv = "id,text,score,noise,truth\n";
  for (let i = 0; i < n; i++) {
    const l = i % 2 === 0 ? "spam" : "ham";
    csv += `r${i},${l === "spam" ? "cheap pills now" : "meeting at noon"} ${i % 7},${l},${(i * 37) % 11},${i < seeds ? l : ""}\n`;
  }
  fs.writeFileSync(file, csv);
  return file;
}

void test("a score column equal to the label is warned about and kept out of the model and the page (unless --keep)", async () => {
  const base = tmp();
  const data = leakyCsv(base, 60, 20);
  for (const [seeds, keep] of [[20, false], [0, false], [20, true]] as const) {
    const dir = path.join(base, `p${seeds}${keep ? "k" : ""}`);
    const summary = await initProject({ dir, data, labels: ["spam", "ham"], text: "text", id: "id", ...(seeds > 0 ? { label: "truth" } : {}), ...(keep ? { keep: ["score"] } : {}) });
    const leak = summary.findings.find((f) => f.column === "score");
    assert.ok(leak !== undefined && leak.kind === "leak", JSON.stringify(summary.findings));
    assert.equal(leak.dropped, !keep);
    assert.match(leak.message, seeds > 0 ? /gets 20 of 20 seed labels right \(100%\)/ : /every value \("spam", "ham"\) is one of --labels/);
    assert.equal(summary.roles.find((r) => r.column === "score")?.role, keep ? "categorical" : "ignored");
    const store = openStore(projectDbPath(dir), { readonly: true });
    try {
      const meta = store.meta();
      assert.equal(meta.fields.some((f) => f.name === "score"), keep, "the model's fields");
      assert.equal(JSON.stringify(meta.featurizer).includes('"score"'), keep, "the featurizer");
      for (const it of store.items()) assert.equal("score" in it.data, keep, "what the labeling page shows");
      assert.equal(store.item(0)?.data.noise, "0");
    } finally {
      store.close();
    }
  }
});

void test("init --ignore leaves columns out; bad --ignore and --keep names are located errors", async () => {
  const base = tmp();
  const data = leakyCsv(base, 20, 0);
  const dir = path.join(base, "p");
  const summary = await initProject({ dir, data, labels: ["spam", "ham"], text: "text", id: "id", ignore: ["noise", "truth"], keep: ["score"] });
  assert.deepEqual(summary.fields.map((f) => f.name), ["text", "score"]);
  assert.deepEqual(summary.roles.map((r) => `${r.column}:${r.role}`), ["id:id", "text:text", "score:categorical", "noise:ignored", "truth:ignored"]);
  const store = openStore(projectDbPath(dir), { readonly: true });
  try {
    assert.deepEqual(Object.keys(store.item(0)?.data ?? {}), ["text", "score"]);
  } finally {
    store.close();
  }
  let r = await initError(fs.readFileSync(data, "utf8"), { id: "id", ignore: ["nosie"] });
  assert.match(r.message, /option --ignore: no column named "nosie" \(did you mean "noise"\?\)/);
  r = await initError(fs.readFileSync(data, "utf8"), { id: "id", label: "truth", ignore: ["truth"] });
  assert.match(r.message, /option --ignore, column "truth"|column "truth", option --ignore/);
  assert.match(r.message, /is both ignored and the --label column/);
  r = await initError(fs.readFileSync(data, "utf8"), { id: "id", ignore: ["score"], keep: ["score"] });
  assert.match(r.message, /column "score" is both ignored and kept/);
  r = await initError('{"text":"a b","x":1}\n', { ignore: ["y"] }, "jsonl");
  assert.match(r.message, /option --ignore: no column named "y"/);
});

void test("init --map turns label-column values into labels; uncovered values are named with their count and first row", async () => {
  const base = tmp();
  const data = path.join(base, "reviews.csv");
  const stars = [5, 4, 1, 3, 2, 5, 1, 3, 4, 2];
  fs.writeFileSync(data, "text,stars\n" + stars.map((s, i) => `review number ${i},${s}\n`).join(""));
  const dir = path.join(base, "p");
  const summary = await initProject({ dir, data, labels: ["positive", "negative"], text: "text", label: "stars", map: "4,5=positive;1,2=negative;3=-" });
  assert.equal(summary.seedLabels, 8);
  const store = openStore(projectDbPath(dir), { readonly: true });
  try {
    const byItem = new Map(store.currentLabels().map((c) => [c.itemIdx, c.label]));
    stars.forEach((s, i) => assert.equal(byItem.get(i), s >= 4 ? "positive" : s <= 2 ? "negative" : undefined, `row ${i + 1}`));
  } finally {
    store.close();
  }
  // 3 is not covered: named with its count and first row.
  let r = await initError(fs.readFileSync(data, "utf8"), { labels: ["positive", "negative"], label: "stars", map: "4,5=positive;1,2=negative" });
  assert.match(r.message, /row 4, column "stars": label "3" is not one of the project's labels \(positive, negative\) and not covered by --map \(2 rows, first row 4\)/);
  assert.match(r.message, /"VALUE=-" leaves its rows unlabeled/);
  // Values that match a label up to case: the --map that fixes them is suggested.
  r = await initError("text,truth\na b,Spam\nc d,HAM\ne f,spam\ng h,Spam\n", { label: "truth" });
  assert.match(r.message, /row 1, column "truth": label "Spam" is not one of the project's labels \(spam, ham\) \(2 rows, first row 1\); nor are "HAM" \(1 row, first row 2\); did you mean --map "Spam=spam;HAM=ham"\?/);
  // Bad --map syntax: every problem, each naming its entry; nothing is created.
  await assert.rejects(
    initProject({ dir: path.join(base, "q"), data, labels: ["positive", "negative"], text: "text", label: "stars", map: "4,5=positive;1,2=negatve;3;5=negative;,2=-" }),
    (e: unknown) => {
      assert.ok(e instanceof BadOptionError);
      assert.deepEqual(e.problems, [
        '--map entry 2 ("1,2=negatve") maps to "negatve", which is not one of --labels (positive, negative) nor "-" (leave unlabeled) (did you mean "negative"?)',
        '--map entry 3 ("3") has no "=": write VALUES=LABEL, e.g. "4,5=positive", or VALUES=- to leave those rows unlabeled',
        '--map maps the value "5" twice (entries 1 and 4)',
        '--map entry 5 (",2=-") has an empty value before "=" (values are separated by ",")',
        '--map maps the value "2" twice (entries 2 and 5)',
      ]);
      return true;
    },
  );
  assert.equal(fs.existsSync(path.join(base, "q")), false);
  await assert.rejects(initProject({ dir: path.join(base, "q"), data, labels: ["positive", "negative"], text: "text", map: "1=positive" }), /--map needs --label/);
});

void test("when the only feature looks like the answer, the error names it and --keep", async () => {
  const r = await initError("id,score\na,spam\nb,ham\nc,spam\n", { id: "id", text: undefined });
  assert.match(r.message, /no feature columns left \(only the label and id columns; left out as looking like the answer: score \(--keep score to use them\)\)/);
});

function densified(m: { indptr: Int32Array; indices: Int32Array; values: Float64Array }, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols).fill(0);
  for (let r = 0; r < rows; r++) for (let q = m.indptr[r]; q < m.indptr[r + 1]; q++) out[r * cols + m.indices[q]] = m.values[q];
  return out.map((v) => Math.round(v * 1e9) / 1e9 + 0);
}

void test("streamed in small batches or large, init stores the same items, labels and pool (CSV and JSON Lines)", async () => {
  const { loadPoolMatrix } = await import("./features.js");
  const base = tmp();
  const rows: string[] = ["id,text,plan,age,seed"];
  const jsonl: string[] = [];
  for (let i = 0; i < 53; i++) {
    const plan = i % 5 === 0 ? "" : ["basic", "pro", "team"][i % 3];
    const age = i % 7 === 0 ? "NA" : String(20 + ((i * 37) % 41) + (i % 2) * 0.5);
    const text = i % 2 === 0 ? `cheap offer number ${i % 4}` : `meeting notes ${i % 3} today`;
    const seed = i % 4 === 0 ? (i % 8 === 0 ? "spam" : "ham") : "";
    rows.push(`u${i},${text},${plan},${age},${seed}`);
    // JSON Lines: the "age" key appears only from the 10th record on (missing before).
    jsonl.push(JSON.stringify({ id: `u${i}`, text, plan: plan === "" ? null : plan, ...(i >= 10 ? { age: age === "NA" ? null : Number(age) } : {}), seed: seed === "" ? null : seed }));
  }
  const files = { csv: path.join(base, "items.csv"), jsonl: path.join(base, "items.jsonl") };
  fs.writeFileSync(files.csv, rows.join("\n") + "\n");
  fs.writeFileSync(files.jsonl, jsonl.join("\n") + "\n");
  for (const [ext, data] of Object.entries(files)) {
    const seen: unknown[] = [];
    for (const batchSize of [7, 5000]) {
      const dir = path.join(base, `${ext}-${batchSize}`);
      const s = await initProject({ dir, data, labels: ["spam", "ham"], text: "text", id: "id", label: "seed", batchSize });
      assert.equal(s.items, 53);
      assert.equal(s.seedLabels, 14);
      const store = openStore(projectDbPath(dir), { readonly: true });
      try {
        const meta = store.meta();
        const X = loadPoolMatrix(store, store.itemCount(), meta.featureWidth, meta.featureKind);
        assert.equal(X.kind, "csr");
        const blocks = [...store.featureBlocks()].length;
        assert.equal(blocks, batchSize === 7 ? 8 : 1);
        const csr = X as { indptr: Int32Array; indices: Int32Array; values: Float64Array };
        seen.push({
          fields: meta.fields,
          // Means and spreads summed in batches agree with the one-batch figures to rounding.
          featurizer: JSON.parse(JSON.stringify(meta.featurizer), (_, v: unknown) => (typeof v === "number" ? +v.toPrecision(12) : v)) as unknown,
          items: [...store.items()],
          labels: store.currentLabels(),
          // Dense, to 9 decimals: batched means may differ in the last bit, so a value at the mean is 0 in one and 1e-16 (a stored non-zero) in the other.
          X: densified(csr, X.rows, meta.featureWidth),
        });
      } finally {
        store.close();
      }
    }
    assert.deepEqual(seen[0], seen[1], `${ext}: batch size changes nothing`);
    const first = seen[0] as { fields: { name: string; kind: string }[]; items: { id: string; data: Record<string, unknown> }[] };
    assert.deepEqual(first.fields, [{ name: "text", kind: "text" }, { name: "plan", kind: "categorical" }, { name: "age", kind: "numeric" }]);
    assert.equal(first.items[3].id, "u3");
    assert.equal(first.items[3].data.plan, "basic");
  }
});
