import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { wasmStatus } from "./wasm.js";

const here = path.dirname(fileURLToPath(import.meta.url));

void test("wasmStatus: the kernels load from dist/wasm in a build", () => {
  const s = wasmStatus();
  if (process.env.ACTIVELEARN_WASM === "0") return assert.match(s.reason, /turned off by ACTIVELEARN_WASM=0/);
  assert.equal(s.active, true, s.reason);
  assert.equal(s.file, path.resolve(here, "../../wasm/logistic.wasm"));
});

void test("a missing kernel file is not silent: a process warning, the reason in wasmStatus, a NODE_DEBUG=activelearn line", () => {
  // A copy of the module in a folder with no wasm/ beside it, as in a package that left it out.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-wasm-"));
  try {
    fs.mkdirSync(path.join(dir, "src", "linalg"), { recursive: true });
    fs.copyFileSync(path.join(here, "wasm.js"), path.join(dir, "src", "linalg", "wasm.js"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const url = pathToFileURL(path.join(dir, "src", "linalg", "wasm.js")).href;
    const script = `const m = await import(${JSON.stringify(url)}); console.log(JSON.stringify(m.wasmStatus()));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, NODE_DEBUG: "activelearn", ACTIVELEARN_WASM: "" } });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { active: boolean; reason: string };
    assert.equal(s.active, false);
    assert.match(s.reason, /cannot read .*logistic\.wasm/);
    assert.match(r.stderr, /ActiveLearnWasmWarning: activelearn: cannot read .*logistic\.wasm.*the slower JS loops run instead/);
    assert.match(r.stderr, /ACTIVELEARN \d+: WebAssembly kernels off, the JS loops run: cannot read/);
    // Turned off on purpose: a debug line, no warning.
    const off = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, NODE_DEBUG: "activelearn", ACTIVELEARN_WASM: "0" } });
    assert.match(off.stdout, /turned off by ACTIVELEARN_WASM=0/);
    assert.doesNotMatch(off.stderr, /Warning/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
