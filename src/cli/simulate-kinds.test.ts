import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import sharp from "sharp";
import type { SimulationResults } from "../eval/types.js";
import { controlCharts } from "../features/control-chart.js";
import { loadPoolMatrix } from "../project/features.js";
import { projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import { cli, tmpDir } from "./test-support.js";

const tmp = (): string => tmpDir("al-kinds");

/** A 24 x 24 grey PNG of stripes (vertical or horizontal), period and phase varying with `k`. */
async function stripes(file: string, vertical: boolean, k: number): Promise<void> {
  const side = 24;
  const period = 4 + (k % 3) * 2;
  const px = Buffer.alloc(side * side);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const t = (vertical ? x : y) + k;
      px[y * side + x] = t % period < period / 2 ? 230 - (k % 5) * 10 : 20 + (k % 4) * 10;
    }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: side, height: side, channels: 1 } }).png().toFile(file);
}

/** DIR/vertical/NN.png and DIR/horizontal/NN.png, 20 each. */
async function stripeFolder(): Promise<string> {
  const dir = tmp();
  for (let k = 0; k < 20; k++) {
    await stripes(path.join(dir, "vertical", `${String(k).padStart(2, "0")}.png`), true, k);
    await stripes(path.join(dir, "horizontal", `${String(k).padStart(2, "0")}.png`), false, k);
  }
  return dir;
}

const small = ["--strategies", "random,margin", "--seeds", "2", "--initial", "4", "--batch", "4", "--budget", "20", "--workers", "0"];

void test("simulate --data DIR/ learns an image folder (stripes by direction) from the subfolder labels", async () => {
  const dir = await stripeFolder();
  const out = tmp();
  const r = cli(["simulate", "--data", dir + "/", "--image-features", "hog:24:8", ...small, "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /40 images in 2 label folders, 144 image features/);
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  assert.equal(res.rows, 40);
  assert.equal(res.classes, 2);
  assert.ok(res.full_pool_accuracy >= 0.95, `full-pool accuracy ${res.full_pool_accuracy}`);
  assert.ok(res.strategies.margin.aulc >= 0.9, `margin AULC ${res.strategies.margin.aulc}`);
});

void test("simulate --image COL joins image features to the table's columns; a missing image is located, exit 2, nothing written", async () => {
  const dir = await stripeFolder();
  const rows = ["file,label,brightness"];
  for (const d of ["vertical", "horizontal"]) for (let k = 0; k < 20; k++) rows.push(`${d}/${String(k).padStart(2, "0")}.png,${d},${(k * 7) % 10}`);
  const csv = path.join(dir, "items.csv");
  fs.writeFileSync(csv, rows.join("\n") + "\n");
  const out = tmp();
  const ok = cli(["simulate", "--data", csv, "--label", "label", "--image", "file", "--image-features", "pixels:6,hog:24:8", ...small, "--out", out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /file\s+image\b.*180 image features/);
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  assert.ok(res.full_pool_accuracy >= 0.95, `full-pool accuracy ${res.full_pool_accuracy}`);

  rows[7] = "vertical/missing.png,vertical,3";
  fs.writeFileSync(csv, rows.join("\n") + "\n");
  const out2 = path.join(tmp(), "never");
  const bad = cli(["simulate", "--data", csv, "--label", "label", "--image", "file", ...small, "--out", out2]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /items\.csv, row 7, column "file": image file "vertical\/missing\.png" not found/);
  assert.equal(fs.existsSync(out2), false);

  const leave = cli(["simulate", "--data", csv, "--label", "label", "--image", "file", "--image-features", "pixels:0,wavelets", ...small, "--out", out2]);
  assert.equal(leave.status, 2);
  assert.match(leave.stderr, /--image-features "pixels:0"/);
  assert.match(leave.stderr, /unknown image feature "wavelets"/);
});

void test("simulate --series COL builds series features from control-chart series in a CSV cell and in JSONL arrays", () => {
  const d = controlCharts({ perClass: 15, length: 60, seed: 1 });
  const dir = tmp();
  const csv = path.join(dir, "charts.csv");
  fs.writeFileSync(csv, "class,reading\n" + d.series.map((s, i) => `${d.labels[i]},${Array.from(s, (x) => x.toFixed(3)).join(";")}`).join("\n") + "\n");
  const out = tmp();
  const r = cli(["simulate", "--data", csv, "--label", "class", "--series", "reading", "--strategies", "random,margin", "--seeds", "2", "--initial", "12", "--batch", "6", "--budget", "48", "--workers", "0", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /reading\s+series\b.*series features/);
  const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as SimulationResults;
  assert.equal(res.classes, 6);
  assert.ok(res.full_pool_accuracy >= 0.85, `full-pool accuracy ${res.full_pool_accuracy}`);

  const jsonl = path.join(dir, "charts.jsonl");
  fs.writeFileSync(jsonl, d.series.map((s, i) => JSON.stringify({ class: d.labels[i], reading: Array.from(s, (x) => Math.round(x * 1000) / 1000) })).join("\n") + "\n");
  const out2 = tmp();
  const j = cli(["simulate", "--data", jsonl, "--label", "class", "--series", "reading", "--strategies", "random", "--seeds", "1", "--initial", "12", "--batch", "6", "--budget", "24", "--workers", "0", "--out", out2]);
  assert.equal(j.status, 0, j.stderr);
  const res2 = JSON.parse(fs.readFileSync(path.join(out2, "results.json"), "utf8")) as SimulationResults;
  assert.ok(Math.abs(res2.full_pool_accuracy - res.full_pool_accuracy) < 0.05, `${res2.full_pool_accuracy} vs ${res.full_pool_accuracy}`);

  fs.writeFileSync(csv, "class,reading\nnormal,1;2;x;4\ncyclic,1;2\n");
  const bad = cli(["simulate", "--data", csv, "--label", "class", "--series", "reading", "--out", tmp()]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /charts\.csv.*row 1.*reading.*series value 3 \("x"\) is not a finite number/);
});

void test("init --image COL stores the image features as the project's feature rows; the path stays in the item's data", async () => {
  const dir = await stripeFolder();
  const rows = ["file,label,brightness"];
  for (const d of ["vertical", "horizontal"]) for (let k = 0; k < 20; k++) rows.push(`${d}/${String(k).padStart(2, "0")}.png,${k < 3 ? d : ""},${(k * 7) % 10}`);
  const csv = path.join(dir, "items.csv");
  fs.writeFileSync(csv, rows.join("\n") + "\n");
  const proj = path.join(tmp(), "proj");
  const r = cli(["init", proj, "--data", csv, "--labels", "vertical,horizontal", "--label", "label", "--image", "file", "--image-features", "pixels:6,hog:24:8"]);
  assert.equal(r.status, 0, r.stderr);
  // brightness + 36 pixels + 144 HOG values, standardised.
  assert.match(r.stdout, /40 items, 6 seed labels, .*, 181 features/);
  assert.match(r.stdout, /file\s+image\b/);
  const store = openStore(projectDbPath(proj), { readonly: true });
  try {
    const meta = store.meta();
    assert.equal(meta.featureWidth, 181);
    assert.equal(meta.fields.filter((f) => f.name.startsWith("file:") && f.kind === "numeric").length, 180);
    assert.equal(meta.fields.some((f) => f.name === "file"), false);
    const X = loadPoolMatrix(store, 40, meta.featureWidth, meta.featureKind);
    assert.equal(X.rows, 40);
    const item = store.item(0);
    assert.equal(item?.data.file, "vertical/00.png");
    // Vertical and horizontal stripes differ in their HOG features: the class means are far apart.
    if (X.kind !== "dense") throw new Error("expected dense features");
    let diff = 0;
    for (let j = 37; j < 181; j++) {
      let v = 0;
      let h = 0;
      for (let i = 0; i < 20; i++) v += X.data[i * 181 + j];
      for (let i = 20; i < 40; i++) h += X.data[i * 181 + j];
      diff = Math.max(diff, Math.abs(v - h) / 20);
    }
    assert.ok(diff > 1, `largest class-mean difference of a HOG feature ${diff}`);
  } finally {
    store.close();
  }

  fs.rmSync(path.join(dir, "horizontal", "05.png"));
  const proj2 = path.join(tmp(), "proj");
  const bad = cli(["init", proj2, "--data", csv, "--labels", "vertical,horizontal", "--image", "file"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /items\.csv, row 26, column "file": image file "horizontal\/05\.png" not found/);
  assert.equal(fs.existsSync(proj2), false);
});
