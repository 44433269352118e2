/**
 * Browser test of the dashboard's gold section: each annotator's accuracy on gold items with its
 * interval, the flagged annotator named in words, the section hidden for a project without gold.
 * `GOLD_SHOT=file.png` also saves a screenshot of the section.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { initProject } from "../project/init.js";
import { startServer } from "../server/app.js";
import { call, syntheticTruth, writeSyntheticCsv, type ItemReply } from "../server/testing.js";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";

let browser: Browser | null = null;
before(async () => {
  if (skipBrowser === false) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

void test("the dashboard shows accuracy on gold per annotator with its interval and names the flagged annotator", { skip: skipBrowser }, async () => {
  if (browser === null) throw new Error("browser not started");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-gold-e2e-"));
  const file = writeSyntheticCsv(root, 60, 0);
  // Every 3rd row carries its known answer: 20 gold items.
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  fs.writeFileSync(file, [`${lines[0]},answer`, ...lines.slice(1).map((l, i) => `${l},${i % 3 === 0 ? syntheticTruth(`item-${i}`) : ""}`)].join("\n") + "\n");
  const dir = path.join(root, "proj");
  await initProject({ dir, data: file, labels: ["spam", "ham"], text: "text", id: "id", ignore: ["seed_label"], gold: "answer", goldRate: 1 });
  const srv = await startServer({ projectDir: dir, port: 0, host: "127.0.0.1", quiet: true, auditEvery: 0 });
  try {
    for (const [who, k, right] of [["ana", 12, true], ["bo", 15, false]] as const) {
      for (let i = 0; i < k; i++) {
        const it = ((await call(srv.url, "GET", `/api/next?annotator=${who}`)).body as ItemReply).item;
        const truth = syntheticTruth(it.id);
        assert.equal((await call(srv.url, "POST", `/api/items/${it.id}/label`, { label: right ? truth : truth === "spam" ? "ham" : "spam", annotator: who })).status, 201);
      }
    }
    const opened = await openPage(browser, `${srv.url}dashboard`, { height: 1400 });
    try {
      const { page } = opened;
      await page.waitForSelector("body[data-loaded=true]");
      assert.equal(await page.isVisible("#gold"), true);
      const text = (await page.textContent("#gold")) ?? "";
      assert.match(text, /20 gold items \(known answers, never shown\), served blind as 100% of the items/);
      assert.match(text, /Flagged: bo \(0 of 15 gold items right, 0%, at most 20%\)/);
      assert.doesNotMatch(text, /Flagged: [^.]*ana/);
      const rows: string[][] = [];
      for (const tr of await page.locator("#gold tbody tr").all()) rows.push(await tr.locator("th, td").allTextContents());
      assert.deepEqual(rows, [
        ["ana", "12", "12", "100%", "76%–100%", "ok"],
        ["bo", "15", "0", "0%", "0%–20%", "flagged: below the threshold"],
      ]);
      const shot = process.env.GOLD_SHOT;
      if (shot !== undefined) await (await page.$("#gold"))?.screenshot({ path: shot });
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  } finally {
    await srv.close();
  }
  // Without gold items the section stays hidden.
  const plain = path.join(root, "plain");
  await initProject({ dir: plain, data: file, labels: ["spam", "ham"], text: "text", id: "id", ignore: ["seed_label", "answer"] });
  const srv2 = await startServer({ projectDir: plain, port: 0, host: "127.0.0.1", quiet: true });
  try {
    const opened = await openPage(browser, `${srv2.url}dashboard`);
    try {
      await opened.page.waitForSelector("body[data-loaded=true]");
      assert.equal(await opened.page.isVisible("#gold"), false);
    } finally {
      await opened.close();
    }
  } finally {
    await srv2.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
