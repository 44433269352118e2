/**
 * Up-front checks of the files a command reads and writes, so that a missing input or an
 * unwritable output is a located error (naming the option, the path and what is wrong) before any
 * work is done, not a stack trace after it. Writability is probed by creating (and removing) a
 * file, since access(2) says yes to root even where a write fails.
 *
 * @example
 * outputProblems("out", "/nope/model.json", "file"); // ['option --out "/nope/model.json": folder "/nope" does not exist']
 */
import fs from "node:fs";
import path from "node:path";
import { BadOptionError } from "../errors.js";

function stat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function errCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : e instanceof Error ? e.message : String(e);
}

/** Creates and removes a probe file in `dir`; the error code when that fails, else undefined. */
function probeFolder(dir: string): string | undefined {
  const probe = path.join(dir, `.activelearn-write-test-${process.pid}`);
  try {
    fs.closeSync(fs.openSync(probe, "wx"));
  } catch (e) {
    if (errCode(e) === "EEXIST") return undefined;
    return errCode(e);
  }
  fs.rmSync(probe, { force: true });
  return undefined;
}

/** The problem with reading `file` given as `--option` (or, with `folderToo`, a folder), or undefined. */
export function inputProblem(option: string, file: string, folderToo = false): string | undefined {
  const s = stat(file);
  if (s === undefined) {
    const parent = path.dirname(path.resolve(file));
    return `option --${option} "${file}": no such file${stat(parent)?.isDirectory() === true ? "" : ` (folder "${parent}" does not exist)`}`;
  }
  if (s.isDirectory() && !folderToo) return `option --${option} "${file}": is a folder, not a file`;
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    return `option --${option} "${file}": cannot be read (${errCode(e)})`;
  }
  return undefined;
}

/**
 * The problem with writing `target` given as `--option`, or undefined: a "file" must not be a
 * folder and must go into an existing, writable folder; a "dir" (created if missing, with its
 * parents) must not be a file, and the nearest existing folder on its path must be writable.
 */
export function outputProblem(option: string, target: string, kind: "file" | "dir"): string | undefined {
  const where = `option --${option} "${target}"`;
  const s = stat(target);
  if (kind === "file") {
    if (s?.isDirectory() === true) return `${where}: is a folder; give a file name (e.g. ${path.join(target, "out.json")})`;
    const parent = path.dirname(path.resolve(target));
    const ps = stat(parent);
    if (ps === undefined) return `${where}: folder "${parent}" does not exist (create it first)`;
    if (!ps.isDirectory()) return `${where}: "${parent}" is a file, not a folder`;
    if (s !== undefined) {
      try {
        fs.closeSync(fs.openSync(target, "a"));
      } catch (e) {
        return `${where}: the file exists and cannot be written (${errCode(e)})`;
      }
      return undefined;
    }
    const code = probeFolder(parent);
    return code === undefined ? undefined : `${where}: folder "${parent}" is not writable (${code})`;
  }
  if (s !== undefined && !s.isDirectory()) return `${where}: is a file, not a folder`;
  let existing = path.resolve(target);
  while (stat(existing) === undefined && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (stat(existing)?.isDirectory() !== true) return `${where}: "${existing}" is a file, so the folder cannot be created`;
  const code = probeFolder(existing);
  return code === undefined ? undefined : `${where}: folder "${existing}" is not writable (${code})`;
}

/**
 * Runs `write`, turning a file-system error (a folder removed meanwhile, a full disk) into a
 * BadOptionError naming the option and the path.
 */
export function writingOutput<T>(option: string, target: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const code = errCode(e);
    if (/^E[A-Z]+$/.test(code)) throw new BadOptionError([`option --${option} "${target}": cannot write (${code}: ${e instanceof Error ? e.message : code})`], option);
    throw e;
  }
}
