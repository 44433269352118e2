/** Finding the database of an existing project (serve, status, export, train, users, webhooks, simulate --project), with an error that says how to make one. */
import fs from "node:fs";
import path from "node:path";
import { BadInputError } from "../errors.js";
import { projectDbPath } from "./init.js";
import { openStore } from "../store/open.js";

/**
 * The database of the project in `dir`, which must exist: a missing folder, a file, or a folder
 * without the database is a BAD_INPUT that names `init` (and nothing is created there).
 */
export function existingProjectDb(dir: string): string {
  const db = projectDbPath(dir);
  const hint = `create one with: activelearn init ${JSON.stringify(dir)} --data FILE --labels a,b`;
  let why: string | null = null;
  if (!fs.existsSync(dir)) why = "the folder does not exist";
  else if (db !== dir && !fs.statSync(dir).isDirectory()) why = "it is a file, not a folder";
  else if (!fs.existsSync(db)) why = `no ${path.basename(db)}`;
  else if (!fs.statSync(db).isFile() || fs.statSync(db).size === 0) why = `${path.basename(db)} is not a project database`;
  if (why === null) {
    // The file must be a project database: not another program's SQLite file, not garbage.
    try {
      openStore(db, { readonly: true }).close();
    } catch (e) {
      why = e instanceof Error ? e.message.replace(`${db}: `, `${path.basename(db)} is `) : String(e);
    }
  }
  if (why !== null) throw new BadInputError(`${JSON.stringify(dir)} is not an activelearn project (${why}); ${hint}`);
  return db;
}
