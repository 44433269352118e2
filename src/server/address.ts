/** Where a server listening on a host can be reached, and whether other machines can reach it. */
import os from "node:os";

/** Whether only this machine can connect to a server listening on `host`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

/**
 * The URLs a server listening on `host`:`port` is reachable at. A wildcard host (0.0.0.0, ::)
 * gives loopback first, then every other address of the machine's interfaces (IPv6 too for ::,
 * link-local addresses left out: they need a zone to be usable).
 */
export function reachableUrls(host: string, port: number, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  const url = (a: string): string => `http://${a.includes(":") ? `[${a}]` : a}:${port}/`;
  const h = host.replace(/^\[|\]$/g, "");
  if (h !== "0.0.0.0" && h !== "::") return [url(h)];
  const out = [url("127.0.0.1")];
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      if (i.internal || (i.family === "IPv6" && (h === "0.0.0.0" || /^fe80:/i.test(i.address)))) continue;
      const u = url(i.address);
      if (!out.includes(u)) out.push(u);
    }
  }
  return out;
}
