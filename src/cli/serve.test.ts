import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import Database from "better-sqlite3";
import { fileURLToPath } from "node:url";
import { isLoopback, reachableUrls } from "../server/address.js";
import { addUser } from "../auth/users.js";
import { syntheticProject } from "../server/testing.js";
import { openStore } from "../store/open.js";
import { exposureNotice } from "./serve.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");

void test("serve on a folder that is not a project says so, names init, exits 2 and creates nothing", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-serve-"));
  try {
    const empty = path.join(base, "empty");
    fs.mkdirSync(empty);
    const file = path.join(base, "file.txt");
    fs.writeFileSync(file, "not a project");
    const other = path.join(base, "other");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "data.csv"), "id,text\n1,a\n");
    const missing = path.join(base, "missing");
    const garbage = path.join(base, "garbage");
    fs.mkdirSync(garbage);
    fs.writeFileSync(path.join(garbage, "project.db"), "not a database at all, just text");
    const foreign = path.join(base, "foreign");
    fs.mkdirSync(foreign);
    const fdb = new Database(path.join(foreign, "project.db"));
    fdb.exec("CREATE TABLE notes (t TEXT)");
    fdb.close();
    const foreignBytes = fs.readFileSync(path.join(foreign, "project.db"));
    for (const [dir, why] of [[missing, /folder does not exist/], [empty, /no project\.db/], [file, /is a file/], [other, /no project\.db/], [garbage, /not an activelearn project database/], [foreign, /not an activelearn project database \(it has no project metadata\)/]] as const) {
      const before = fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? fs.readdirSync(dir) : null;
      const r = spawnSync(process.execPath, [MAIN, "serve", dir, "--port", "0", "--quiet"], { encoding: "utf8", timeout: 20_000 });
      assert.equal(r.status, 2, `${dir}: ${r.stderr}`);
      assert.match(r.stderr, /is not an activelearn project/, dir);
      assert.doesNotMatch(r.stderr, /internal error/, dir);
      assert.match(r.stderr, why, dir);
      assert.ok(r.stderr.includes(`activelearn init ${JSON.stringify(dir)} --data FILE --labels a,b`), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      if (before === null) assert.equal(fs.existsSync(dir) && fs.statSync(dir).isDirectory(), false, "no folder created");
      else assert.deepEqual(fs.readdirSync(dir), before, "nothing created in the folder");
    }
    assert.deepEqual(fs.readFileSync(path.join(foreign, "project.db")), foreignBytes, "another program's database is left untouched");
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

const ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  lo: [
    { address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: true, cidr: "127.0.0.1/8" },
    { address: "::1", netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", family: "IPv6", mac: "00:00:00:00:00:00", internal: true, cidr: "::1/128", scopeid: 0 },
  ],
  eth0: [
    { address: "192.168.1.20", netmask: "255.255.255.0", family: "IPv4", mac: "02:42:ac:11:00:02", internal: false, cidr: "192.168.1.20/24" },
    { address: "2001:db8::5", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "02:42:ac:11:00:02", internal: false, cidr: "2001:db8::5/64", scopeid: 0 },
    { address: "fe80::1", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "02:42:ac:11:00:02", internal: false, cidr: "fe80::1/64", scopeid: 2 },
  ],
};

void test("a wildcard host lists the machine's real addresses; a specific one is shown as is", () => {
  assert.deepEqual(reachableUrls("0.0.0.0", 8080, ifaces), ["http://127.0.0.1:8080/", "http://192.168.1.20:8080/"]);
  assert.deepEqual(reachableUrls("::", 8080, ifaces), ["http://127.0.0.1:8080/", "http://192.168.1.20:8080/", "http://[2001:db8::5]:8080/"]);
  assert.deepEqual(reachableUrls("10.1.2.3", 80, ifaces), ["http://10.1.2.3:80/"]);
  assert.deepEqual(reachableUrls("::1", 80, ifaces), ["http://[::1]:80/"]);
  for (const h of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"]) assert.equal(isLoopback(h), true, h);
  for (const h of ["0.0.0.0", "::", "192.168.1.20", "10.1.2.3", "2001:db8::5"]) assert.equal(isLoopback(h), false, h);
});

void test("serve warns, with the addresses, when it listens beyond loopback", () => {
  const urls = reachableUrls("0.0.0.0", 8080, ifaces);
  const lines = exposureNotice({ urls, exposed: true, port: 8080 }, "0.0.0.0");
  assert.match(lines[0], /reachable from other machines at http:\/\/192\.168\.1\.20:8080\//);
  assert.match(lines[1], /^warning: --host 0\.0\.0\.0 is not loopback and the server speaks plain HTTP: passwords, tokens and session cookies cross the network unencrypted/);
  assert.deepEqual(exposureNotice({ urls: ["http://127.0.0.1:8080/"], exposed: false, port: 8080 }, "127.0.0.1"), []);
});

/** Starts `serve` on a free port, waits for its start lines, sends `request` (if any), then stops it. */
async function serveOnce(args: readonly string[], request?: (url: string) => Promise<void>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [MAIN, "serve", ...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const started = await Promise.race([
    (async () => {
      while (!/http:\/\/[\d.]+:\d+\//.test(stdout) || !/activelearn: (single-user mode|accounts on)/.test(stderr)) await new Promise((r) => setTimeout(r, 20));
      return true;
    })(),
    exited.then(() => false),
  ]);
  if (started) {
    await request?.(/http:\/\/[\d.]+:\d+\//.exec(stdout)![0]);
    child.kill("SIGTERM");
  }
  return { stdout, stderr, code: await exited };
}

void test("serve says single-user mode on loopback without accounts, 'accounts on' with them; --allowed-host adds Host names and refuses bad ones", async () => {
  const { dir, dbPath } = await syntheticProject(20, 2);
  try {
    const open = await serveOnce([dir]);
    const lines = open.stderr.split("\n").filter((l) => l.includes("single-user"));
    assert.equal(lines.length, 1, open.stderr);
    assert.match(lines[0], /^activelearn: single-user mode: the project has no accounts, so anyone who can reach port \d+ can label under any name; add an admin with: activelearn users DIR add NAME --role admin$/);

    const store = openStore(dbPath);
    try {
      await addUser(store, "root", "admin");
    } finally {
      store.close();
    }
    const hosts: number[] = [];
    const withAccounts = await serveOnce([dir, "--allowed-host", "label.example.org:8443", "--allowed-host=Proxy.Example,10.0.0.7"], async (url) => {
      const port = new URL(url).port;
      for (const host of ["label.example.org", "proxy.example:80", "10.0.0.7", "evil.example"]) {
        // fetch cannot set Host: a raw request does.
        hosts.push(await new Promise<number>((resolve, reject) => {
          const r = http.request({ host: "127.0.0.1", port, path: "/api/me", headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          r.on("error", reject);
          r.end();
        }));
      }
    });
    assert.match(withAccounts.stderr, /activelearn: accounts on: every request needs a login \(web: http:\/\/127\.0\.0\.1:\d+\/login; API: Authorization: Bearer TOKEN\)/);
    assert.doesNotMatch(withAccounts.stderr, /single-user/);
    assert.deepEqual(hosts, [401, 401, 401, 421], "the allowed names reach the server (401: no login), another name is a 421");

    const r = spawnSync(process.execPath, [MAIN, "serve", dir, "--port", "0", "--allowed-host", "https://label.example.org/", "--allowed-host", "a b,x:99999,*.example,999.1.2.3"], { encoding: "utf8", timeout: 20_000 });
    assert.equal(r.status, 2, r.stderr);
    for (const bad of ["https://label.example.org/", "a b", "x:99999", "*.example", "999.1.2.3"]) assert.ok(r.stderr.includes(`option --allowed-host: ${JSON.stringify(bad)}`), `${bad}: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, /serving/);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
