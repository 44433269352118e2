/**
 * Browser test of the review page: a reviewer settles every open review with the keyboard only
 * (digits pick, Enter decides, Esc drops a pick, S passes on), on the real server with
 * disagreements (overlap) and spot checks; the decisions are what the server stores and exports.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";
import { type TestItem, type TestServer, refOf, startTestServer } from "./test-server.js";

let browser: Browser | null = null;

before(async () => {
  if (skipBrowser === false) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const LABELS = ["spam", "ham"];

async function json<T>(server: TestServer, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(server.url + p, { method, headers: { "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  assert.ok(res.status < 300, `${method} ${p}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** The `ref` field of the item on screen. */
async function shownRef(page: Page): Promise<string> {
  const cell = page.locator("#item-fields tr").filter({ has: page.locator("th", { hasText: /^ref$/ }) }).locator("td");
  return (await cell.textContent()) ?? "";
}

const shownReview = async (page: Page): Promise<string> => (await page.locator("#item").getAttribute("data-review-id")) ?? "";

async function waitForReviewOtherThan(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`#workspace:not([hidden]) #item[data-review-id]:not([data-review-id="${id}"]), #done:not([hidden])`);
}

void test("a reviewer settles every open review with the keyboard only; the decisions are stored and exported", { skip: skipBrowser }, async () => {
  const truth = new Map<string, string>();
  const items: TestItem[] = [];
  for (let i = 1; i <= 16; i++) {
    const ref = `r${String(i).padStart(2, "0")}`;
    const label = LABELS[i % 2];
    truth.set(ref, label);
    items.push({ data: { ref, text: `Message ${i}: about ${label} things <b>not bold</b>.` } });
  }
  // Half the items overlap (two annotators); every single-labeled item is spot-checked.
  const server = await startTestServer({ labels: LABELS, textColumn: "text", items, auditEvery: 0, overlap: { annotators: 2, share: 0.5 }, reviewShare: 1 });
  try {
    // ana labels six items right; bo gets the overlapping ones she started and labels them wrong.
    const idOf = new Map<string, string>();
    for (let n = 0; n < 6; n++) {
      const { item } = await json<{ item: { id: string; data: Record<string, string> } }>(server, "GET", "/api/next?annotator=ana");
      idOf.set(item.id, refOf(item.data));
      await json(server, "POST", `/api/items/${item.id}/label`, { label: truth.get(refOf(item.data)), annotator: "ana" });
    }
    for (let n = 0; n < 6; n++) {
      const res = await fetch(`${server.url}/api/next?annotator=bo`);
      if (res.status === 204) break;
      const { item } = (await res.json()) as { item: { id: string; data: Record<string, string> } };
      if (!idOf.has(item.id)) break; // nothing started is left for bo
      const right = truth.get(refOf(item.data))!;
      await json(server, "POST", `/api/items/${item.id}/label`, { label: right === "spam" ? "ham" : "spam", annotator: "bo" });
    }
    const open = await json<{ reviews: { id: number; reason: string; itemId: string }[]; open: number }>(server, "GET", "/api/reviews");
    const reasons = new Set(open.reviews.map((r) => r.reason));
    assert.ok(reasons.has("disagreement") && reasons.has("spot_check"), `both kinds are open: ${open.reviews.map((r) => r.reason).join(", ")}`);
    const ties = open.reviews.filter((r) => r.reason === "disagreement").length;

    const { page, errors, close } = await openPage(theBrowser(), `${server.url}/review`);
    try {
      await page.waitForSelector("#name-form:not([hidden])");
      await page.keyboard.type("Rita");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#workspace:not([hidden]) #item[data-review-id]");
      assert.equal(await page.locator("#who-name").textContent(), "Rita");
      assert.match((await page.locator("#queue-text").textContent()) ?? "", new RegExp(`^${open.open} open reviews`));
      // The item's HTML is shown as text.
      assert.equal(await page.locator("#item-text b").count(), 0);

      // S passes on the first review; it comes back at the end.
      const first = await shownReview(page);
      await page.keyboard.press("s");
      await waitForReviewOtherThan(page, first);

      let decided = 0;
      let picks = 0;
      for (let n = 0; n < open.open + 2 && (await page.locator("#done").isHidden()); n++) {
        const id = await shownReview(page);
        const ref = await shownRef(page);
        const right = truth.get(ref)!;
        const labels = await page.locator("#review-labels tbody tr").count();
        assert.ok(labels >= 1, "every label of the item is listed");
        const tie = ((await page.locator("#review-pick").textContent()) ?? "").includes("tie");
        if (tie) {
          // Enter alone decides nothing on a tie; pick with a digit, drop it with Esc, pick again.
          assert.equal(await page.locator("#decide").isDisabled(), true);
          await page.keyboard.press(String(LABELS.indexOf(right) + 1));
          await page.keyboard.press("Escape");
          assert.equal(await page.locator("#decide").isDisabled(), true, "Esc dropped the pick");
          await page.keyboard.press(String(LABELS.indexOf(right) + 1));
          assert.equal(await page.locator("#pick-label").textContent(), right);
          picks++;
        } else assert.equal(await page.locator("#pick-label").textContent(), right, "the spot check's majority is ana's (right) label");
        await page.keyboard.press("Enter");
        await waitForReviewOtherThan(page, id);
        decided++;
      }
      await page.waitForSelector("#done:not([hidden])");
      assert.equal(decided, open.open, "every review settled, the skipped one too");
      assert.equal(picks, ties);
      assert.deepEqual(errors, [], "no console errors (CSP or script)");
    } finally {
      await close();
    }

    const resolved = await json<{ reviews: { itemId: string; decision: string; resolvedBy: string }[]; open: number }>(server, "GET", "/api/reviews?status=resolved");
    assert.equal(resolved.open, 0);
    assert.equal(resolved.reviews.length, open.open);
    const stored = await server.storedLabels();
    for (const r of resolved.reviews) {
      const ref = idOf.get(r.itemId)!;
      assert.equal(r.resolvedBy, "Rita");
      assert.equal(r.decision, truth.get(ref));
      assert.equal(stored.get(ref), truth.get(ref), `the export has the decision for ${ref}`);
    }

    // The dashboard: no open review; bo's labels were all overturned, ana's none.
    const dash = await openPage(theBrowser(), `${server.url}/dashboard`);
    try {
      await dash.page.waitForSelector("body[data-loaded] #overturned");
      assert.equal(await dash.page.locator("#reviews-open").textContent(), "0");
      const row = async (name: string): Promise<string[]> => dash.page.locator("#overturned tbody tr").filter({ has: dash.page.locator("th", { hasText: new RegExp(`^${name}$`) }) }).locator("td").allTextContents();
      const bo = await row("bo");
      assert.equal(bo[0], String(ties));
      assert.equal(bo[1], String(ties));
      assert.match(bo[2], /^100\.0% \(/);
      const ana = await row("ana");
      assert.equal(ana[1], "0");
      assert.match(ana[2], /^0\.0% \(0\.0%–/);
      assert.deepEqual(dash.errors, []);
    } finally {
      await dash.close();
    }
  } finally {
    await server.close();
  }
});

function theBrowser(): Browser {
  if (browser === null) throw new Error("browser not started");
  return browser;
}
