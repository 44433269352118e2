/**
 * Login sessions for the web app's cookie: a random id (32 bytes, base64url) given to the
 * browser once, stored only as its SHA-256 (an id has 256 random bits, so a fast hash suffices:
 * the stored value cannot be turned back into a cookie), with an expiry. Pure functions over the
 * {@link Store}.
 *
 * @example
 * const s = createSession(store, user.id, Date.now()); // Set-Cookie: al_session=s.id; HttpOnly; SameSite=Strict
 * verifySession(store, cookieValue, Date.now()) // the User, or null (unknown, expired, account gone or disabled)
 */
import crypto from "node:crypto";
import type { Store } from "../store/types.js";
import { newSecret } from "./token.js";
import { publicUser, type User } from "./users.js";

/** How long a session lasts by default: 12 hours. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;

const hashId = (id: string): string => crypto.createHash("sha256").update(id).digest("hex");
const SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Starts a session for `userId`; the id is returned once (for the cookie), only its hash is kept. */
export function createSession(store: Store, userId: number, now: number, ttlMs = SESSION_TTL_MS): { id: string; expiresAt: number } {
  const id = newSecret();
  const expiresAt = now + ttlMs;
  store.addSession({ idHash: hashId(id), userId, createdAt: now, expiresAt });
  return { id, expiresAt };
}

/** The enabled account of a live session, or null; an expired session is removed on sight. */
export function verifySession(store: Store, id: string | null | undefined, now: number): User | null {
  if (typeof id !== "string" || !SHAPE.test(id)) return null;
  const s = store.session(hashId(id));
  if (s === undefined) return null;
  if (s.expiresAt <= now) {
    store.deleteSession(s.idHash);
    return null;
  }
  const u = store.user(s.userId);
  return u === undefined || u.disabled ? null : publicUser(u);
}

/**
 * The CSRF token of a session, for the page to send back in a header on every state-changing
 * request: derived from the session id (SHA-256 of a fixed prefix and the id), so a page on
 * another origin, which cannot read the HttpOnly cookie, cannot make it, and nothing more is stored.
 */
export function csrfToken(sessionId: string): string {
  return crypto.createHash("sha256").update(`activelearn-csrf:${sessionId}`).digest("base64url");
}

/** Whether `presented` is the CSRF token of the session (compared in constant time). */
export function checkCsrf(sessionId: string, presented: string | null | undefined): boolean {
  if (typeof presented !== "string") return false;
  const want = Buffer.from(csrfToken(sessionId));
  const got = Buffer.from(presented);
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/** Ends a session (logout); unknown ids are ignored. */
export function revokeSession(store: Store, id: string): void {
  if (SHAPE.test(id)) store.deleteSession(hashId(id));
}
