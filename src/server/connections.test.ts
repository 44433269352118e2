import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import test from "node:test";
import { startServer, type RunningServer } from "./app.js";
import { DEFAULT_LIMITS } from "./connections.js";
import { syntheticProject } from "./testing.js";

/** The process's open-file limit (ulimit -n), or 1024 when it cannot be read. */
function fdLimit(): number {
  const r = spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" });
  const n = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(n) ? n : r.stdout.trim() === "unlimited" ? Infinity : 1024;
}

/** A fresh connection (no keep-alive agent) asking GET p; the status, or an error after 5 s. */
function freshGet(port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error(`no reply to ${p} in 5 s`)));
    req.on("error", reject);
  });
}

/** `n` slowloris sockets: each sends a request line, then one header byte every `everyMs`. */
async function slowClients(port: number, n: number, everyMs: number): Promise<{ sockets: net.Socket[]; closed: () => number; replies: () => string[]; stop: () => void }> {
  const sockets: net.Socket[] = [];
  let closed = 0;
  const replies: string[] = [];
  for (let start = 0; start < n; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - start) }, () =>
        new Promise<void>((resolve) => {
          const s = net.connect(port, "127.0.0.1", () => {
            s.write("GET /api/stats HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ");
            resolve();
          });
          s.on("data", (d: Buffer) => replies.push(d.toString("latin1").split("\r\n")[0]));
          s.on("error", () => undefined);
          s.on("close", () => {
            closed++;
            resolve();
          });
          sockets.push(s);
        }),
      ),
    );
  }
  const timer = setInterval(() => {
    for (const s of sockets) if (s.writable) s.write("a");
  }, everyMs);
  return {
    sockets,
    closed: () => closed,
    replies: () => replies,
    stop: () => {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    },
  };
}

async function withServer(limits: Parameters<typeof startServer>[0]["limits"], fn: (srv: RunningServer) => Promise<void>): Promise<void> {
  const { dir } = await syntheticProject(20, 4);
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0, ...(limits !== undefined ? { limits } : {}) });
  try {
    await fn(srv);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

void test("1,000 slow connections (slowloris) do not stop a normal client from being served", async (t) => {
  // Both ends live in this process: two descriptors per connection, plus a margin.
  const n = Math.min(1000, Math.floor((fdLimit() - 200) / 2));
  if (n < 100) {
    t.skip(`ulimit -n is ${fdLimit()}: too low for 100 slow connections`);
    return;
  }
  // The default cap (900) with 1,000 slow clients; a proportionally smaller cap on a low ulimit.
  const cap = n === 1000 ? DEFAULT_LIMITS.maxConnections : Math.floor(n * 0.9);
  await withServer(n === 1000 ? undefined : { maxConnections: cap }, async (srv) => {
    const slow = await slowClients(srv.port, n, 500);
    try {
      assert.ok(srv.connections.open() <= cap, `${srv.connections.open()} open connections, cap ${cap}`);
      for (let i = 0; i < 10; i++) assert.equal(await freshGet(srv.port, "/api/stats"), 200, `normal request ${i} with ${n} slow connections open`);
      assert.ok(srv.connections.evicted() >= n - cap + 1, `slow connections over the cap, and one for the normal client, were closed (evicted ${srv.connections.evicted()})`);
      assert.ok(srv.connections.open() <= cap);
      assert.equal(srv.connections.refused(), 0);
    } finally {
      slow.stop();
    }
  });
});

void test("a client too slow to send its headers gets a 408 and its connection closed", async () => {
  await withServer({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 }, async (srv) => {
    const slow = await slowClients(srv.port, 20, 200);
    try {
      const t0 = Date.now();
      while (slow.closed() < 20 && Date.now() - t0 < 8000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(slow.closed(), 20, `the server closed ${slow.closed()} of 20 slow connections in 8 s`);
      assert.ok(slow.replies().length > 0 && slow.replies().every((l) => l === "HTTP/1.1 408 Request Timeout"), JSON.stringify(slow.replies().slice(0, 3)));
      assert.equal(await freshGet(srv.port, "/api/stats"), 200);
    } finally {
      slow.stop();
    }
  });
});
