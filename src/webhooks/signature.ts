/**
 * Webhook signatures: HMAC-SHA256 with the receiver's secret over `TIMESTAMP.BODY` (the Unix
 * time in seconds from the `X-Activelearn-Timestamp` header, a dot, the raw body bytes), sent as
 * `X-Activelearn-Signature: sha256=HEX`. Signing the timestamp lets a receiver refuse replays:
 * {@link verifySignature} rejects a timestamp more than `toleranceSec` (default 300) from its clock.
 *
 * @example
 * // in a receiver, with the raw body as received (before any JSON parsing):
 * const ok = verifySignature({ secret, body: raw, timestamp: req.headers["x-activelearn-timestamp"], signature: req.headers["x-activelearn-signature"] });
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Activelearn-Signature";
export const TIMESTAMP_HEADER = "X-Activelearn-Timestamp";
export const EVENT_HEADER = "X-Activelearn-Event";
/** The event id (the same on every retry of it). */
export const ID_HEADER = "X-Activelearn-Id";

/** The signature header's value: `sha256=` and the hex HMAC-SHA256 of `timestamp.body`. */
export function sign(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest("hex")}`;
}

export interface VerifyInput {
  readonly secret: string;
  /** The raw body bytes as received. */
  readonly body: string | Buffer;
  /** The X-Activelearn-Timestamp header (Unix seconds). */
  readonly timestamp: string | string[] | undefined;
  /** The X-Activelearn-Signature header. */
  readonly signature: string | string[] | undefined;
  /** The receiver's clock in ms (default Date.now()). */
  readonly now?: number;
  /** Largest accepted distance between the timestamp and `now`, in seconds (default 300). */
  readonly toleranceSec?: number;
}

/**
 * True when the signature is the body's and the timestamp is recent. The comparison is constant
 * time (a mismatch's position leaks nothing).
 */
export function verifySignature(v: VerifyInput): boolean {
  if (typeof v.timestamp !== "string" || typeof v.signature !== "string" || !/^\d{1,12}$/.test(v.timestamp)) return false;
  const ts = Number(v.timestamp);
  const now = (v.now ?? Date.now()) / 1000;
  if (Math.abs(now - ts) > (v.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(sign(v.secret, ts, v.body));
  const given = Buffer.from(v.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
