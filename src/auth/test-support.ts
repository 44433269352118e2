/** A fresh empty project store in a temporary folder, for the auth tests. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";

/** Runs `fn` with a fresh store; closes and removes it afterwards. */
export async function withStore(fn: (store: Store, dir: string) => Promise<void> | void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-auth-"));
  const store = openStore(path.join(dir, "project.db"), { create: true });
  try {
    await fn(store, dir);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every byte of the database and its WAL (what an attacker with the files would read). */
export function rawBytes(dbPath: string): Buffer {
  return Buffer.concat([dbPath, `${dbPath}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}
