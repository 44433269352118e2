/**
 * Who is asking: the account a login token, a session id or a name and password belongs to.
 * Pure functions over the {@link Store} (read at every call, so an account added, reset or
 * removed by `activelearn users` while the server runs counts at once). A token names its user
 * id, so the check is one primary-key read and one scrypt in constant time; a
 * {@link VerifiedTokens} cache spares the scrypt on the next requests with the same token (it
 * keys by the token's SHA-256 and holds only while the stored hash is the one it was checked
 * against, so a reset or removal ends it).
 *
 * @example
 * const cache = new VerifiedTokens();
 * const user = await authenticate(store, bearerToken(req.headers.authorization), cache); // null: 401
 */
import crypto from "node:crypto";
import type { Store } from "../store/types.js";
import { DEFAULT_SCRYPT, hashSecret, verifySecret } from "./hash.js";
import { verifySession } from "./sessions.js";
import { parseToken } from "./token.js";
import { publicUser, type User } from "./users.js";

const sha256 = (s: string): string => crypto.createHash("sha256").update(s).digest("hex");

/** Tokens already checked against a stored hash (a bounded map, oldest use dropped first). */
export class VerifiedTokens {
  private readonly map = new Map<string, { userId: number; tokenHash: string }>();
  constructor(private readonly capacity = 1000) {}

  /** The user id `token` was verified for against `tokenHash`, if it still is. */
  get(token: string, userId: number, tokenHash: string): boolean {
    const key = sha256(token);
    const hit = this.map.get(key);
    if (hit === undefined || hit.userId !== userId || hit.tokenHash !== tokenHash) return false;
    this.map.delete(key);
    this.map.set(key, hit);
    return true;
  }

  set(token: string, userId: number, tokenHash: string): void {
    const key = sha256(token);
    this.map.delete(key);
    this.map.set(key, { userId, tokenHash });
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * The enabled account a bearer token belongs to, or null (no token, malformed, unknown user,
 * wrong secret, disabled account).
 */
export async function authenticate(store: Store, token: string | null | undefined, cache?: VerifiedTokens): Promise<User | null> {
  if (typeof token !== "string") return null;
  const t = parseToken(token);
  if (t === null) return null;
  const u = store.user(t.userId);
  if (u === undefined || u.disabled) return null;
  if (cache?.get(token, u.id, u.tokenHash) === true) return publicUser(u);
  if (!(await verifySecret(t.secret, u.tokenHash))) return null;
  // Re-read: the account may have been reset or removed during the hash.
  const now = store.user(t.userId);
  if (now === undefined || now.disabled || now.tokenHash !== u.tokenHash) return null;
  cache?.set(token, u.id, u.tokenHash);
  return publicUser(now);
}

/** A hash to check against when the name is unknown, so such a login takes as long as a wrong password. */
let decoy: Promise<string> | undefined;

/**
 * The enabled account with this name and password, or null. An unknown name or an account
 * without a password costs the same scrypt as a wrong password (no timing tells which names exist).
 */
export async function loginWithPassword(store: Store, name: string, password: string): Promise<User | null> {
  const u = store.userByName(name.normalize("NFC").trim());
  if (u === undefined || u.passwordHash === null) {
    decoy ??= hashSecret("decoy", DEFAULT_SCRYPT);
    await verifySecret(password, await decoy);
    return null;
  }
  const ok = await verifySecret(password, u.passwordHash);
  return ok && !u.disabled ? publicUser(u) : null;
}

/**
 * The account of a request: its bearer token if it sends one (a bad token is null, never a
 * fallback to the cookie), else its session cookie's id. `via` says which, for the CSRF check
 * (needed on state-changing requests of a session, not of a token: a page on another origin
 * cannot set an Authorization header without the token).
 */
export async function identify(store: Store, request: { readonly bearer: string | null; readonly sessionId: string | null }, now: number, cache?: VerifiedTokens): Promise<{ user: User; via: "token" | "session" } | null> {
  if (request.bearer !== null) {
    const user = await authenticate(store, request.bearer, cache);
    return user === null ? null : { user, via: "token" };
  }
  const user = verifySession(store, request.sessionId, now);
  return user === null ? null : { user, via: "session" };
}
