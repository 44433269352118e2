/**
 * Who may talk to the server from a browser: the `Host` header must name this server (against
 * DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends
 * `Host: evil.example`), and a state-changing request that carries an `Origin` must come from
 * this server's own origin (against a page on another origin posting a form or a fetch at the
 * labeling API).
 *
 * @example
 * const names = serverNames("127.0.0.1", 8080, []);
 * hostProblem("evil.example:8080", names) // "Host header \"evil.example:8080\" does not name this server ..."
 * originProblem("POST", "http://evil.example", "127.0.0.1:8080", names) // "... Origin ..."
 */
import os from "node:os";
import { isLoopback } from "./address.js";

/** The host names (lower case, IPv6 without brackets, no port) this server answers to. */
export interface ServerNames {
  readonly names: ReadonlySet<string>;
  readonly loopback: boolean;
  readonly port: number;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

/**
 * The names of a server bound to `host`:`port`: the bound address; on loopback also
 * localhost, 127.0.0.1 and ::1; on a wildcard address (0.0.0.0, ::) every address of the
 * machine's interfaces and its host name too; plus `allowedHosts` (e.g. a DNS name in front of it).
 */
export function serverNames(host: string, port: number, allowedHosts: readonly string[] = [], interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): ServerNames {
  const bare = (h: string): string => h.replace(/^\[|\]$/g, "").toLowerCase();
  const names = new Set<string>([bare(host), ...allowedHosts.map(bare)]);
  const loopback = isLoopback(host);
  const wildcard = bare(host) === "0.0.0.0" || bare(host) === "::";
  if (loopback || wildcard) for (const n of LOOPBACK_NAMES) names.add(n);
  if (wildcard) {
    names.add(os.hostname().toLowerCase());
    for (const list of Object.values(interfaces)) for (const i of list ?? []) names.add(bare(i.address));
  }
  return { names, loopback, port };
}

/** The host name and port of a `Host` header or an origin's authority, or null if it is not one. */
function splitAuthority(authority: string): { host: string; port: string } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/.exec(authority);
  if (m === null) return null;
  return { host: m[1].replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, ""), port: m[2] ?? "80" };
}

/**
 * Why a request with this `Host` header is not for this server, or null when it is (a missing
 * header too: only a browser is led astray by DNS rebinding, and browsers always send one).
 */
export function hostProblem(host: string | undefined, s: ServerNames): string | null {
  if (host === undefined) return null;
  const a = splitAuthority(host);
  if (a !== null && s.names.has(a.host)) return null;
  return `Host header ${JSON.stringify(host.slice(0, 200))} does not name this server (it answers to ${[...s.names].map((n) => (n.includes(":") ? `[${n}]` : n)).join(", ")}; add a name with the allowedHosts server option)`;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing request (anything but GET, HEAD, OPTIONS) from `origin` is refused, or
 * null. No Origin header (curl, the CLI, same-origin GETs) is fine; otherwise it must be
 * `http://` + the request's own Host, or, on a loopback server, a loopback name with this port.
 */
export function originProblem(method: string, origin: string | undefined, host: string | undefined, s: ServerNames): string | null {
  if (origin === undefined || SAFE.has(method.toUpperCase())) return null;
  // The server speaks plain http, so its own pages' origin is http://HOST[:PORT].
  const m = /^http:\/\/([^/]+)$/i.exec(origin);
  const o = m === null ? null : splitAuthority(m[1]);
  if (o !== null) {
    const h = host === undefined ? null : splitAuthority(host);
    if (h !== null && h.host === o.host && h.port === o.port) return null;
    if (s.loopback && LOOPBACK_NAMES.includes(o.host) && o.port === String(s.port)) return null;
  }
  return `Origin ${JSON.stringify(origin.slice(0, 200))} is not this server's origin: a ${method.toUpperCase()} from another site's page is refused`;
}
