/**
 * `activelearn serve`: the REST API and the web app's files for one project: the hono app of
 * ./routes.ts on a node:http server of our own (timeouts, connection cap, 4xx for unparsable
 * requests and malformed request targets), through @hono/node-server's request listener.
 *
 * @example
 * const srv = await startServer({ projectDir: "proj", port: 0 });
 * console.log(srv.url); // http://127.0.0.1:40123/
 * await srv.close();
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError } from "@hono/node-server";
import { ActiveLearnError, BadOptionError } from "../errors.js";
import { isLoopback, reachableUrls } from "./address.js";
import { guardConnections, resolveLimits, serverOptions, type ConnectionGuard, type ConnectionLimits } from "./connections.js";
import { Exporter } from "./exporter.js";
import { existingProjectDb } from "../project/existing.js";
import { errorReply, jsonResponse, sendJson } from "./http.js";
import { allowedHostName, hostProblem, originProblem, serverNames, type ServerNames } from "./origin.js";
import { LabelingProject } from "./project.js";
import { apiApp, type ServerFaults } from "./routes.js";

export type { ServerFaults } from "./routes.js";

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
  /**
   * More names the Host header may give besides the bound address (and the loopback names on
   * loopback, the machine's addresses on 0.0.0.0/::): e.g. the DNS name of a proxy in front.
   * Host names or addresses with an optional port (the port is not compared); anything else is a
   * BadOptionError before the project is opened (see allowedHostName in ./origin.ts).
   */
  readonly allowedHosts?: readonly string[];
  /** Test-only fault injection and request observation (the CLI never sets it). */
  readonly faults?: ServerFaults;
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

/** True when a URL can be built from `http://${host}` with that very host (as @hono/node-server requires). */
export function usableHost(host: string | undefined): boolean {
  if (host === undefined || host === "") return false;
  try {
    const u = new URL(`http://${host}/`);
    return u.hostname.length === host.length || u.hostname === host.replace(/:\d+$/, "").toLowerCase();
  } catch {
    return false;
  }
}

/** The 421 of a foreign Host header or the 403 of a foreign Origin on a state-changing request, or null. */
function refusalOf(req: IncomingMessage, names: ServerNames): { status: number; code: "MISDIRECTED" | "FORBIDDEN"; message: string } | null {
  const host = hostProblem(req.headers.host, names);
  if (host !== null) return { status: 421, code: "MISDIRECTED", message: host };
  const origin = originProblem(req.method ?? "GET", req.headers.origin, req.headers.host, names);
  return origin === null ? null : { status: 403, code: "FORBIDDEN", message: origin };
}

/**
 * Opens the project in `projectDir` and serves it.
 * @throws BadInputError when the folder holds no project database
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const hostNames = (options.allowedHosts ?? []).map((h) => allowedHostName(h, "allowedHosts"));
  const hostProblems = hostNames.flatMap((h) => ("problem" in h ? [h.problem] : []));
  if (hostProblems.length > 0) throw new BadOptionError(hostProblems, "allowedHosts");
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
  const app = apiApp({ project, exporter, version: VERSION, log, ...(options.faults !== undefined ? { faults: options.faults } : {}) });
  const honoListener = getRequestListener((req, env) => app.fetch(req, env), {
    hostname: "localhost",
    // A request node-server cannot turn into a fetch Request (a bad Host header): a JSON 400.
    errorHandler: (e) => {
      if (e instanceof RequestError) return jsonResponse(400, errorReply(new ActiveLearnError("BAD_INPUT", `malformed request: ${e.message}`)).body, { connection: "close" });
      log(`unhandled error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return jsonResponse(500, errorReply(e).body);
    },
  });

  const limits = resolveLimits(options.limits);
  let names: ServerNames | null = null; // known once listening (the port)
  const server = http.createServer(serverOptions(limits), (req: IncomingMessage, res: ServerResponse) => {
    // Only origin-form targets reach hono: "//[", "http://%zz/", "*" are a 400 here, never a throw.
    try {
      requestUrl(req.url);
    } catch (e) {
      sendJson(res, errorReply(e).status, errorReply(e).body);
      return;
    }
    // DNS rebinding: a Host that is not one of this server's names is not for us (421); a
    // state-changing request from another site's page is refused (403).
    const refusal = names === null ? null : refusalOf(req, names);
    if (refusal !== null) {
      req.resume();
      sendJson(res, refusal.status, { error: { code: refusal.code, message: refusal.message } }, { connection: "close" });
      return;
    }
    // The Host header only names the URL hono sees (routing never uses it): one node-server could
    // not build a URL from ("x:99999", "a b", "[") is served as "localhost", as before hono.
    if (!usableHost(req.headers.host)) req.headers.host = "localhost";
    // Last resort: whatever the listener throws, log it, answer if still possible, keep serving.
    honoListener(req, res).catch((e: unknown) => {
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
  names = serverNames(host, port, hostNames.flatMap((h) => ("name" in h ? [h.name] : [])));
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
