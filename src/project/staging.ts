/**
 * Building a project database where no one can mistake it for a project until it is complete:
 * the database is written to a hidden temporary file beside its final place (in the project
 * folder if it exists, else in the nearest existing parent) and renamed into place at the end.
 * A failed build removes the temporary file; a killed one leaves only that hidden file, which
 * the next build of the same target removes (its process is gone). No folder is created until
 * the commit, so a failed `init` leaves nothing behind.
 *
 * @example
 * const s = stageDatabase("proj/project.db");
 * const store = openStore(s.tempPath, { create: true });
 * ... store.close(); s.commit(); // or s.abort() on error
 */
import fs from "node:fs";
import path from "node:path";
import { BadInputError } from "../errors.js";

export interface StagedDatabase {
  /** Where to build the database. */
  readonly tempPath: string;
  /** Creates the missing folders and renames the finished database into place. */
  commit(): void;
  /** Removes the temporary file (and its -wal/-shm/-journal); safe to call more than once. */
  abort(): void;
}

const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

/** Plain words for the file-system errors a user can fix. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on the device";
    case "ENOTDIR":
      return "a part of the path is a file, not a folder";
    case "EEXIST":
      return "it already exists";
    case "ENOENT":
      return "no such file or folder";
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeQuietly(file: string): void {
  for (const s of SIDE_FILES) fs.rmSync(file + s, { force: true });
}

/**
 * Prepares to build `dbPath` atomically.
 * @param shownAs the target as the user named it, for errors (default `dbPath`'s folder)
 * @throws BadInputError naming the target when it already exists, when a part of its path is a
 *   file, or when the folder that would hold the temporary file is not writable
 */
export function stageDatabase(dbPath: string, shownAs = path.dirname(dbPath)): StagedDatabase {
  const folder = path.dirname(path.resolve(dbPath));
  if (fs.existsSync(dbPath)) {
    throw new BadInputError(`${dbPath} already exists: ${shownAs} is already a project (remove it to start over)`, { file: shownAs });
  }
  // The nearest existing ancestor holds the temporary file; every folder below it is created at commit.
  let base = folder;
  while (!fs.existsSync(base)) {
    const up = path.dirname(base);
    if (up === base) break;
    base = up;
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(base);
  } catch (e) {
    throw new BadInputError(`cannot create the project here: ${fsReason(e)}`, { file: shownAs });
  }
  if (!stat.isDirectory()) {
    throw new BadInputError(`${base} is a file, not a folder: give init a new or empty folder for the project`, { file: shownAs });
  }
  try {
    fs.accessSync(base, fs.constants.W_OK);
  } catch (e) {
    throw new BadInputError(`cannot write to the folder ${base} (${fsReason(e)})`, { file: shownAs });
  }
  const rel = path.relative(base, path.resolve(dbPath)).split(path.sep).join("_");
  const prefix = `.${rel}.init-`;
  // Leftovers of killed builds of the same target.
  for (const name of fs.readdirSync(base)) {
    const m = name.startsWith(prefix) ? /^(\d+)\.tmp(?:-wal|-shm|-journal)?$/.exec(name.slice(prefix.length)) : null;
    if (m !== null && !isAlive(Number(m[1]))) fs.rmSync(path.join(base, name), { force: true });
  }
  const tempPath = path.join(base, `${prefix}${process.pid}.tmp`);
  removeQuietly(tempPath);
  let created: string | undefined;
  return {
    tempPath,
    commit(): void {
      try {
        created = fs.mkdirSync(folder, { recursive: true });
        if (fs.existsSync(dbPath)) throw Object.assign(new Error("exists"), { code: "EEXIST" });
        // A cleanly closed database has no -wal left; move one along if it is there.
        if (fs.existsSync(tempPath + "-wal")) fs.renameSync(tempPath + "-wal", dbPath + "-wal");
        fs.renameSync(tempPath, dbPath);
      } catch (e) {
        this.abort();
        throw new BadInputError(`cannot put the project database in place at ${dbPath}: ${fsReason(e)}`, { file: shownAs });
      }
    },
    abort(): void {
      removeQuietly(tempPath);
      if (created !== undefined && !fs.existsSync(dbPath)) fs.rmSync(created, { recursive: true, force: true });
      created = undefined;
    },
  };
}
