/**
 * A local webhook receiver for tests: node:http on 127.0.0.1 with an ephemeral port. It checks
 * each request's signature, keeps the bodies, and answers with the status `reply` picks (or
 * never answers, for "hang").
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { EventBody } from "./events.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "./signature.js";

export interface Received {
  readonly body: EventBody;
  readonly raw: string;
  readonly verified: boolean;
  readonly headers: http.IncomingHttpHeaders;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

/** Starts a receiver; `reply(n)` gives the status of the n-th request (0-based), or "hang". */
export async function startReceiver(secret: string, reply: (n: number) => number | "hang" = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const verified = verifySignature({ secret, body: raw, timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()], signature: req.headers[SIGNATURE_HEADER.toLowerCase()] });
      const n = received.length;
      received.push({ body: JSON.parse(raw) as EventBody, raw, verified, headers: req.headers });
      const r = reply(n);
      if (r === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(r, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
