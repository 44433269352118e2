/**
 * The web login's cookie and redirect target: reading the session id from a `Cookie` header,
 * writing the `Set-Cookie` of a new or ended session, and checking where a login may send the
 * browser afterwards (`next`: a path on this server, never another site).
 *
 * The cookie is `al_session=<id>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<session length>`:
 * HttpOnly (page scripts, including an injected one, cannot read it), SameSite=Strict (a page of
 * another site cannot make the browser send it). `Secure` is added when the request itself came
 * over TLS; `X-Forwarded-Proto` is not trusted (any client can send it), so behind a TLS proxy
 * the cookie goes without `Secure` (the browser still only sends it to this host).
 *
 * @example
 * cookieValue("a=1; al_session=abc", SESSION_COOKIE) // "abc"
 * sessionCookie(id, 43200, false) // "al_session=...; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"
 * safeNext("https://evil.example/") // "/"
 */

/** The session cookie's name. */
export const SESSION_COOKIE = "al_session";

/** The value of cookie `name` in a `Cookie` header (the first one of that name), or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined || header.length > 16_384) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const flags = (secure: boolean): string => `Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;

/** The Set-Cookie value of a session (its id is base64url: no quoting needed). */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; ${flags(secure)}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${flags(secure)}; Max-Age=0`;
}

const PROBE_ORIGIN = "http://next.invalid";

/**
 * Where a login may send the browser: `raw` when it is a path on this server ("/", "/dashboard?x=1"),
 * else "/". Refused: anything not starting with a single "/" ("//evil.example", "/\\evil.example",
 * "https://…", "javascript:…"), whitespace and control characters (a browser drops tabs and
 * newlines: "/\t/evil.example" would become "//evil.example"), over 2,000 characters, and the
 * login page itself (no loop).
 */
export function safeNext(raw: string | null | undefined): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\s\\]/.test(raw) || [...raw].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return "/";
  let u: URL;
  try {
    u = new URL(raw, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  if (u.origin !== PROBE_ORIGIN) return "/";
  if (u.pathname === "/login" || u.pathname.startsWith("/api/")) return "/";
  return u.pathname + u.search + u.hash;
}
