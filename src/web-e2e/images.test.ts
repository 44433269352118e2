/**
 * Browser test of an image project (`init --image COL`): the labeling page shows the item's image
 * through the server's image route (loaded: naturalWidth > 0, under the page's CSP), scaled up to
 * be large enough to judge; a click shows it large, Esc closes it, and keys pressed meanwhile do
 * not label the item behind it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Locator } from "playwright-core";
import { testPng } from "../server/testing.js";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";
import { startTestServer, type TestItem } from "./test-server.js";

let browser: Browser | null = null;

before(async () => {
  if (skipBrowser === false) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The decoded width of an <img> once it has loaded (0 before, or when it failed). */
const loadedWidth = (img: Locator): Promise<number> =>
  img.evaluate((el) => {
    const i = el as unknown as { complete: boolean; naturalWidth: number };
    return i.complete ? i.naturalWidth : 0;
  });

/** Waits (up to 10 s) until the image has loaded; its natural width. */
async function loaded(img: Locator): Promise<number> {
  for (let t = 0; t < 100; t++) {
    const w = await loadedWidth(img);
    if (w > 0) return w;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 0;
}

void test("an image project's page shows the image from the image route, large; click zooms, Esc closes", { skip: skipBrowser }, async () => {
  const files: Record<string, Uint8Array> = {};
  const items: TestItem[] = [];
  for (let i = 0; i < 8; i++) {
    const rel = `pics/r${i}.png`;
    files[rel] = await testPng(i, 16, 12);
    items.push({ data: { ref: `r${i}`, pic: rel } });
  }
  const server = await startTestServer({ labels: ["left", "right"], textColumn: null, items, imageColumn: "pic", files });
  const browser0 = browser;
  assert.ok(browser0 !== null);
  try {
    const { page, errors, close } = await openPage(browser0, `${server.url}/`, { annotator: "ivy" });
    try {
      const img = page.locator("#item-images img");
      await img.waitFor();
      const src = (await img.getAttribute("src")) ?? "";
      assert.match(src, /^\/api\/items\/[^/]+\/image\/pic$/);
      assert.equal(await loaded(img), 16, "the served PNG loaded and decoded (naturalWidth)");
      const box = await img.boundingBox();
      assert.ok(box !== null && box.width >= 300, `a 16 px image is shown large enough to judge: ${box?.width}`);
      assert.match((await page.locator("#item-images figcaption").textContent()) ?? "", /^pic: pics\/r\d\.png$/);
      // The path and the image's feature numbers are not repeated in the fields table.
      assert.equal(await page.locator("#item-fields th", { hasText: /^pic/ }).count(), 0);

      const labels = (): number => server.requests.filter((r) => r.startsWith("POST /api/items/")).length;
      await img.click();
      const zoom = page.locator("#zoom");
      await zoom.waitFor({ state: "visible" });
      assert.equal(await loaded(page.locator("#zoom-image")), 16);
      const big = await page.locator("#zoom-image").boundingBox();
      assert.ok(big !== null && box !== null && big.width > box.width, `the large view is larger: ${big?.width} vs ${box?.width}`);
      await page.keyboard.press("1");
      assert.equal(labels(), 0, "a number key while zoomed labels nothing");
      await page.keyboard.press("Escape");
      await zoom.waitFor({ state: "hidden" });
      // Back on the page, the keys label again.
      const id = (await page.locator("#item").getAttribute("data-item-id")) ?? "";
      await page.keyboard.press("1");
      await page.waitForSelector(`#item:not([data-item-id="${id}"]), #done:not([hidden])`);
      assert.equal(labels(), 1);
      assert.deepEqual(errors, [], "no console errors (a CSP refusal would be one)");
    } finally {
      await close();
    }
  } finally {
    await server.close();
  }
});
