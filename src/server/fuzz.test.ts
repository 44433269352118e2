/**
 * A seeded fuzz of the server (loopback only, bounded in count and time): random request
 * targets, percent-encodings, methods, headers and bodies over raw sockets, and wrong types in
 * every field of every route over fetch. Every reply must be below 500 (an /api error a JSON
 * {error: {code, message}}), the server must keep serving, and a rejected request must leave the
 * project database unchanged. FUZZ_SEED=n replays another seed; FUZZ_N sets the raw-socket count.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import test from "node:test";
import { Rng } from "../linalg/rng.js";
import { startServer } from "./app.js";
import { call, dbSnapshot, syntheticProject, type ItemReply } from "./testing.js";

const SEED = Number(process.env.FUZZ_SEED ?? 10);
const RAW_N = Number(process.env.FUZZ_N ?? 300);
const TIME_LIMIT_MS = 60_000;

interface RawReply {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/**
 * Sends raw bytes and parses the first reply (status 0: closed without one). A request that
 * declares more body than it sends gets a half-close after 2 s (then the server must answer).
 */
function raw(port: number, bytes: Buffer): Promise<RawReply> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    const got: Buffer[] = [];
    const finish = (): void => {
      const text = Buffer.concat(got).toString("latin1");
      const head = text.slice(0, Math.max(0, text.indexOf("\r\n\r\n")));
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      // Only the first reply's body: a pipelined second reply may follow it.
      const length = /\r\ncontent-length: (\d+)/i.exec(head);
      const rest = text.slice(head.length + 4);
      resolve({ status: m === null ? 0 : Number(m[1]), headers: head.toLowerCase(), body: length === null ? rest : Buffer.from(rest, "latin1").subarray(0, Number(length[1])).toString("utf8") });
    };
    const halfClose = setTimeout(() => s.end(), 2000);
    const giveUp = setTimeout(() => s.destroy(), 10_000);
    s.on("data", (d: Buffer) => got.push(d));
    s.on("close", () => {
      clearTimeout(halfClose);
      clearTimeout(giveUp);
      finish();
    });
    s.on("error", () => undefined);
    s.on("connect", () => s.write(bytes));
  });
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

function randomBytes(rng: Rng, n: number, printable: boolean): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = printable ? 0x21 + rng.int(0x5e) : rng.int(256);
  return b;
}

function randomEncoding(rng: Rng): string {
  return pick(rng, ["%", "%z", "%zz", "%0", "%00", "%2F", "%2e%2e", "%C0%AF", "%E0%A4%A", "%ED%A0%80", "%F4%90%80%80", "%FF", "%25", "%u0041", "%%", `%${rng.int(256).toString(16).padStart(2, "0")}`]);
}

const PATHS = ["/", "/dashboard", "/dashboard/", "/static/app.js", "/static/", "/api/next", "/api/stats", "/api/project", "/api/dashboard", "/api/openapi.json", "/api/export", "/api/predict", "/api/items/item-1/label", "/api/items/item-1/skip", "/api/items//label", "/api/nothing"];

/** A random request target: a known path mangled, random bytes, percent-encodings, odd forms. */
function randomTarget(rng: Rng): Buffer {
  const r = rng.next();
  if (r < 0.2) return Buffer.concat([Buffer.from("/"), randomBytes(rng, 1 + rng.int(40), true)]);
  if (r < 0.3) return Buffer.concat([Buffer.from("/"), randomBytes(rng, 1 + rng.int(20), false)]);
  if (r < 0.55) {
    const p = pick(rng, PATHS);
    const at = rng.int(p.length + 1);
    return Buffer.from(p.slice(0, at) + randomEncoding(rng) + p.slice(at) + (rng.next() < 0.5 ? `?annotator=${randomEncoding(rng)}&format=${randomEncoding(rng)}` : ""));
  }
  if (r < 0.7) return Buffer.from(pick(rng, ["//[", "//[::1", "http://%zz/", "http://[/", "*", "?", "#", "//", "///api/stats", "http://localhost/api/stats", "\\api\\stats", "/api/stats#x", "/api/next?annotator", "/api/next?annotator=&ahead=2", "/..%2f..%2fetc/passwd", "/static/../../package.json", "/static/%2e%2e/%2e%2e/package.json"]));
  if (r < 0.8) return Buffer.from("/" + "a".repeat(rng.int(20_000)));
  return Buffer.from(pick(rng, PATHS) + "?" + Array.from({ length: 1 + rng.int(50) }, () => `${randomEncoding(rng)}=${randomEncoding(rng)}`).join("&"));
}

/** A random raw request: method, target, headers and body all possibly hostile. */
function randomRequest(rng: Rng): Buffer {
  const method = pick(rng, ["GET", "GET", "POST", "POST", "DELETE", "HEAD", "PUT", "OPTIONS", "PATCH", "G@T", "get", "CONNECT", "TRACE"]);
  const target = rng.next() < 0.6 ? randomTarget(rng) : Buffer.from(pick(rng, PATHS) + (rng.next() < 0.5 ? "?annotator=fuzz" : ""));
  const headers: string[] = ["host: 127.0.0.1", "connection: close"];
  const h = rng.next();
  if (h < 0.1) headers.push(`x-big: ${"b".repeat(20_000 + rng.int(20_000))}`);
  else if (h < 0.2) for (let i = 0; i < 200; i++) headers.push(`x-h${i}: ${i}`);
  else if (h < 0.3) headers.push(`x-odd: ${randomBytes(rng, 30, false).toString("latin1").replace(/[\r\n]/g, "")}`);
  else if (h < 0.4) headers.push(pick(rng, ["content-length: -1", "content-length: abc", "content-length: 99999999999", "content-length: 5\r\ncontent-length: 6", "transfer-encoding: chunked\r\ncontent-length: 3", "transfer-encoding: gzip", "expect: 100-continue", "content-type: text/plain", "content-type: multipart/form-data; boundary=x", "content-type: application/json; charset=utf-16", "upgrade: websocket\r\nconnection: upgrade", "upgrade: h2c"]));
  else if (h < 0.45) headers.push(": no-name", "bad header line without colon");
  const b = rng.next();
  let body: Buffer;
  if (b < 0.3) body = Buffer.alloc(0);
  else if (b < 0.45) body = randomBytes(rng, rng.int(300), false);
  else if (b < 0.55) body = Buffer.from("[".repeat(10_000 + rng.int(100_000)));
  else if (b < 0.65) body = Buffer.from('{"label":'.repeat(1000 + rng.int(5000)));
  else if (b < 0.7) body = Buffer.alloc((1 << 20) + rng.int(1000), "x");
  else body = Buffer.from(pick(rng, ['{"label": "spam", "annotator": ', "{}", "[]", "null", '"x"', "1e999", '{"label": "spam", "annotator": "fuzz", "durationMs": 1e400}', '{"__proto__": {"x": 1}, "label": "spam", "annotator": "a"}', '{"items": [{"text": "a"}]}', '{"items": "x"}', "\ufeff{}"]));
  const chunked = headers.some((x) => x.startsWith("transfer-encoding: chunked"));
  if (!headers.some((x) => x.startsWith("content-length") || x.startsWith("transfer-encoding"))) headers.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${method} `), target, Buffer.from(` HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`), chunked ? Buffer.from(`zz\r\n${body.toString("latin1")}\r\n`) : body]);
}

/** Every field of every JSON route given values of the wrong type or hostile content. */
const WRONG: readonly unknown[] = [null, 0, -1, 1.5, 1e308, true, "", " ", "x".repeat(5000), "\u0000", "\u202e", "\ud800", [], [1], {}, { a: 1 }, "spam", "fuzz"];

void test(`fuzz: hostile requests get < 500, clean JSON errors, and change nothing (seed ${SEED})`, async () => {
  const rng = new Rng(SEED);
  const { dir, dbPath } = await syntheticProject(40, 6);
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 0 });
  const t0 = Date.now();
  let before = dbSnapshot(dbPath);
  let requests = 0;
  const checkUnchanged = (status: number, what: string): void => {
    const now = dbSnapshot(dbPath);
    if (status >= 400 || status === 0) assert.equal(now, before, `seed ${SEED}: rejected request changed the database: ${what}`);
    before = now;
  };
  try {
    // Raw sockets: targets, methods, headers, bodies.
    for (let i = 0; i < RAW_N && Date.now() - t0 < TIME_LIMIT_MS; i++) {
      const bytes = randomRequest(rng);
      const what = `raw #${i}: ${JSON.stringify(bytes.subarray(0, 120).toString("latin1"))}`;
      const r = await raw(srv.port, bytes);
      requests++;
      assert.ok(r.status > 0, `seed ${SEED}: no reply to ${what}`);
      assert.ok(r.status < 500, `seed ${SEED}: ${r.status} for ${what}: ${r.body.slice(0, 300)}`);
      if (r.status >= 400 && r.body !== "" && r.headers.includes("content-type: application/json")) {
        const err = (JSON.parse(r.body) as { error?: { code?: unknown; message?: unknown } }).error;
        assert.ok(typeof err?.code === "string" && typeof err.message === "string", `seed ${SEED}: unclear error body for ${what}: ${r.body.slice(0, 200)}`);
      }
      checkUnchanged(r.status, what);
      if (i % 50 === 49) assert.equal((await call(srv.url, "GET", "/api/stats")).status, 200, `seed ${SEED}: not serving after ${what}`);
    }

    // fetch: wrong types in every field of every route.
    const item = ((await call(srv.url, "GET", "/api/next?annotator=fuzzer")).body as ItemReply).item;
    const routes: { method: string; path: string; fields: Record<string, unknown> }[] = [
      { method: "POST", path: `/api/items/${encodeURIComponent(item.id)}/label`, fields: { label: "spam", annotator: "fuzzer", durationMs: 1000 } },
      { method: "POST", path: `/api/items/${encodeURIComponent(item.id)}/skip`, fields: { annotator: "fuzzer" } },
      { method: "POST", path: "/api/predict", fields: { items: [{ text: "cheap pills", length: 11 }] } },
    ];
    for (const route of routes) {
      for (const field of Object.keys(route.fields)) {
        for (const v of WRONG) {
          // "spam" and "fuzz" are valid for some fields: those replies may succeed.
          const body = { ...route.fields, [field]: v };
          const what = `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 200)}`;
          const r = await call(srv.url, route.method, route.path, body);
          requests++;
          assert.ok(r.status < 500, `seed ${SEED}: ${r.status} for ${what}: ${r.text.slice(0, 300)}`);
          if (r.status >= 400) {
            const err = (r.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
            assert.ok(typeof err?.code === "string" && typeof err.message === "string", `seed ${SEED}: unclear error for ${what}`);
            if (r.status === 400) assert.match(err.message, /field|body|JSON|items/, what);
          }
          checkUnchanged(r.status, what);
        }
      }
    }
    for (const [param, paths] of [
      ["annotator", ["/api/next", `/api/items/${encodeURIComponent(item.id)}/label`]],
      ["ahead", ["/api/next?annotator=fuzzer"]],
      ["format", ["/api/export"]],
    ] as const) {
      for (const p of paths) {
        for (const v of WRONG) {
          // A lone surrogate cannot be percent-encoded as UTF-8: send its replacement character.
          const text = (typeof v === "string" ? v : JSON.stringify(v)).replace(/[\ud800-\udfff]/g, "\ufffd");
          const q = `${p}${p.includes("?") ? "&" : "?"}${param}=${encodeURIComponent(text)}`;
          const method = p.endsWith("/label") ? "DELETE" : "GET";
          const r = await call(srv.url, method, q);
          requests++;
          assert.ok(r.status < 500, `seed ${SEED}: ${r.status} for ${method} ${q}: ${r.text.slice(0, 300)}`);
          checkUnchanged(r.status, `${method} ${q}`);
        }
      }
    }
    assert.ok(requests >= 300 || Date.now() - t0 >= TIME_LIMIT_MS, `only ${requests} requests`);
    // Still serving, and still labeling.
    assert.equal((await call(srv.url, "GET", "/api/stats")).status, 200);
    const next = (await call(srv.url, "GET", "/api/next?annotator=after")).body as ItemReply;
    assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(next.item.id)}/label`, { label: "ham", annotator: "after" })).status, 201);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
