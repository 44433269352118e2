/** Helpers shared by the CLI's tests (not part of the package): run the built CLI as a child process. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const main = path.join(root, "dist", "src", "cli", "main.js");

/** Runs `activelearn ARGS` (the built dist/src/cli/main.js) from the project root and waits for it. */
export function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A new temporary folder named after `prefix`. */
export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}
