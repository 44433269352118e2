/**
 * Limits against slow and idle clients on a node:http server: header, request and keep-alive
 * timeouts, and a cap on open connections that makes room for a new one by closing the oldest
 * connection with no request in progress (a slowloris socket still dribbling its headers, or an
 * idle keep-alive one). So a flood of slow connections can neither exhaust file descriptors nor
 * lock out a client that sends a whole request.
 *
 * @example
 * const server = http.createServer(serverTimeouts(), handler);
 * guardConnections(server, { maxConnections: 1000 });
 */
import type http from "node:http";
import type net from "node:net";

/** Timeouts and caps of the server; every field optional. */
export interface ConnectionLimits {
  /** Time to receive a request's headers, in ms (default 20 s). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, body included, in ms (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, in ms (default 10 s). */
  readonly keepAliveTimeoutMs?: number;
  /** Open connections at most (default 900: fits under the common open-file limit of 1024). */
  readonly maxConnections?: number;
  /** Largest request head (request line and headers), in bytes (default 16 KiB). */
  readonly maxHeaderSize?: number;
}

export const DEFAULT_LIMITS: Required<ConnectionLimits> = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 900,
  maxHeaderSize: 16 * 1024,
};

/** The limits with defaults filled in. */
export function resolveLimits(l: ConnectionLimits = {}): Required<ConnectionLimits> {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) };
}

/** node:http server options for the limits (timeouts are checked every second, not every 30). */
export function serverOptions(l: Required<ConnectionLimits>): http.ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    maxHeaderSize: l.maxHeaderSize,
    connectionsCheckingInterval: Math.min(1000, l.headersTimeoutMs),
  };
}

/** Counters of the guard, for tests and logs. */
export interface ConnectionGuard {
  /** Connections open now. */
  open(): number;
  /** Connections closed to make room for newer ones. */
  evicted(): number;
  /** Connections refused because every open one had a request in progress. */
  refused(): number;
  /** Closes every open connection (server shutdown). */
  destroyAll(): void;
}

/**
 * Caps the open connections of `server` at `maxConnections`. A connection over the cap closes
 * the oldest one that has no request in progress; when every open connection is serving a
 * request, the new one is refused (closed at once).
 */
export function guardConnections(server: http.Server, maxConnections: number): ConnectionGuard {
  // Insertion order = age: the first entry with no request in flight is the one to close.
  const inFlight = new Map<net.Socket, number>();
  let evicted = 0;
  let refused = 0;
  server.on("connection", (socket: net.Socket) => {
    if (inFlight.size >= maxConnections) {
      for (const [s, n] of inFlight) {
        if (n > 0) continue;
        inFlight.delete(s);
        s.destroy();
        evicted++;
        break;
      }
      if (inFlight.size >= maxConnections) {
        refused++;
        socket.destroy();
        return;
      }
    }
    inFlight.set(socket, 0);
    socket.once("close", () => inFlight.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const s = req.socket;
    const n = inFlight.get(s);
    if (n === undefined) return;
    inFlight.set(s, n + 1);
    res.once("close", () => {
      const m = inFlight.get(s);
      if (m !== undefined) inFlight.set(s, Math.max(0, m - 1));
    });
  });
  return {
    open: () => inFlight.size,
    evicted: () => evicted,
    refused: () => refused,
    destroyAll: () => {
      for (const s of inFlight.keys()) s.destroy();
      inFlight.clear();
    },
  };
}
