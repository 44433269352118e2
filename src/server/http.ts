/**
 * HTTP plumbing: the one place error codes become statuses, JSON replies, and bodies read with a
 * size limit and parsed with messages that say what is wrong.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ActiveLearnError, type ErrorCode } from "../errors.js";

/** HTTP status of each error code. Anything not an ActiveLearnError is a 500. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  BAD_OPTION: 400,
  SHAPE_MISMATCH: 400,
  NOT_FOUND: 404,
  NOT_ALLOWED: 405,
  CONFLICT: 409,
  NOT_FITTED: 409,
  EMPTY_POOL: 409,
  TOO_LARGE: 413,
  TOO_MANY_LEASES: 429,
  TOO_MANY_ATTEMPTS: 429,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MISDIRECTED: 421,
  /** A model backend (`--model http://…`) did not answer, or answered something unusable. */
  MODEL_BACKEND: 502,
};

/** Default body limit: 1 MiB. */
export const BODY_LIMIT = 1 << 20;

/** The JSON error body and status of any thrown value. */
export function errorReply(e: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (e instanceof ActiveLearnError) return { status: STATUS_OF[e.code], body: { error: { code: e.code, message: e.message } } };
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal error (see the server log)" } } };
}

/** A JSON reply as a fetch Response (the hono handlers' way of answering). */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/** Writes a JSON reply on a raw node response (before hono sees the request, and for CONNECT). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...headers });
  res.end(text);
}

/**
 * Reads the whole body; past `limit` bytes stops reading and throws TOO_LARGE (the connection is
 * closed after the reply, so the rest is never read).
 */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard; the reply closes the connection
    return Promise.reject(new ActiveLearnError("TOO_LARGE", `request body of ${declared} bytes is over the limit of ${limit} bytes`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new ActiveLearnError("TOO_LARGE", `request body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!over) reject(e);
    });
  });
}

/** Whether a Content-Type header is application/json (parameters allowed, charset only utf-8). */
export function isJsonType(ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const [type, ...params] = ct.split(";").map((s) => s.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => !p.startsWith("charset=") || /^charset="?utf-8"?$/.test(p));
}

/**
 * Reads and parses a JSON object body. Empty bodies are `{}` (no Content-Type needed); any
 * other body must be sent as `Content-Type: application/json` (415 otherwise: a form on another
 * site can post text/plain without asking, never application/json).
 */
export async function readJson(req: IncomingMessage, limit = BODY_LIMIT): Promise<Record<string, unknown>> {
  const ct = req.headers["content-type"];
  const raw = await readBody(req, limit);
  if (raw.length === 0) return {};
  if (!isJsonType(ct)) throw new ActiveLearnError("UNSUPPORTED_MEDIA_TYPE", `header Content-Type: the body must be sent as application/json (UTF-8), got ${ct === undefined ? "none" : JSON.stringify(ct.slice(0, 100))}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    throw new ActiveLearnError("BAD_INPUT", `malformed JSON body: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ActiveLearnError("BAD_INPUT", "the JSON body must be an object");
  return parsed as Record<string, unknown>;
}
