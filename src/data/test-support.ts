/** Helpers shared by the data module's tests (not part of the public API). */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { BadInputError } from "../errors.js";

/** Runs fn, asserts it throws a BadInputError whose message contains (or matches) every part. */
export function assertBad(fn: () => unknown, ...parts: (string | RegExp)[]): BadInputError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof BadInputError, `expected BadInputError, got ${String(err)}`);
  for (const p of parts) {
    if (typeof p === "string") assert.ok(err.message.includes(p), `"${err.message}" lacks "${p}"`);
    else assert.match(err.message, p);
  }
  return err;
}

/** As {@link assertBad}, for a promise: awaits it and asserts it rejects with such an error. */
export async function rejectsBad(p: Promise<unknown>, ...parts: (string | RegExp)[]): Promise<BadInputError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  return assertBad(() => {
    if (err !== undefined) throw err as Error;
  }, ...parts);
}

/** A temp folder removed after the test file; `temp(ext, content)` writes a new file in it. */
export function tempFiles(prefix: string): { dir: string; temp: (ext: string, content: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), `activelearn-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let fileNo = 0;
  return {
    dir,
    temp(ext: string, content: string | Uint8Array): string {
      const path = join(dir, `${prefix}${++fileNo}.${ext}`);
      writeFileSync(path, content);
      return path;
    },
  };
}
