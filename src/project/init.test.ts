import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import { ActiveLearnError, BadInputError, BadOptionError } from "../errors.js";
import { writeSyntheticCsv } from "../server/testing.js";
import { SqliteStore } from "../store/sqlite.js";
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
  const store = SqliteStore.open(projectDbPath(path.join(base, "p")), { readonly: true });
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
  const store = SqliteStore.open(projectDbPath(path.join(base, "p")), { readonly: true });
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
