import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";
import { strategyNames } from "../strategies/registry.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const MAIN = path.join(ROOT, "dist", "src", "cli", "main.js");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

const help = (...args: string[]): string => spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" }).stdout;

/** The commands `activelearn --help` lists. */
function commands(): string[] {
  return [...help("--help").matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]);
}

/** The flags a command's --help lists. */
function flags(command: string): string[] {
  return [...help(command, "--help").matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((m) => m[1]);
}

/** The README's Commands block, one chunk of lines per command (its line and the indented ones after it). */
function commandsBlock(): Map<string, string> {
  const start = README.indexOf("## Commands");
  assert.ok(start >= 0, "README has a Commands section");
  const open = README.indexOf("```", start);
  const close = README.indexOf("```", open + 3);
  const chunks = new Map<string, string>();
  let current: string | undefined;
  for (const line of README.slice(open + 3, close).split("\n")) {
    const m = /^activelearn (\S+)/.exec(line);
    if (m !== null) {
      current = m[1];
      chunks.set(current, (chunks.get(current) ?? "") + line + "\n");
    } else if (current !== undefined && /^\s/.test(line)) chunks.set(current, (chunks.get(current) ?? "") + line + "\n");
  }
  return chunks;
}

void test("every flag each command's --help lists is in the README's Commands block, on that command's lines", () => {
  const block = commandsBlock();
  const cmds = commands();
  assert.ok(cmds.length >= 8, `commands: ${cmds.join(", ")}`);
  const missing: string[] = [];
  for (const c of cmds) {
    const chunk = block.get(c);
    if (chunk === undefined) {
      missing.push(`${c} (no line)`);
      continue;
    }
    for (const f of flags(c)) {
      if (f === "--help") continue;
      if (!new RegExp(`${f}(?![a-z-])`).test(chunk)) missing.push(`${c} ${f}`);
    }
  }
  assert.deepEqual(missing, [], "flags missing from the README's Commands block");
  assert.ok(block.has("<command>") && /--help/.test(block.get("<command>") ?? ""), "the block says every command takes --help");
});

void test("the README says how to run the activelearn command", () => {
  for (const how of ["npx activelearn", "npm link", "npm install -g"]) assert.ok(README.includes(how), how);
});

void test("strategy names a user types are the registry names, in the --help texts, the README and the docs", () => {
  const kebab = strategyNames().filter((n) => n.includes("_")).map((n) => n.replace(/_/g, "-"));
  const texts: [string, string][] = commands().map((c) => [`${c} --help`, help(c, "--help")]);
  // In the README and the docs, names in code (backticks and code blocks) are ones a user types.
  for (const file of ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)]) {
    const md = fs.readFileSync(path.join(ROOT, file), "utf8");
    const code = [...md.matchAll(/```[\s\S]*?```|`[^`\n]+`/g)].map((m) => m[0]).join("\n");
    texts.push([file, code]);
  }
  const found: string[] = [];
  for (const [where, text] of texts) for (const k of kebab) if (new RegExp(`(?<![a-z_-])${k}(?![a-z_-]|\\.ts)`).test(text)) found.push(`${where}: ${k}`);
  assert.deepEqual(found, [], "kebab-case strategy names (the registry's are snake_case)");
});
