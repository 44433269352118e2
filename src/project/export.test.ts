import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { runExport } from "../cli/export.js";
import { startServer } from "../server/app.js";
import { call } from "../server/testing.js";
import { csvField } from "./export.js";
import { initProject } from "./init.js";

void test("csvField neutralises spreadsheet formulas and leaves plain numbers alone", () => {
  assert.equal(csvField("=1+2"), "'=1+2");
  assert.equal(csvField("+1+2"), "'+1+2");
  assert.equal(csvField("-2+3"), "'-2+3");
  assert.equal(csvField("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvField("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  assert.equal(csvField("\t=1+2"), "'\t=1+2");
  assert.equal(csvField("\r=1+2"), `"'\r=1+2"`);
  assert.equal(csvField("-"), "'-");
  assert.equal(csvField("--1"), "'--1");
  // Plain numbers, as strings or numbers: a spreadsheet reads them as numbers, not formulas.
  for (const n of ["-3.5", "+2", "-1e-7", "-.5", "-0", "12"]) assert.equal(csvField(n), n);
  assert.equal(csvField(-3.5), "-3.5");
  assert.equal(csvField("a=b"), "a=b");
  assert.equal(csvField(null), "");
});

void test("CSV export from the CLI and the API prefixes formula cells with a quote", async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-export-"));
  try {
    const data = path.join(base, "items.csv");
    const rows = [
      ["a1", "=HYPERLINK(\"http://evil.example\",\"click\")", "-3.5", "spam"],
      ["a2", "+cmd|' /C calc'!A0", "2", "ham"],
      ["a3", "@SUM(1+1)*cmd", "-0.25", "spam"],
      ["a4", "-2+3+cmd", "1e3", "ham"],
      ["=a5", "plain text", "4", "spam"],
      ["a6", "hello", "-7", "ham"],
    ];
    fs.writeFileSync(data, "id,text,score,seed_label\n" + rows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\n") + "\n");
    const dir = path.join(base, "proj");
    await initProject({ dir, data, labels: ["spam", "ham"], text: "text", label: "seed_label", id: "id" });
    const expectCells = (csv: string): void => {
      const lines = csv.trim().split("\r\n");
      assert.equal(lines.length, 7, csv);
      assert.ok(lines[1].startsWith(`a1,"'=HYPERLINK(""http://evil.example"",""click"")",-3.5,spam,`), lines[1]);
      assert.ok(lines[2].startsWith("a2,'+cmd|' /C calc'!A0,2,ham,"), lines[2]);
      assert.ok(lines[3].startsWith("a3,'@SUM(1+1)*cmd,-0.25,spam,"), lines[3]);
      assert.ok(lines[4].startsWith("a4,'-2+3+cmd,1e3,ham,"), lines[4]);
      assert.ok(lines[5].startsWith("'=a5,plain text,4,spam,"), lines[5]);
      assert.ok(lines[6].startsWith("a6,hello,-7,ham,"), lines[6]);
      for (const line of lines) for (const cell of line.split(",")) assert.doesNotMatch(cell, /^"?[=+@\t\r]/, `a live formula in ${line}`);
    };
    const out = path.join(base, "labels.csv");
    assert.equal(await runExport([dir, "--format", "csv", "--out", out]), 0);
    expectCells(fs.readFileSync(out, "utf8"));
    const srv = await startServer({ projectDir: dir, port: 0, quiet: true });
    try {
      const r = await call(srv.url, "GET", "/api/export?format=csv");
      assert.equal(r.status, 200);
      expectCells(r.text);
      // JSON Lines carries the values unchanged: it is not opened by spreadsheets.
      const j = await call(srv.url, "GET", "/api/export?format=jsonl");
      assert.match(j.text, /"text":"=HYPERLINK/);
    } finally {
      await srv.close();
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
