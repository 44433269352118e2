/**
 * Browser safety on the real server: a cross-origin text/plain form post stores nothing, a
 * foreign Origin is refused on state-changing requests, a foreign Host (DNS rebinding) is refused,
 * and the server's own pages' requests still work.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import test from "node:test";
import { startServer } from "./app.js";
import { hostProblem, originProblem, serverNames } from "./origin.js";
import { call, dbSnapshot, syntheticProject, type ItemReply } from "./testing.js";

/** A GET with a Host header of our choosing (fetch may not set one): status and body. */
function getWithHost(port: number, p: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: "127.0.0.1", path: p, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

void test("serverNames: the bound address, loopback names on loopback, the machine's addresses on a wildcard, allowedHosts", () => {
  const lo = serverNames("127.0.0.1", 8080, ["Labels.Example.org"]);
  for (const h of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LOCALHOST", "labels.example.org"]) assert.equal(hostProblem(h, lo), null, h);
  for (const h of ["evil.example:8080", "127.0.0.2", "", "[", "a b", "localhost.evil.example"]) assert.match(hostProblem(h, lo) ?? "", /does not name this server/, h);
  const lan = serverNames("192.168.1.5", 80);
  assert.equal(hostProblem("192.168.1.5", lan), null);
  assert.notEqual(hostProblem("localhost", lan), null, "a LAN-bound server does not answer to localhost");
  const all = serverNames("0.0.0.0", 80, [], { eth0: [{ address: "10.0.0.7", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: false, cidr: null }] });
  assert.equal(hostProblem("10.0.0.7:80", all), null);
  assert.equal(hostProblem("127.0.0.1", all), null);
  assert.notEqual(hostProblem("10.0.0.8", all), null);
});

void test("originProblem: same origin and no Origin pass; another origin, https, null and GET-only rules", () => {
  const s = serverNames("127.0.0.1", 8080);
  assert.equal(originProblem("POST", undefined, "127.0.0.1:8080", s), null);
  assert.equal(originProblem("POST", "http://127.0.0.1:8080", "127.0.0.1:8080", s), null);
  assert.equal(originProblem("DELETE", "http://localhost:8080", "127.0.0.1:8080", s), null, "a loopback name of a loopback server");
  assert.equal(originProblem("GET", "http://evil.example", "127.0.0.1:8080", s), null, "a GET changes nothing");
  for (const o of ["http://evil.example", "http://127.0.0.1:9999", "https://127.0.0.1:8080", "null", "http://localhost:8080/x"]) assert.match(originProblem("POST", o, "127.0.0.1:8080", s) ?? "", /not this server's origin/, o);
  const lan = serverNames("192.168.1.5", 80);
  assert.equal(originProblem("POST", "http://192.168.1.5", "192.168.1.5", lan), null);
  assert.notEqual(originProblem("POST", "http://localhost", "192.168.1.5", lan), null);
  // Behind a TLS proxy on the default port: https://NAME with Host: NAME (an --allowed-host name), nothing looser.
  const proxied = serverNames("127.0.0.1", 8080, ["label.example.org"]);
  assert.equal(originProblem("POST", "https://label.example.org", "label.example.org", proxied), null);
  assert.equal(originProblem("POST", "https://label.example.org:443", "label.example.org", proxied), null);
  for (const [o, h] of [["https://label.example.org", "label.example.org:8080"], ["https://label.example.org:8443", "label.example.org"], ["https://evil.example", "label.example.org"], ["https://evil.example", "evil.example"], ["https://127.0.0.1", "127.0.0.1:8080"]] as const) {
    assert.notEqual(originProblem("POST", o, h, proxied), null, `${o} with Host ${h}`);
  }
});

void test("a cross-origin text/plain label post is refused and stores nothing; a foreign Host is a 421; same-origin requests work", async () => {
  const { dir, dbPath } = await syntheticProject(30, 4);
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  try {
    const item = ((await call(srv.url, "GET", "/api/next?annotator=ana")).body as ItemReply).item;
    const at = new URL(`/api/items/${encodeURIComponent(item.id)}/label`, srv.url);
    const before = dbSnapshot(dbPath);
    const body = JSON.stringify({ label: "spam", annotator: "ana" });
    // What a form on another site sends: text/plain, with its Origin.
    const form = await fetch(at, { method: "POST", headers: { "content-type": "text/plain", origin: "http://evil.example" }, body });
    assert.equal(form.status, 403);
    assert.match(((await form.json()) as { error: { message: string } }).error.message, /Origin/);
    // The same body as text/plain from no browser (no Origin): a 415 naming the header.
    const plain = await fetch(at, { method: "POST", headers: { "content-type": "text/plain" }, body });
    assert.equal(plain.status, 415);
    const e = ((await plain.json()) as { error: { code: string; message: string } }).error;
    assert.equal(e.code, "UNSUPPORTED_MEDIA_TYPE");
    assert.match(e.message, /Content-Type/);
    // A foreign application/json request with its Origin (fetch from another site): 403 too.
    assert.equal((await fetch(at, { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example" }, body })).status, 403);
    assert.equal(dbSnapshot(dbPath), before, "nothing was stored");

    // DNS rebinding: evil.example now resolves to 127.0.0.1, the browser sends its own Host.
    const rebound = await getWithHost(srv.port, "/api/export", `evil.example:${srv.port}`);
    assert.equal(rebound.status, 421);
    assert.match(rebound.body, /Host header/);
    assert.equal((await getWithHost(srv.port, "/api/stats", `localhost:${srv.port}`)).status, 200);

    // The server's own page: same origin, application/json: stored.
    const own = await fetch(at, { method: "POST", headers: { "content-type": "application/json", origin: srv.url.replace(/\/$/, "") }, body });
    assert.equal(own.status, 201);
    const viaLocalhost = await fetch(new URL(`/api/items/${encodeURIComponent(item.id)}/label?annotator=ana`, srv.url), { method: "DELETE", headers: { origin: `http://localhost:${srv.port}` } });
    assert.equal(viaLocalhost.status, 200);
    // A skip with an empty body needs no Content-Type.
    const skip = await fetch(new URL(`/api/items/${encodeURIComponent(item.id)}/skip?annotator=ana`, srv.url), { method: "POST" });
    assert.equal(skip.status, 200);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
