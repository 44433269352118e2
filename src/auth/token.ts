/**
 * Login tokens: `<user id>.<secret>`, the secret 32 random bytes in base64url. The id prefix
 * makes the lookup one primary-key read; only the scrypt hash of the secret is stored (hash.ts), so the token is
 * shown once, when it is made.
 *
 * @example
 * const t = formatToken(7, newSecret()); // "7.Xq3...": parseToken(t) → { userId: 7, secret: "Xq3..." }
 */
import crypto from "node:crypto";

const TOKEN_BYTES = 32;

/** A fresh secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return crypto.randomBytes(TOKEN_BYTES).toString("base64url");
}

/** The token of user `userId` with `secret`. */
export function formatToken(userId: number, secret: string): string {
  return `${userId}.${secret}`;
}

/** The user id a token names and its secret part, or null when it is not shaped like a token. */
export function parseToken(token: string): { userId: number; secret: string } | null {
  const m = /^([1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (m === null) return null;
  const userId = Number(m[1]);
  return Number.isSafeInteger(userId) ? { userId, secret: m[2] } : null;
}

/** The token of an `Authorization: Bearer TOKEN` header value, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  if (typeof header !== "string") return null;
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  return m === null ? null : m[1];
}
