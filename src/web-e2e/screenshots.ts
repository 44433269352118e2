/**
 * Screenshots of the pages against the fake server with realistic data, to look at the design
 * and for the README.
 *
 *   npm run build && node dist/src/web-e2e/screenshots.js [OUT_DIR]     (default /tmp/activelearn-shots)
 *   node dist/src/web-e2e/screenshots.js --docs                         (docs/img/labeling.png, docs/img/dashboard.png)
 *   node dist/src/cli/main.js demo --simulate && node dist/src/web-e2e/screenshots.js --report out/demo/report.html
 *                                                                       (docs/img/report.png: the top of the digits report)
 */
import { readFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser, openPage } from "./browser.js";
import { type FakeAdvice, type FakeItem, fakeFigure, REPO_ROOT, startFakeServer, wilson95 } from "./fake-server.js";

const TICKETS: { text: string; from: string; subject: string }[] = [
  {
    from: "maria.keller@northwind.example",
    subject: "Charged twice for March",
    text:
      "Hi team,\n\nI was charged twice for the March invoice (INV-20931): once on the 1st and again on the 3rd. " +
      "Both payments show as completed on my card statement. Could you refund the duplicate?\n\n" +
      "Also, when I open Billing > Invoices the page says <b>No invoices</b>, which is odd since I clearly paid.\n\nThanks,\nMaria",
  },
  { from: "ops@contoso.example", subject: "Export to CSV times out", text: "Exporting more than 10k rows to CSV fails with a timeout after 30 s. Smaller exports work." },
  { from: "j.tanaka@fabrikam.example", subject: "Dark mode?", text: "Would love a dark mode for the reports page. We use it on night shifts." },
];

async function shot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: file, fullPage: false });
  console.log(`wrote ${file}`);
}

/** The top 1900 pixels of a simulation report, 1200 wide, into docs/img/report.png. */
async function reportShot(html: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const r = await openPage(browser, pathToFileURL(path.resolve(html)).href, { width: 1200, height: 1900 });
    await r.page.waitForSelector("svg.al-chart");
    await shot(r.page, path.join(REPO_ROOT, "docs/img/report.png"));
    await r.close();
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const report = process.argv.indexOf("--report");
  if (report >= 0) return reportShot(process.argv[report + 1] ?? "out/demo/report.html");
  const docs = process.argv.includes("--docs");
  const out = docs ? path.join(REPO_ROOT, "docs/img") : (process.argv[2] ?? "/tmp/activelearn-shots");
  await mkdir(out, { recursive: true });
  const browser = await launchBrowser();
  try {
    // A text project: support tickets.
    const labels = ["billing", "bug", "feature request", "account", "other"];
    const items: FakeItem[] = TICKETS.map((t, i) => ({
      id: String(4812 + i),
      data: { text: t.text, from: t.from, subject: t.subject, received: `2024-03-0${i + 4} 09:1${i}` },
      suggestion: { label: i === 0 ? "billing" : "bug", confidence: i === 0 ? 0.58 : 0.51 },
      score: 0.93 - i * 0.02,
    }));
    // Past tickets, some labeled already, so the progress reads like a project under way.
    const earlier: FakeItem[] = Array.from({ length: 3117 }, (_, i) => ({ id: String(i + 1), data: { text: `Ticket ${i + 1}`, from: "", subject: "", received: "" } }));
    const text = await startFakeServer({ name: "support-tickets", labels, textColumn: "text", items: [...items, ...earlier], strategy: "margin" });
    for (let i = 0; i < 247; i++) {
      await fetch(`${text.url}/api/items/${i + 1}/label`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ label: labels[i % labels.length], annotator: "Ada" }),
      });
    }
    const t = await openPage(browser, `${text.url}/`, { annotator: "Maria K.", width: 1280, height: 860 });
    await t.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
    await shot(t.page, path.join(out, docs ? "labeling.png" : "labeling-text.png"));
    await t.close();
    if (!docs) {
      // A refused label (error toast), a phone-sized screen, and the all-done state.
      const e = await openPage(browser, `${text.url}/`, { annotator: "Ada", width: 1280, height: 860 });
      await e.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      text.fail({ method: "POST", path: /\/label$/, status: 500 });
      await e.page.keyboard.press("2");
      await e.page.waitForSelector(".toast-error");
      await shot(e.page, path.join(out, "labeling-error.png"));
      await e.close();
      const m = await openPage(browser, `${text.url}/`, { annotator: "Tom", width: 390, height: 844 });
      await m.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      await shot(m.page, path.join(out, "labeling-phone.png"));
      await m.close();
      const small = await startFakeServer({ name: "tiny", labels, textColumn: "text", items: items.slice(0, 1) });
      const s = await openPage(browser, `${small.url}/`, { annotator: "Ada", width: 1280, height: 700 });
      await s.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      await s.page.keyboard.press("Enter");
      await s.page.waitForSelector("#done:not([hidden])");
      await shot(s.page, path.join(out, "labeling-done.png"));
      await s.close();
      await small.close();
    }

    // A tabular project: vehicle silhouettes.
    const csv = (await readFile(path.join(REPO_ROOT, "data/vehicle.csv"), "utf8")).trim().split("\n");
    const header = csv[0].split(",").map((h) => h.replace(/"/g, ""));
    const rows: FakeItem[] = csv.slice(1, 6).map((line, i) => {
      const cells = line.split(",");
      const data: Record<string, string | number | null> = {};
      header.forEach((h, j) => {
        if (h !== "Class") data[h] = Number(cells[j]);
      });
      return { id: `v${i}`, data, suggestion: { label: "saab", confidence: 0.41 }, score: 0.12 };
    });
    const table = await startFakeServer({ name: "vehicles", labels: ["bus", "opel", "saab", "van"], textColumn: null, items: rows, strategy: "entropy" });
    if (!docs) {
      const v = await openPage(browser, `${table.url}/`, { annotator: "Ada", width: 1280, height: 900 });
      await v.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      await shot(v.page, path.join(out, "labeling-table.png"));
      await v.close();
    }
    await table.close();

    // The dashboard of a project some way in.
    const now = Date.now();
    // One point per retrain from 100 labels on: before that, fewer than 10 random audit picks.
    const curve = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240].map((n, i) => {
      const picks = Math.floor(n / 10);
      const accuracy = Math.round((0.52 + 0.36 * (1 - Math.exp(-n / 70)) + (i % 3 === 1 ? -0.02 : 0.01)) * picks) / picks;
      const w = wilson95(Math.round(accuracy * picks), picks);
      return { labels: n, accuracy: Number(accuracy.toFixed(4)), n: picks, low: Number(w.low.toFixed(4)), high: Number(w.high.toFixed(4)) };
    });
    const last = curve[curve.length - 1];
    const headline = fakeFigure("pool", "estimated accuracy over the whole pool", last.accuracy, last.n, "random picks");
    const hard = fakeFigure("hard_items", "accuracy on hard items (test-then-train on new labels)", 0.62, 40, "new labels", "test-then-train on the strategy's picks, the items the model was least sure of.");
    const criteria: FakeAdvice["criteria"] = [
      { name: "budget", state: "waiting", reason: "247 of 600 labels given in the app." },
      { name: "target_accuracy", state: "waiting", reason: "no accuracy estimate yet (24 of 50 random picks)." },
      { name: "stabilizing_predictions", state: "fired", reason: "predictions on the 1000-item stop set stabilized: mean kappa 0.993 over the last 3 retrains >= 0.990." },
      { name: "overall_uncertainty", state: "waiting", reason: "mean uncertainty 0.3121 over 921 unlabeled stop-set items is not below 0.100." },
      { name: "max_uncertainty", state: "waiting", reason: "the most uncertain unlabeled stop-set item has uncertainty 0.9874, not below 0.500." },
      { name: "classification_change", state: "waiting", reason: "4 of 1000 stop-set predictions changed at 247 labels." },
    ];
    const next100Text = "The next 100 labels are expected to add 3.1 accuracy points (range 0.4 to 7.2, from the learning curve fitted on 24 random picks).";
    const advice: FakeAdvice = {
      stop: false,
      sentence: `Keep labeling: only stabilizing predictions fired; stopping needs the budget, the target, or two of the four model-based criteria to agree. Estimated accuracy over the whole pool: ${headline.text}. ${next100Text}`,
      criteria,
      agree: ["stabilizing_predictions"],
      accuracy: headline,
      next100: { gain: 0.031, low: 0.004, high: 0.072 },
      next100Text,
      budget: { limit: 600, spent: 247, reached: false },
      target: { accuracy: 0.9, reached: false },
    };
    const dash = await startFakeServer({
      name: "support-tickets",
      labels,
      textColumn: "text",
      items,
      dashboard: {
        curve,
        curveMethod: "At each retrain: accuracy cross-validated on the random audit picks (every 10th item served is drawn uniformly from the pool; each scored by a model trained on every other label).",
        accuracy: {
          headline: { ...headline, method: "cross-validated on the random audit picks: a random sample of the pool." },
          others: [hard],
          importedLabels: "The 40 imported labels train the model but do not count in the estimate: they were not drawn at random from the pool, so they may be easier or harder than the rest.",
        },
        advice,
        byLabel: { billing: 71, bug: 88, "feature request": 43, account: 29, other: 16 },
        labelsSavedEstimate: 410,
        labelsSavedRange: [-60, 1480],
        labeled: 247,
        total: 3120,
        annotators: [
          { name: "Maria K.", labels: 131, perHour: 212, medianMs: 9400 },
          { name: "Ada", labels: 84, perHour: 176, medianMs: 12_100 },
          { name: "Tom", labels: 32, perHour: 95, medianMs: 21_800 },
        ],
        iterations: 24,
        lastRetrainAt: now - 40_000,
      },
    });
    const d = await openPage(browser, `${dash.url}/dashboard`, { width: 1280, height: 900 });
    await d.page.waitForSelector("body[data-loaded] svg.curve circle.point");
    await shot(d.page, path.join(out, "dashboard.png"));
    await d.close();
    await dash.close();
    await text.close();
  } finally {
    await browser.close();
  }
}

await main();
