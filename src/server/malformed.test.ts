import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import test from "node:test";
import { requestUrl, startServer } from "./app.js";
import { call, syntheticProject } from "./testing.js";

/** Sends raw bytes and returns the status line of the reply ("" when the server closed without one). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    s.setTimeout(5000, () => {
      s.destroy();
      reject(new Error(`no reply to ${JSON.stringify(bytes.slice(0, 60))}`));
    });
    s.on("data", (d) => (got += d.toString("latin1")));
    s.on("end", () => resolve(got.split("\r\n")[0] ?? ""));
    s.on("error", () => resolve(got.split("\r\n")[0] ?? ""));
    s.write(bytes);
    s.end();
  });
}

void test("requestUrl: origin-form paths parse; everything else is a BAD_INPUT, never an uncaught throw", () => {
  assert.equal(requestUrl("/api/next?annotator=a").pathname, "/api/next");
  for (const t of ["//[", "http://%zz/", "*", "", "//host/x", "http://localhost/api/stats"]) assert.throws(() => requestUrl(t), { code: "BAD_INPUT" }, t);
});

void test("malformed request targets get a 4xx and the server keeps serving", async () => {
  const { dir } = await syntheticProject(30, 4);
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    for (const target of ["//[", "http://%zz/", "//[::1", "/%", "/static/%E0%A4%A", "*", "/api/items/%zz/label"]) {
      const status = await raw(srv.port, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      assert.match(status, /^HTTP\/1\.1 4\d\d /, `${target}: ${status}`);
      assert.equal((await call(srv.url, "GET", "/api/stats")).status, 200, `still serving after ${target}`);
    }
    // A Host header that names no server (or no URL can be built from) is not for this server: a 421 (DNS rebinding).
    for (const host of ["[", "a b", "x:99999", "a@b"]) assert.match(await raw(srv.port, `GET /api/stats HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`), /^HTTP\/1\.1 421 /, host);
    assert.match(await raw(srv.port, `GET /api/stats HTTP/1.1\r\nhost: 127.0.0.1:${srv.port}\r\nconnection: close\r\n\r\n`), /^HTTP\/1\.1 200 /);
    // Not HTTP at all: a 400 from the parser, and the server still serves.
    assert.match(await raw(srv.port, "\x00\x01garbage\r\n\r\n"), /^HTTP\/1\.1 400/);
    assert.equal((await call(srv.url, "GET", "/api/stats")).status, 200);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
