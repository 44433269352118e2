/**
 * `activelearn serve`: the REST API and the web app's files over node:http, for one project.
 *
 * @example
 * const srv = await startServer({ projectDir: "proj", port: 0 });
 * console.log(srv.url); // http://127.0.0.1:40123/
 * await srv.close();
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ActiveLearnError, BadOptionError } from "../errors.js";
import { isLoopback, reachableUrls } from "./address.js";
import { guardConnections, resolveLimits, serverOptions, type ConnectionGuard, type ConnectionLimits } from "./connections.js";
import { Exporter } from "./exporter.js";
import { existingProjectDb } from "./existing-project.js";
import { errorReply, readJson, sendJson } from "./http.js";
import { openApiDocument } from "./openapi.js";
import { LabelingProject } from "./project.js";
import { page, SECURITY_HEADERS, staticFile } from "./static.js";
import { check, Problems } from "./validate.js";

export interface ServerOptions {
  readonly projectDir: string;
  /** 0 = an ephemeral port (default 8080). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Labels between retrains (default: the project's setting). */
  readonly retrainEvery?: number;
  /** No log lines on stderr. */
  readonly quiet?: boolean;
  /** Lease length in ms (default 5 minutes). */
  readonly leaseMs?: number;
  /** Every N-th served item is a random audit pick (default 10; 0 = none). */
  readonly auditEvery?: number;
  /** SQLite durability: "normal" (default; acknowledged labels survive kill -9) or "full" (also power loss). */
  readonly synchronous?: "normal" | "full";
  /** Labels to spend at most (updates the project's setting). */
  readonly budget?: number;
  /** Accuracy at which labeling may stop (updates the project's setting). */
  readonly targetAccuracy?: number;
  /** Timeouts and the connection cap against slow clients (defaults: DEFAULT_LIMITS in connections.ts). */
  readonly limits?: ConnectionLimits;
}

export interface RunningServer {
  /** Where to open the app on this machine (a loopback address when listening on all interfaces). */
  readonly url: string;
  /** Every address the server can be reached at: {@link url} first, then the machine's other addresses. */
  readonly urls: readonly string[];
  /** True when the server listens beyond loopback (other machines can connect). */
  readonly exposed: boolean;
  readonly port: number;
  /** The served project (tests, benchmarks). */
  readonly project: LabelingProject;
  /** Open, evicted and refused connections (tests, logs). */
  readonly connections: ConnectionGuard;
  close(): Promise<void>;
}

const VERSION = "0.1.0";
const MAX_PREDICT = 1000;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void> | void;

interface Route {
  readonly pattern: RegExp;
  readonly methods: Partial<Record<string, Handler>>;
}

function decodeParam(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ActiveLearnError("BAD_INPUT", `malformed percent-encoding in the path: "${s}"`);
  }
}

/**
 * The request target as a URL on this server. Only origin-form targets ("/path?query") are served;
 * anything else (absolute-form, "*", "//host", bad percent-encoding in the host) is a 400, never a throw
 * outside the error handling.
 */
export function requestUrl(target: string | undefined): URL {
  const t = target ?? "/";
  if (!t.startsWith("/") || t.startsWith("//")) throw new ActiveLearnError("BAD_INPUT", `malformed request target ${JSON.stringify(t.slice(0, 200))}: it must be a path starting with a single "/"`);
  try {
    return new URL(t, "http://localhost");
  } catch {
    throw new ActiveLearnError("BAD_INPUT", `malformed request target ${JSON.stringify(t.slice(0, 200))}`);
  }
}

function annotatorOf(url: URL): string {
  const p = new Problems();
  const a = p.person({ annotator: url.searchParams.get("annotator") ?? undefined }, "annotator", "query");
  check(p);
  return a;
}

function routes(project: LabelingProject, exporter: Exporter): Route[] {
  const api: Route[] = [
    {
      pattern: /^\/api\/next$/,
      methods: {
        GET: (_req, res, url) => {
          const ahead = url.searchParams.get("ahead");
          if (ahead !== null && ahead !== "0" && ahead !== "1") throw new BadOptionError([`query: ahead must be 0 or 1, got "${ahead}"`]);
          const item = project.next(annotatorOf(url), Date.now(), ahead === "1");
          if (item === null) {
            res.writeHead(204, { "cache-control": "no-store" });
            res.end();
          } else sendJson(res, 200, { item });
        },
      },
    },
    {
      pattern: /^\/api\/items\/([^/]+)\/label$/,
      methods: {
        POST: async (req, res, _url, [id]) => {
          const body = await readJson(req);
          const p = new Problems();
          p.onlyKnown(body, ["label", "annotator", "durationMs"]);
          const label = p.name(body, "label");
          if (label !== "" && !project.meta.labels.includes(label)) p.list.push(`body: unknown label "${label}"; the project's labels are ${project.meta.labels.map((l) => `"${l}"`).join(", ")}`);
          const annotator = p.person(body, "annotator");
          const durationMs = p.optionalDuration(body, "durationMs");
          check(p);
          const labeled = project.label(decodeParam(id), label, annotator, durationMs);
          sendJson(res, 201, { ok: true, labeled });
        },
        DELETE: (_req, res, url, [id]) => {
          const labeled = project.undo(decodeParam(id), annotatorOf(url));
          sendJson(res, 200, { ok: true, labeled });
        },
      },
    },
    {
      pattern: /^\/api\/items\/([^/]+)\/skip$/,
      methods: {
        POST: async (req, res, url, [id]) => {
          const body = await readJson(req);
          const p = new Problems();
          p.onlyKnown(body, ["annotator"]);
          // The annotator may come in the body or, for convenience, the query.
          const annotator = body.annotator === undefined && url.searchParams.has("annotator") ? annotatorOf(url) : p.person(body, "annotator");
          check(p);
          project.skip(decodeParam(id), annotator);
          sendJson(res, 200, { ok: true });
        },
        DELETE: (_req, res, url, [id]) => {
          project.unskip(decodeParam(id), annotatorOf(url));
          sendJson(res, 200, { ok: true });
        },
      },
    },
    { pattern: /^\/api\/stats$/, methods: { GET: (_req, res) => sendJson(res, 200, project.stats()) } },
    { pattern: /^\/api\/project$/, methods: { GET: (_req, res) => sendJson(res, 200, project.info()) } },
    { pattern: /^\/api\/dashboard$/, methods: { GET: (_req, res) => sendJson(res, 200, project.dashboard()) } },
    { pattern: /^\/api\/openapi\.json$/, methods: { GET: (_req, res) => sendJson(res, 200, openApiDocument(VERSION)) } },
    {
      pattern: /^\/api\/export$/,
      methods: {
        GET: async (_req, res, url) => {
          const format = url.searchParams.get("format") ?? "jsonl";
          if (format !== "jsonl" && format !== "csv") throw new BadOptionError([`query: format must be jsonl or csv, got "${format}"`]);
          const annotations = url.searchParams.get("annotations");
          if (annotations !== null && annotations !== "all") throw new BadOptionError([`query: annotations must be all (every annotation record), got "${annotations}"`]);
          const type = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
          // Streamed from the export worker a page at a time (chunked encoding), at the pace the
          // client reads: never the whole export as one string, never on this thread.
          res.writeHead(200, { "content-type": type, "content-disposition": `attachment; filename="${project.meta.name.replace(/[^\w.-]/g, "_")}-${annotations === null ? "labels" : "annotations"}.${format}"`, "cache-control": "no-store" });
          await exporter.stream(format, res, annotations === "all");
        },
      },
    },
    {
      pattern: /^\/api\/predict$/,
      methods: {
        POST: async (req, res) => {
          const body = await readJson(req);
          const p = new Problems();
          p.onlyKnown(body, ["items"]);
          const items = p.records(body, "items", MAX_PREDICT);
          if (p.list.length === 0) p.trainedFields(items, project.meta.fields);
          check(p);
          sendJson(res, 200, { predictions: project.predict(items) });
        },
      },
    },
  ];
  const html = (name: "index.html" | "dashboard.html"): Handler => (_req, res) => {
    const f = page(name, project.meta.name);
    res.writeHead(200, { "content-type": f.contentType, "content-length": f.body.length, "cache-control": "no-cache", ...SECURITY_HEADERS });
    res.end(f.body);
  };
  const pages: Route[] = [
    { pattern: /^\/$/, methods: { GET: html("index.html") } },
    { pattern: /^\/dashboard\/?$/, methods: { GET: html("dashboard.html") } },
    {
      pattern: /^\/static\/(.+)$/,
      methods: {
        GET: (_req, res, _url, [rel]) => {
          const f = staticFile(decodeParam(rel));
          if (f === null) throw new ActiveLearnError("NOT_FOUND", `no static file "${rel}"`);
          res.writeHead(200, { "content-type": f.contentType, "content-length": f.body.length, "cache-control": "no-cache", ...SECURITY_HEADERS });
          res.end(f.body);
        },
      },
    },
  ];
  return [...api, ...pages];
}

/**
 * Opens the project in `projectDir` and serves it.
 * @throws BadInputError when the folder holds no project database
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const quiet = options.quiet === true;
  const log = (line: string): void => {
    if (!quiet) process.stderr.write(`activelearn serve: ${line}\n`);
  };
  const project = new LabelingProject({
    dbPath: existingProjectDb(options.projectDir),
    ...(options.retrainEvery !== undefined ? { retrainEvery: options.retrainEvery } : {}),
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.auditEvery !== undefined ? { auditEvery: options.auditEvery } : {}),
    ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    ...(options.targetAccuracy !== undefined ? { targetAccuracy: options.targetAccuracy } : {}),
    log,
  });
  const exporter = new Exporter(project.store.path);
  const table = routes(project, exporter);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    let url = new URL("http://localhost/");
    try {
      url = requestUrl(req.url);
      for (const r of table) {
        const m = r.pattern.exec(url.pathname);
        if (m === null) continue;
        // HEAD is answered like GET for pages and files only: a HEAD on /api/next must not lease an item.
        const h = r.methods[method] ?? (method === "HEAD" && !url.pathname.startsWith("/api/") ? r.methods.GET : undefined);
        if (h === undefined) {
          const allow = Object.keys(r.methods).join(", ");
          throw Object.assign(new ActiveLearnError("NOT_ALLOWED", `${method} is not allowed on ${url.pathname}; allowed: ${allow}`), { allow });
        }
        await h(req, res, url, m.slice(1));
        return;
      }
      throw new ActiveLearnError("NOT_FOUND", `nothing at ${url.pathname}`);
    } catch (e) {
      const { status, body } = errorReply(e);
      if (status >= 500) log(`internal error on ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers: Record<string, string> = {};
      if (status === 413) headers.connection = "close";
      const allow = (e as { allow?: unknown }).allow;
      if (typeof allow === "string") headers.allow = allow;
      sendJson(res, status, body, headers);
    }
  };

  const limits = resolveLimits(options.limits);
  const server = http.createServer(serverOptions(limits), (req, res) => {
    // Last resort: whatever a handler or the error path throws, log it, answer if still possible,
    // and keep serving.
    handle(req, res).catch((e: unknown) => {
      log(`unhandled error on ${req.method ?? "?"} ${JSON.stringify(req.url ?? "")}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      try {
        if (!res.headersSent) sendJson(res, 500, errorReply(e).body);
        else res.destroy();
      } catch {
        res.destroy();
      }
    });
  });
  // A request that cannot even be parsed as HTTP, or too slow to arrive: a 4xx if the socket can
  // still take one (431 for a head over the size limit, 408 for a timeout, else 400).
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    socket.resume(); // drop the rest of what the client sends, so its end is seen and the socket closes
    setTimeout(() => socket.destroy(), 5000).unref();
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  // CONNECT (a proxy tunnel) is not served: a 405 rather than a silently dropped socket.
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    const body = JSON.stringify(errorReply(new ActiveLearnError("NOT_ALLOWED", "CONNECT is not allowed: this is not a proxy")).body);
    socket.on("error", () => socket.destroy());
    socket.resume(); // read (and drop) what the client sends, so its end is seen and the socket closes
    setTimeout(() => socket.destroy(), 5000).unref();
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  const connections = guardConnections(server, limits.maxConnections);
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8080, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    await project.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new BadOptionError([`port ${options.port ?? 8080} on ${host} is already in use (try --port 0 for any free port)`], "port");
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const urls = reachableUrls(host, port);
  let closing: Promise<void> | null = null;
  return {
    url: urls[0],
    urls,
    connections,
    exposed: !isLoopback(host),
    port,
    project,
    close(): Promise<void> {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          connections.destroyAll(); // sockets node:http no longer tracks (CONNECT, rejected heads)
        });
        await exporter.close();
        await project.close();
      })();
      return closing;
    },
  };
}
