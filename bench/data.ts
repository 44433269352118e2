/**
 * `npm run bench:data`: the image and series feature kinds under simulate's protocol.
 *
 * (a) Images: the shared digits table (8 x 8 pixels, 0-16) written as greyscale PNG files (values
 * scaled to 0-255, upscaled to 28 x 28 by sharp), read back through imageMatrix and simulated
 * (margin and random, seeds 0-4, the default protocol) beside the pixel table itself. The image
 * rows keep the table's row order, so both run on the very same splits and start sets. Target: the
 * image features' AULC and full-pool accuracy within 0.01 of the table's; feature extraction
 * (decode + features, from files) >= 2,000 images/s, median of 3 runs.
 * (b) Series: 600 control-chart series of 60 points (Alcock & Manolopoulos, seed 0), the series
 * features, full-pool accuracy (target >= 0.95) and margin against random up to 100 labels
 * (paired over seeds 0-4; target: margin's AULC and accuracy at 100 labels above random's).
 *
 * Environment: SHARED (default ../shared), WORKERS (simulate's worker threads, default 1), KEEP=1
 * keeps the PNG folder (printed).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { formatTable } from "../src/cli/table.js";
import { loadDataset } from "../src/data/load.js";
import { median } from "../src/eval/metrics.js";
import { simulate, type SimulateOptions } from "../src/eval/simulate.js";
import type { SimulationResults } from "../src/eval/types.js";
import { controlCharts } from "../src/features/control-chart.js";
import { imageMatrix, listImageFolder, type ImageFeature } from "../src/features/image.js";
import { datasetFromMatrix } from "../src/features/matrix-dataset.js";
import { seriesMatrix } from "../src/features/series.js";
import { sharedDir } from "./datasets.js";

const workers = Number(process.env.WORKERS ?? 1);
const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

interface Target {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}
const targets: Target[] = [];

/** Writes every digits row as <dir>/<digit>/<row>.png; returns the paths in row order. */
async function writeDigits(csv: string, dir: string): Promise<{ paths: string[]; labels: string[] }> {
  const ds = loadDataset(csv, { label: "digit" });
  const labels = (ds.labels ?? []).map((l) => l ?? "");
  const paths: string[] = [];
  const px = Buffer.alloc(64);
  for (let i = 0; i < ds.rows; i++) {
    for (let j = 0; j < 64; j++) px[j] = Math.round((ds.columns[j].values[i] as number) * (255 / 16));
    const rel = `${labels[i]}/${String(ds.rowNumbers[i]).padStart(4, "0")}.png`;
    fs.mkdirSync(path.join(dir, labels[i]), { recursive: true });
    await sharp(px, { raw: { width: 8, height: 8, channels: 1 } }).resize(28, 28).greyscale().png().toFile(path.join(dir, rel));
    paths.push(rel);
  }
  return { paths, labels };
}

async function extract(paths: string[], base: string, features: readonly ImageFeature[]): Promise<{ rate: number; X: Awaited<ReturnType<typeof imageMatrix>> }> {
  const rates: number[] = [];
  let last: Awaited<ReturnType<typeof imageMatrix>> | undefined;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    last = await imageMatrix(paths, { base, features });
    rates.push(paths.length / ((performance.now() - t0) / 1000));
  }
  if (last === undefined) throw new Error("no extraction run");
  return { rate: median(rates), X: last };
}

const protocol = (extra: SimulateOptions = {}): SimulateOptions => ({ strategies: ["random", "margin"], seeds: 5, workers, ...extra });

function line(name: string, r: SimulationResults): (string | number)[] {
  const m = r.strategies.margin;
  const rnd = r.strategies.random;
  return [name, r.full_pool_accuracy, m.aulc, rnd.aulc, m.vs_random === undefined ? "—" : `${m.vs_random.mean >= 0 ? "+" : ""}${m.vs_random.mean} (${m.vs_random.above}/${m.vs_random.seeds})`];
}

async function images(): Promise<void> {
  const csv = path.join(sharedDir, "datasets", "digits.csv");
  if (!fs.existsSync(csv)) throw new Error(`no digits table at ${csv} (set SHARED)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-digits-png-"));
  try {
    const { paths, labels } = await writeDigits(csv, dir);
    const listed = await listImageFolder(dir);
    console.log(`(a) images: ${paths.length} digits as 28 x 28 PNG in ${dir}; listImageFolder finds ${listed.paths.length} in ${new Set(listed.labels).size} label folders`);
    const sets: [string, ImageFeature[]][] = [
      ["image pixels 8x8 grey", [{ kind: "pixels", size: 8 }]],
      ["image HOG 28px, 7px cells", [{ kind: "hog", size: 28, cell: 7 }]],
      ["image pixels + HOG", [{ kind: "pixels", size: 8 }, { kind: "hog", size: 28, cell: 7 }]],
    ];
    const table = await simulate(loadDataset(csv, { label: "digit" }), protocol());
    const rows = [line("pixel table (digits.csv)", table)];
    const speed: (string | number)[][] = [];
    let primary: SimulationResults | undefined;
    let primaryRate = 0;
    for (const [name, features] of sets) {
      const { rate, X } = await extract(paths, dir, features);
      const r = await simulate(datasetFromMatrix(X.X, X.names, { labels, labelColumn: "digit", source: dir }), protocol());
      rows.push(line(name, r));
      speed.push([name, X.X.cols, Math.round(rate)]);
      if (primary === undefined) {
        primary = r;
        primaryRate = rate;
      }
    }
    console.log(formatTable(["features", "full-pool acc", "margin AULC", "random AULC", "margin − random (seeds above)"], rows));
    console.log("");
    console.log(formatTable(["features", "columns", "images/s (median of 3)"], speed));
    console.log("");
    if (primary === undefined) throw new Error("no image feature set ran");
    for (const s of ["margin", "random"]) {
      const d = primary.strategies[s].aulc - table.strategies[s].aulc;
      targets.push({ target: `image pixels: ${s} AULC within 0.01 of the pixel table`, measured: `${primary.strategies[s].aulc} vs ${table.strategies[s].aulc} (${d >= 0 ? "+" : ""}${round(d)})`, met: Math.abs(d) <= 0.01 });
    }
    const dFull = primary.full_pool_accuracy - table.full_pool_accuracy;
    targets.push({ target: "image pixels: full-pool accuracy within 0.01 of the pixel table", measured: `${primary.full_pool_accuracy} vs ${table.full_pool_accuracy} (${dFull >= 0 ? "+" : ""}${round(dFull)})`, met: Math.abs(dFull) <= 0.01 });
    targets.push({ target: "image feature extraction >= 2,000 images/s", measured: `${Math.round(primaryRate)} images/s`, met: primaryRate >= 2000 });
  } finally {
    if (process.env.KEEP === "1") console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function series(): Promise<void> {
  const d = controlCharts({ perClass: 100, length: 60, seed: 0 });
  const t0 = performance.now();
  const { X, names } = seriesMatrix(d.series);
  const seconds = (performance.now() - t0) / 1000;
  const ds = datasetFromMatrix(X, names, { labels: d.labels, labelColumn: "class", source: "control-chart (seed 0)" });
  const r = await simulate(ds, protocol({ budget: 100 }));
  const m = r.strategies.margin;
  const rnd = r.strategies.random;
  console.log(`(b) series: ${d.series.length} control-chart series of 60 points, ${X.cols} features (${Math.round(d.series.length / seconds)} series/s)`);
  console.log(
    formatTable(
      ["strategy", "AULC (10-100 labels)", "acc at 100", "per-seed AULC"],
      [m, rnd].map((s, i) => [i === 0 ? "margin" : "random", s.aulc, s.acc_at["100"], s.per_seed.map((p) => p.aulc).join(" ")]),
    ),
  );
  console.log(`margin − random AULC, paired: ${m.vs_random?.mean} (se ${m.vs_random?.se}, above in ${m.vs_random?.above}/${m.vs_random?.seeds} seeds, significant: ${m.vs_random?.significant})`);
  console.log("");
  targets.push({ target: "series: full-pool accuracy >= 0.95", measured: String(r.full_pool_accuracy), met: r.full_pool_accuracy >= 0.95 });
  const diff = m.vs_random?.mean ?? NaN;
  targets.push({ target: "series: margin beats random at 100 labels (AULC, paired)", measured: `${m.aulc} vs ${rnd.aulc} (${diff >= 0 ? "+" : ""}${diff}, ${m.vs_random?.above}/${m.vs_random?.seeds} seeds)`, met: diff > 0 });
  targets.push({ target: "series: margin beats random at 100 labels (accuracy)", measured: `${m.acc_at["100"]} vs ${rnd.acc_at["100"]}`, met: m.acc_at["100"] > rnd.acc_at["100"] });
}

async function main(): Promise<void> {
  await images();
  await series();
  console.log(formatTable(["target", "measured", "met?"], targets.map((t) => [t.target, t.measured, t.met ? "yes" : "NO"])));
}

await main();
