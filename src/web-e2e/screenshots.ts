/**
 * Screenshots of the pages against the real server on synthetic projects (labels given through
 * the API, so every number on the dashboard is what the server computes), to look at the design
 * and for the README.
 *
 *   npm run build && node dist/src/web-e2e/screenshots.js [OUT_DIR]     (default /tmp/activelearn-shots)
 *   node dist/src/web-e2e/screenshots.js --docs                         (docs/img/labeling.png, docs/img/dashboard.png, docs/img/review.png)
 *   node dist/src/web-e2e/screenshots.js --review [OUT_DIR]             (the review page only; docs/img/review.png with --docs)
 *   node dist/src/cli/main.js demo --simulate && node dist/src/web-e2e/screenshots.js --report out/demo/report.html
 *                                                                       (docs/img/report.png: the top of the digits report)
 */
import { readFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser, openPage } from "./browser.js";
import { REPO_ROOT, startTestServer, type TestItem, type TestServer } from "./test-server.js";

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

/** Waits until the server has retrained on the labels given so far (its iteration count stops growing). */
async function waitForRetrain(server: TestServer): Promise<void> {
  const iterations = async (): Promise<number> => ((await (await fetch(`${server.url}/api/stats`)).json()) as { iterations: number }).iterations;
  let last = -1;
  for (let wait = 0; wait < 100; wait++) {
    const now = await iterations();
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The review page: two annotators disagree on a ticket (overlap 2), a reviewer settles it. */
async function reviewShot(out: string): Promise<void> {
  const labels = ["billing", "bug", "feature request", "account", "other"];
  const items: TestItem[] = TICKETS.map((t, i) => ({ data: { text: t.text, from: t.from, subject: t.subject, received: `2024-03-0${i + 4} 09:1${i}` } }));
  const server = await startTestServer({ name: "support-tickets", labels, textColumn: "text", items, overlap: { annotators: 2, share: 1 } });
  const browser = await launchBrowser();
  try {
    const give = async (annotator: string, label: (subject: string) => string): Promise<void> => {
      const res = await fetch(`${server.url}/api/next?annotator=${encodeURIComponent(annotator)}`);
      const { item } = (await res.json()) as { item: { id: string; data: { subject: string } } };
      await fetch(`${server.url}/api/items/${encodeURIComponent(item.id)}/label`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ label: label(item.data.subject), annotator, durationMs: 9000 }) });
    };
    await give("Maria K.", () => "billing");
    await give("Ada", (subject) => (subject.startsWith("Charged") ? "bug" : "billing"));
    const r = await openPage(browser, `${server.url}/review`, { annotator: "Rita", width: 1280, height: 900 });
    await r.page.waitForSelector("#workspace:not([hidden]) #item[data-review-id]");
    await r.page.keyboard.press("1"); // the reviewer picks billing: shown as picked, Enter would decide
    await shot(r.page, path.join(out, "review.png"));
    await r.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const report = process.argv.indexOf("--report");
  if (report >= 0) return reportShot(process.argv[report + 1] ?? "out/demo/report.html");
  const docs = process.argv.includes("--docs");
  const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const out = docs ? path.join(REPO_ROOT, "docs/img") : (positional[0] ?? "/tmp/activelearn-shots");
  await mkdir(out, { recursive: true });
  await reviewShot(out);
  if (process.argv.includes("--review")) return;
  const browser = await launchBrowser();
  try {
    // A text project: support tickets, 3,120 of them; past tickets use words of their class.
    const labels = ["billing", "bug", "feature request", "account", "other"];
    const WORDS: Record<string, string[]> = {
      billing: ["invoice", "charged", "refund", "payment", "card", "twice"],
      bug: ["error", "crash", "fails", "timeout", "broken", "page"],
      "feature request": ["would", "love", "please", "add", "support", "mode"],
      account: ["login", "password", "reset", "email", "locked", "user"],
      other: ["thanks", "question", "hello", "meeting", "office", "week"],
    };
    const items: TestItem[] = TICKETS.map((t, i) => ({ data: { text: t.text, from: t.from, subject: t.subject, received: `2024-03-0${i + 4} 09:1${i}` } }));
    const truth = new Map<string, string>();
    const earlier: TestItem[] = Array.from({ length: 3117 }, (_, i) => {
      const label = labels[(i * 7) % labels.length];
      const w = WORDS[label];
      const text = `Ticket ${i + 1}: ${w[i % 6]} ${w[(i * 5 + 1) % 6]} ${WORDS.other[i % 6]} ${w[(i * 3 + 2) % 6]}`;
      truth.set(text, label);
      return { data: { text, from: `user${i}@example.com`, subject: `Ticket ${i + 1}`, received: "2024-02-28 10:00" } };
    });
    const text = await startTestServer({ name: "support-tickets", labels, textColumn: "text", items: [...items, ...earlier], budget: 600 });
    // 247 labels by three annotators, through the API, waiting for the retrains as a human pace would.
    const who = ["Maria K.", "Ada", "Tom"];
    for (let i = 0; i < 247; i++) {
      const annotator = who[i % 7 < 4 ? 0 : i % 7 < 6 ? 1 : 2];
      const res = await fetch(`${text.url}/api/next?annotator=${encodeURIComponent(annotator)}`);
      if (res.status !== 200) break;
      const { item } = (await res.json()) as { item: { id: string; data: { text: string } } };
      const label = truth.get(item.data.text) ?? "billing";
      await fetch(`${text.url}/api/items/${encodeURIComponent(item.id)}/label`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ label, annotator, durationMs: 6000 + ((i * 2741) % 15_000) }),
      });
      if (i % 25 === 24) await waitForRetrain(text);
    }
    await waitForRetrain(text);
    const t = await openPage(browser, `${text.url}/`, { annotator: "Maria K.", width: 1280, height: 860 });
    await t.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
    await shot(t.page, path.join(out, docs ? "labeling.png" : "labeling-text.png"));
    await t.close();
    if (!docs) {
      // A refused label (error toast), a phone-sized screen, and the all-done state.
      const e = await openPage(browser, `${text.url}/`, { annotator: "Ada", width: 1280, height: 860 });
      await e.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      text.fail("POST", /\/label$/, 500);
      await e.page.keyboard.press("2");
      await e.page.waitForSelector(".toast-error");
      await shot(e.page, path.join(out, "labeling-error.png"));
      await e.close();
      const m = await openPage(browser, `${text.url}/`, { annotator: "Tom", width: 390, height: 844 });
      await m.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      await shot(m.page, path.join(out, "labeling-phone.png"));
      await m.close();
      const small = await startTestServer({ name: "tiny", labels, textColumn: "text", items: items.slice(0, 1) });
      const s = await openPage(browser, `${small.url}/`, { annotator: "Ada", width: 1280, height: 700 });
      await s.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      await s.page.keyboard.press("1"); // no model yet, so no suggestion for Enter to accept
      await s.page.waitForSelector("#done:not([hidden])");
      await shot(s.page, path.join(out, "labeling-done.png"));
      await s.close();
      await small.close();
    }

    // A tabular project: vehicle silhouettes.
    const csv = (await readFile(path.join(REPO_ROOT, "data/vehicle.csv"), "utf8")).trim().split("\n");
    const header = csv[0].split(",").map((h) => h.replace(/"/g, ""));
    const rows: TestItem[] = csv.slice(1, 6).map((line) => {
      const cells = line.split(",");
      const data: Record<string, string | number | null> = {};
      header.forEach((h, j) => {
        if (h !== "Class") data[h] = Number(cells[j]);
      });
      return { data };
    });
    const table = await startTestServer({ name: "vehicles", labels: ["bus", "opel", "saab", "van"], textColumn: null, items: rows });
    if (!docs) {
      const v = await openPage(browser, `${table.url}/`, { annotator: "Ada", width: 1280, height: 900 });
      await v.page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
      await shot(v.page, path.join(out, "labeling-table.png"));
      await v.close();
    }
    await table.close();

    // The dashboard of the ticket project, 247 labels in.
    const d = await openPage(browser, `${text.url}/dashboard`, { width: 1280, height: 900 });
    await d.page.waitForSelector("body[data-loaded]");
    await shot(d.page, path.join(out, "dashboard.png"));
    await d.close();
    await text.close();
  } finally {
    await browser.close();
  }
}

await main();
