/**
 * Slow salted hashes of secrets (login tokens, passwords) with node:crypto's scrypt. A hash is
 * stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url), so its parameters travel with it
 * and can be raised later without breaking stored hashes. Checks compare in constant time
 * (crypto.timingSafeEqual). Both run on libuv's thread pool, never blocking the event loop
 * (about 30 ms each at the default N = 2^14 on this class of machine).
 *
 * @example
 * const h = await hashSecret("hunter2"); // "scrypt$16384$8$1$...$..."
 * await verifySecret("hunter2", h) // true
 */
import crypto from "node:crypto";

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The parameters new hashes get (Node's defaults; 16 MiB of memory per hash). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** The memory a stored hash may ask for (a damaged or hostile row must not exhaust the machine). */
const MAX_MEMORY = 64 * 1024 * 1024;

function scrypt(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(secret.normalize("NFC"), salt, HASH_BYTES, { ...params, maxmem: 128 * params.N * params.r + 1024 * 1024 }, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

/** A new hash of `secret` with a fresh random salt. */
export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(secret, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** The parts of a stored hash, or null when it is not one this code writes (or asks for too much memory). */
export function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = /^scrypt\$(\d{1,9})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/.exec(stored);
  if (m === null) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || r < 1 || p < 1 || p > 16 || 128 * N * r > MAX_MEMORY) return null;
  const key = Buffer.from(m[5], "base64url");
  if (key.length !== HASH_BYTES) return null;
  return { params: { N, r, p }, salt: Buffer.from(m[4], "base64url"), key };
}

/** Whether `secret` matches a stored hash (false for a malformed hash), compared in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (h === null) return false;
  const key = await scrypt(secret, h.salt, h.params);
  return crypto.timingSafeEqual(key, h.key);
}
