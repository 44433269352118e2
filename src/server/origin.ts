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
import net from "node:net";
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

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`, "i");

/**
 * The name an allowed host (`serve --allowed-host`, the allowedHosts option) adds: a DNS name,
 * an IPv4 address or an IPv6 address (bracketed when it has a port), with an optional port;
 * lower-cased, brackets and port dropped (the Host check compares names only). A problem naming
 * `option` for anything else (a URL, a path, a wildcard, a bad port).
 */
export function allowedHostName(raw: string, option = "--allowed-host"): { name: string } | { problem: string } {
  const bad = (why: string): { problem: string } => ({ problem: `option ${option}: ${JSON.stringify(raw.slice(0, 200))} ${why}` });
  const v = raw.trim();
  if (v === "") return bad("is empty: give a host name or address, e.g. label.example.org or 192.168.1.5");
  if (net.isIPv6(v)) return { name: v.toLowerCase() };
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(v);
  if (m === null) return bad("is not a host name or address with an optional port (e.g. label.example.org, label.example.org:8443, 192.168.1.5, [2001:db8::5]:8080)");
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return bad(`has port ${m[2]}, outside 1..65535`);
  const host = m[1];
  if (host.startsWith("[")) return net.isIPv6(host.slice(1, -1)) ? { name: host.slice(1, -1).toLowerCase() } : bad("has brackets around something that is not an IPv6 address");
  if (/^[\d.]+$/.test(host) && !net.isIPv4(host)) return bad("is not a valid IPv4 address");
  if (net.isIPv4(host) || HOSTNAME.test(host)) return { name: host.toLowerCase() };
  return bad("is not a host name or address (letters, digits, - and . only; no scheme, path or wildcard; e.g. label.example.org)");
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
  const h = host === undefined ? null : splitAuthority(host);
  if (o !== null) {
    if (h !== null && h.host === o.host && h.port === o.port) return null;
    if (s.loopback && LOOPBACK_NAMES.includes(o.host) && o.port === String(s.port)) return null;
  }
  // Behind a TLS proxy on the default port (serve --allowed-host NAME): the page is https://NAME and
  // the proxy forwards Host: NAME without a port. Only that exact pair: never another port of the host.
  const tls = /^https:\/\/([^/:]+|\[[0-9a-fA-F:.]+\])(?::443)?$/i.exec(origin);
  if (tls !== null && host !== undefined && h !== null && !/:\d{1,5}$/.test(host.replace(/^\[[^\]]*\]/, "")) && h.host === splitAuthority(tls[1])?.host && s.names.has(h.host)) return null;
  return `Origin ${JSON.stringify(origin.slice(0, 200))} is not this server's origin: a ${method.toUpperCase()} from another site's page is refused`;
}
