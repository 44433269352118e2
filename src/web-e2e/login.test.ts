/**
 * Browser tests of the web login on the real server with accounts: the labeling page sends the
 * browser to the login page, which is used with the keyboard only (name, Tab, password, Enter);
 * one item is labeled under the account's name; "Log out" ends the session. A wrong password
 * is announced and keeps the focus in the form; a token link ends in a session cookie, with the
 * token gone from the address bar and from the tab's storage.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, openPage, skipBrowser } from "./browser.js";
import { startTestServer, type TestItem, type TestProject } from "./test-server.js";

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

const PASSWORD = "ada-password-1";

function project(): TestProject {
  const items: TestItem[] = [];
  for (let i = 1; i <= 8; i++) items.push({ data: { ref: `t${i}`, text: `Ticket ${i}: the printer on floor ${i} is jammed.` } });
  return {
    name: "tickets",
    labels: ["hardware", "software"],
    textColumn: "text",
    items,
    accounts: [
      { name: "ada", role: "annotator", password: PASSWORD },
      { name: "root", role: "admin" },
    ],
  };
}

/** What the tests read of the page's globals (this file is compiled without the DOM's types). */
interface PageGlobals {
  readonly document: { readonly activeElement: { readonly id: string } | null; readonly cookie: string };
}

/** Where screenshots go (looked at by hand; not compared). */
const SHOTS = process.env.ACTIVELEARN_SHOTS ?? path.join(os.tmpdir(), "activelearn-shots");

void test("log in with the keyboard on the login page, label one item as the account, log out", { skip: skipBrowser }, async () => {
  const server = await startTestServer(project());
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/`);
  try {
    // No session: the labeling page sends the browser to the login page, the name field focused.
    await page.waitForURL(`${server.url}/login?next=%2F`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.id === "login-name");
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "login.png") });

    // A wrong password first: announced, the focus back in the password field, still on /login.
    await page.keyboard.type("ada");
    await page.keyboard.press("Tab");
    await page.keyboard.type("not-the-password");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#login-error:not([hidden])");
    assert.equal(await page.locator("#login-error").getAttribute("role"), "alert");
    assert.equal(await page.locator("#login-error").textContent(), "Wrong name or password.");
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id), "login-password");
    assert.match(page.url(), /\/login\?next=%2F$/);

    // The right one: the password field is still focused with its text selected, so typing replaces it.
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/`);
    await page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
    assert.equal(await page.locator("#who-name").textContent(), "ada", "labeling as the account, no name asked");
    assert.equal(await page.locator("#name-form").isHidden(), true);
    assert.equal(await page.locator("#change-name").isHidden(), true, "an account's name cannot be changed on the page");
    assert.equal(await page.locator("#logout").isVisible(), true);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "al_session");
    assert.ok(session !== undefined && session.httpOnly && session.sameSite === "Strict", JSON.stringify(cookies));
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie), "", "the page's scripts cannot read the session cookie");
    await page.screenshot({ path: path.join(SHOTS, "label-logged-in.png") });

    // Label one item with its number key (a POST with the session: the page sends the CSRF token).
    const id = (await page.locator("#item").getAttribute("data-item-id")) ?? "";
    await page.keyboard.press("1");
    await page.waitForSelector(`#workspace:not([hidden]) #item:not([data-item-id="${id}"]), #done:not([hidden])`);
    const rows = await server.exported();
    assert.deepEqual(rows.map((r) => [r.label, r.annotator]), [["hardware", "ada"]]);

    // Log out with the keyboard: focus the button, Enter.
    await page.locator("#logout").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/login`);
    assert.equal((await page.context().cookies()).find((c) => c.name === "al_session"), undefined, "the cookie is gone");
    // The old session is over on the server too: the page sends the browser back to the login page.
    await page.goto(`${server.url}/dashboard`);
    await page.waitForURL(`${server.url}/login?next=%2Fdashboard`);
    assert.deepEqual(errors.filter((e) => !/401|Unauthorized/i.test(e)), []);
  } finally {
    await close();
    await server.close();
  }
});

void test("a token link ends in a session cookie: the token leaves the address bar and is kept nowhere in the tab", { skip: skipBrowser }, async () => {
  const server = await startTestServer(project());
  const token = server.tokens.get("ada") ?? "";
  const { page, errors, close } = await openPage(theBrowser(), `${server.url}/?token=${encodeURIComponent(token)}`);
  try {
    await page.waitForURL(`${server.url}/`);
    await page.waitForSelector("#workspace:not([hidden]) #item[data-item-id]");
    assert.equal(await page.locator("#who-name").textContent(), "ada");
    assert.ok(!page.url().includes(token));
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes(token.slice(token.indexOf(".") + 1)), "the token is in neither sessionStorage nor localStorage");
    assert.ok((await page.context().cookies()).some((c) => c.name === "al_session"));
    // A stale link (the token was reset) says so on the login page.
    await page.goto(`${server.url}/login#token=${encodeURIComponent(`${token.slice(0, token.indexOf(".") + 1)}${"A".repeat(43)}`)}`);
    await page.waitForSelector("#login-error:not([hidden])");
    assert.match((await page.locator("#login-error").textContent()) ?? "", /login link is not valid/);
    assert.equal(page.url(), `${server.url}/login`, "the token left the address bar");
    assert.deepEqual(errors.filter((e) => !/401|Unauthorized/i.test(e)), []);
  } finally {
    await close();
    await server.close();
  }
});
