/**
 * Browser tests of the labeling page: keyboard labeling end to end, HTML in items shown as
 * text, undo, skip, a failed save that keeps the item, image and tabular items.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";
import { type TestItem, type TestProject, type TestServer, refOf, startTestServer } from "./test-server.js";

let browser: Browser | null = null;

before(async () => {
  if (skipBrowser === false) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

function theBrowser(): Browser {
  if (browser === null) throw new Error("browser not started");
  return browser;
}

const LABELS = ["spam", "ham", "other"];

/** 20 messages, each with a known right label (the model's suggestions come as it learns). */
function messages(): { project: TestProject; truth: Map<string, string> } {
  const truth = new Map<string, string>();
  const items: TestItem[] = [];
  for (let i = 1; i <= 20; i++) {
    const ref = `m${String(i).padStart(2, "0")}`;
    const label = LABELS[(i * 7) % 3];
    truth.set(ref, label);
    items.push({ data: { ref, text: `Message ${i}.\nThis one is about ${label} things.`, sender: `user${i}@example.com` } });
  }
  return { project: { name: "inbox", labels: LABELS, textColumn: "text", items }, truth };
}

async function api<T>(server: TestServer, path: string): Promise<T> {
  const res = await fetch(server.url + path);
  assert.equal(res.status, 200, `GET ${path}`);
  return (await res.json()) as T;
}

/** The `ref` field of the item on screen. */
async function shownRef(page: Page): Promise<string> {
  const cell = page.locator("#item-fields tr").filter({ has: page.locator("th", { hasText: /^ref$/ }) }).locator("td");
  return (await cell.textContent()) ?? "";
}

async function shownId(page: Page): Promise<string> {
  return (await page.locator("#item").getAttribute("data-item-id")) ?? "";
}

/** Waits until the item on screen is no longer `id` (or the all-done panel shows). */
async function waitForNext(page: Page, id: string): Promise<void> {
  await page.waitForSelector(`#workspace:not([hidden]) #item:not([data-item-id="${id}"]), #done:not([hidden])`);
}

async function waitForItem(page: Page): Promise<void> {
  await page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
}

void test("labels 20 items with the keyboard only (digits and Enter); all 20 are stored with the right labels", { skip: skipBrowser }, async () => {
  const { project, truth } = messages();
  const server = await startTestServer(project);
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`);
  try {
    // First visit: the page asks for the annotator's name.
    await page.waitForSelector("#name-form:not([hidden])");
    await page.keyboard.type("Ada");
    await page.keyboard.press("Enter");
    await waitForItem(page);
    assert.equal(await page.locator("#who-name").textContent(), "Ada");

    let enters = 0;
    let digits = 0;
    for (let n = 0; n < 20; n++) {
      const ref = await shownRef(page);
      const want = truth.get(ref);
      assert.ok(want !== undefined, `unexpected item on screen: ${ref}`);
      const id = await shownId(page);
      const suggestedButton = page.locator(".label-btn.suggested");
      const suggested = (await suggestedButton.count()) === 1 ? await suggestedButton.getAttribute("data-label") : null;
      if (suggested === want) {
        await page.keyboard.press("Enter");
        enters++;
      } else {
        await page.keyboard.press(String(LABELS.indexOf(want) + 1));
        digits++;
      }
      await waitForNext(page, id);
    }
    assert.ok(enters > 0 && digits > 0, `both keys used (Enter ${enters}, digits ${digits})`);
    await page.waitForSelector("#done:not([hidden])");
    assert.match((await page.locator("#done-text").textContent()) ?? "", /20 items/);
    assert.match((await page.locator("#progress-text").textContent()) ?? "", /^20 \/ 20 labeled/);

    const stats = await api<{ labeled: number; byLabel: Record<string, number> }>(server, "/api/stats");
    assert.equal(stats.labeled, 20);
    for (const label of LABELS) {
      assert.equal(stats.byLabel[label] ?? 0, [...truth.values()].filter((l) => l === label).length, `count of ${label}`);
    }
    const stored = await server.storedLabels();
    assert.deepEqual(new Map([...stored].sort()), new Map([...truth].sort()));
    const dash = await api<{ annotators: { name: string; labels: number }[] }>(server, "/api/dashboard");
    assert.deepEqual(
      dash.annotators.map((a) => [a.name, a.labels]),
      [["Ada", 20]],
    );
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await server.close();
  }
});

void test("an item's HTML is shown as literal text: no script runs, no element is made", { skip: skipBrowser }, async () => {
  const evil = "Hello <script>window.__pwned=1</script><b>bold</b> & goodbye";
  const items: TestItem[] = [1, 2, 3].map((i) => ({
    data: { ref: `x${i}`, text: evil, subject: `<img src=x onerror="window.__pwned=2">Re: offer ${i}` },
  }));
  const server = await startTestServer({ labels: ["<i>spam</i>", "ham"], textColumn: "text", items });
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`, { annotator: "<b>eve</b>" });
  try {
    await waitForItem(page);
    assert.equal(await page.locator("#item-text").textContent(), evil);
    assert.ok(((await page.locator("#item").innerText()) ?? "").includes("<script>window.__pwned=1</script><b>bold</b>"));
    assert.equal(await page.locator("#item b, #item script, #item img, #item i").count(), 0);
    assert.equal(await page.locator("#item-fields td", { hasText: "<img src=x" }).count(), 1);
    assert.equal(await page.evaluate("typeof window.__pwned"), "undefined");
    // Labels and the annotator name are text too.
    assert.equal(await page.locator(".label-btn i, #who b").count(), 0);
    assert.equal(await page.locator(".label-btn .label-name").first().textContent(), "<i>spam</i>");
    assert.equal(await page.locator("#who-name").textContent(), "<b>eve</b>");
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await server.close();
  }
});

function threeItems(): TestProject {
  const items: TestItem[] = ["a", "b", "c"].map((r) => ({ data: { ref: r, text: `Item ${r.toUpperCase()}` } }));
  return { labels: ["yes", "no"], textColumn: "text", items };
}

void test("Backspace undoes the last label: its item comes back and its label is gone", { skip: skipBrowser }, async () => {
  const server = await startTestServer(threeItems());
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`, { annotator: "ada" });
  try {
    await waitForItem(page);
    const firstRef = await shownRef(page);
    const firstId = await shownId(page);
    await page.keyboard.press("1");
    await waitForNext(page, firstId);
    const secondRef = await shownRef(page);
    const secondId = await shownId(page);
    assert.notEqual(secondRef, firstRef);
    const before = await server.storedLabels();
    assert.deepEqual([...before], [[firstRef, "yes"]]);

    await page.keyboard.press("Backspace");
    await page.waitForSelector(`#item[data-item-id="${firstId}"]`);
    assert.equal(await shownRef(page), firstRef);
    assert.equal((await api<{ labeled: number }>(server, "/api/stats")).labeled, 0);
    const stored = await server.storedLabels();
    assert.equal(stored.size, 0);
    assert.match((await page.locator("#progress-text").textContent()) ?? "", /^0 \//);

    // Labeled again, differently: then the item set aside by the undo is next.
    await page.keyboard.press("2");
    await page.waitForSelector(`#item[data-item-id="${secondId}"]`);
    assert.equal(await shownRef(page), secondRef);
    const after = await server.storedLabels();
    assert.deepEqual([...after], [[firstRef, "no"]]);
    assert.equal((await api<{ byLabel: Record<string, number> }>(server, "/api/stats")).byLabel.no, 1);
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await server.close();
  }
});

void test("S and → skip: the next item shows, nothing is labeled, and skipping all ends in the all-done state", { skip: skipBrowser }, async () => {
  const server = await startTestServer(threeItems());
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`, { annotator: "ada" });
  try {
    await waitForItem(page);
    const seen = new Set<string>();
    for (const key of ["s", "ArrowRight", "S"]) {
      const id = await shownId(page);
      seen.add(await shownRef(page));
      await page.keyboard.press(key);
      await waitForNext(page, id);
    }
    assert.equal(seen.size, 3);
    await page.waitForSelector("#done:not([hidden])");
    assert.equal((await api<{ labeled: number }>(server, "/api/stats")).labeled, 0);
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await server.close();
  }
});

void test("a label the server refuses is not lost: the item stays, an error shows, pressing again saves it", { skip: skipBrowser }, async () => {
  // The real server, armed through its test-only fault hook to refuse the next label.
  const server = await startTestServer(threeItems());
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`, { annotator: "ada" });
  try {
    await waitForItem(page);
    const id = await shownId(page);
    server.fail("POST", /\/label$/, 503);
    await page.keyboard.press("1");
    await page.waitForSelector(".toast-error");
    assert.match((await page.locator(".toast-error").textContent()) ?? "", /not saved.*Injected failure.*503/s);
    assert.equal(await shownId(page), id);
    assert.equal((await api<{ labeled: number }>(server, "/api/stats")).labeled, 0);

    await page.keyboard.press("1");
    await waitForNext(page, id);
    assert.equal((await api<{ labeled: number }>(server, "/api/stats")).labeled, 1);
    // The browser logs the failed request itself; nothing else may have gone wrong.
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource.*503/.test(e)),
      [],
    );
  } finally {
    await close();
    await server.close();
  }
});

const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

void test("tabular and image items: fields in a table (large when there is no text), images as <img>", { skip: skipBrowser }, async () => {
  const items: TestItem[] = [
    { data: { ref: "t1", image: PIXEL, width: 1, note: null } },
    { data: { ref: "t2", compactness: 95, circularity: 48, elongatedness: null } },
  ];
  const server = await startTestServer({ labels: ["car", "bus"], textColumn: null, items });
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`, { annotator: "ada" });
  try {
    // Items come in either order (a real server serves a random order until its first model).
    const checkImageItem = async (): Promise<void> => {
      assert.equal(await page.locator("#item-images img").count(), 1);
      assert.equal(await page.locator("#item-images img").getAttribute("src"), PIXEL);
      assert.equal(await page.locator("#item-text").isHidden(), true);
      assert.equal(await page.locator("#item-fields th", { hasText: "image" }).count(), 0);
      const note = page.locator("#item-fields tr").filter({ has: page.locator("th", { hasText: /^note$/ }) }).locator("td");
      assert.equal(await note.textContent(), "—");
      assert.equal(await note.getAttribute("class"), "null");
    };
    const checkTableItem = async (): Promise<void> => {
      assert.equal(await page.locator("#item-images").isHidden(), true);
      assert.equal(await page.locator("#item-fields.hero").count(), 1);
      // Every field of the row is listed (a CSV gives each row every column; missing ones show "—").
      assert.ok((await page.locator("#item-fields tr").count()) >= 4);
      const compactness = page.locator("#item-fields tr").filter({ has: page.locator("th", { hasText: /^compactness$/ }) }).locator("td");
      assert.equal(await compactness.textContent(), "95");
      assert.equal(await compactness.getAttribute("class"), "num");
      assert.match((await page.locator("#suggestion").textContent()) ?? "", /No suggestion/);
    };
    await waitForItem(page);
    const first = await shownRef(page);
    await (first === "t1" ? checkImageItem() : checkTableItem());
    const firstId = await shownId(page);
    await page.keyboard.press("2");
    await waitForNext(page, firstId);
    await (first === "t1" ? checkTableItem() : checkImageItem());
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await server.close();
  }
});

void test("the page fetches the next item ahead while one is held, and shows each item once", { skip: skipBrowser }, async () => {
  const items: TestItem[] = ["a", "b", "c", "d", "e"].map((r) => ({ data: { ref: r, text: `Item ${r}` } }));
  const server = await startTestServer({ labels: ["yes", "no"], textColumn: "text", items });
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`, { annotator: "ada" });
  try {
    const shown: string[] = [];
    const pressed = new Map<string, string>();
    await waitForItem(page);
    for (let n = 0; n < items.length; n++) {
      const id = await shownId(page);
      shown.push(id);
      pressed.set(await shownRef(page), n % 2 === 0 ? "yes" : "no");
      await page.keyboard.press(n % 2 === 0 ? "1" : "2");
      await waitForNext(page, id);
    }
    await page.waitForSelector("#done:not([hidden])");
    assert.equal(new Set(shown).size, items.length, `each item once: ${shown.join(", ")}`);
    assert.deepEqual(new Map([...(await server.storedLabels())].sort()), new Map([...pressed].sort()));
    assert.deepEqual([...pressed.keys()].sort(), items.map((it) => refOf(it.data)));
    // The second item was asked for before the first label was sent.
    const firstPost = server.requests.findIndex((r) => r.startsWith("POST "));
    assert.ok(server.requests.slice(0, firstPost).filter((r) => r.startsWith("GET /api/next")).length >= 2, server.requests.join("\n"));
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await server.close();
  }
});
