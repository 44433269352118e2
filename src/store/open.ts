/**
 * The one way callers get a {@link Store}: by the database path, whatever implements it. Today
 * every path is a SQLite file; a later store (Postgres) is chosen here, and callers keep using the
 * interface.
 *
 * @example
 * const store = openStore("proj/project.db", { readonly: true });
 * try { console.log(store.itemCount()); } finally { store.close(); }
 */
import { SqliteStore } from "./sqlite.js";
import type { Store, StoreOptions } from "./types.js";

/**
 * Opens (or with `create`, creates) a project store; a write-open migrates an older schema.
 * @throws BadInputError when it is missing, not a project, or newer than this code
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  return SqliteStore.open(path, options);
}
