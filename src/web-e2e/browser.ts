/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download). Tests skip, saying why, when that binary is missing.
 *
 * @example
 * const browser = await launchBrowser();
 * const { page, errors } = await openPage(browser, `${url}/`, { annotator: "ada" });
 */
import { existsSync } from "node:fs";
import { type Browser, type Page, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** False, or the reason the browser tests are skipped. */
export const skipBrowser: false | string = existsSync(CHROMIUM_PATH) ? false : `${CHROMIUM_PATH} not found: browser tests skipped (apt-get install chromium)`;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions seen so far (CSP violations show up here). */
  readonly errors: string[];
  readonly close: () => Promise<void>;
}

/** A page in a fresh context (its own localStorage), optionally with the annotator name already saved. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { annotator?: string; width?: number; height?: number } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 900 } });
  if (options.annotator !== undefined) {
    await context.addInitScript((name: string) => {
      // Runs in the page: globalThis is the window there.
      (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem("activelearn.annotator", name);
    }, options.annotator);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}
