/**
 * UTF-8 validation over raw bytes, so non-UTF-8 input is reported with a byte offset instead
 * of being silently decoded to U+FFFD.
 *
 * Rejects everything the Unicode standard rejects: stray continuation bytes, the lead bytes
 * 0xC0, 0xC1 and 0xF5–0xFF, overlong encodings, UTF-16 surrogates (U+D800–U+DFFF), code points
 * above U+10FFFF and sequences cut short.
 */
import { isUtf8 } from "node:buffer";

/** Result of checking one sequence: its length when valid, else INVALID or TRUNCATED. */
const INVALID = -1;
const TRUNCATED = -2;

/**
 * Checks the sequence starting at `i` (which must be < `end`).
 * Returns its byte length when valid, TRUNCATED when it is a correct prefix cut off by `end`,
 * INVALID otherwise.
 */
function checkSequence(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  let need: number;
  // Bounds for the first continuation byte; they exclude overlongs, surrogates and > U+10FFFF.
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) {
    need = 1;
  } else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else {
    return INVALID;
  }
  if (i + 1 >= end) return TRUNCATED;
  const b1 = bytes[i + 1];
  if (b1 < lo || b1 > hi) return INVALID;
  for (let k = 2; k <= need; k++) {
    if (i + k >= end) return TRUNCATED;
    if ((bytes[i + k] & 0xc0) !== 0x80) return INVALID;
  }
  return need + 1;
}

/**
 * Finds the first invalid UTF-8 sequence in `bytes[start, end)`.
 *
 * A sequence cut off by `end` counts as invalid (use {@link incompleteUtf8Tail} first when more
 * bytes may follow).
 *
 * @param bytes - the raw bytes
 * @param start - offset to start checking at (default 0); must be the start of a sequence
 * @param end - offset to stop at (default `bytes.length`)
 * @returns the byte offset of the first byte of the first invalid sequence, or -1 if all valid
 *
 * @example
 * findInvalidUtf8(new Uint8Array([0x61, 0xc0, 0xaf])); // 1 (overlong "/")
 */
export function findInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  // Node's native check (the same rules) clears valid text at once; the scan below only locates a bad byte.
  if (isUtf8(bytes.subarray(start, end))) return -1;
  let i = start;
  while (i < end) {
    // Fast path for runs of ASCII.
    if (bytes[i] < 0x80) {
      i++;
      continue;
    }
    const n = checkSequence(bytes, i, end);
    if (n < 0) return i;
    i += n;
  }
  return -1;
}

/**
 * Length (0–3) of an incomplete but so-far-valid multi-byte sequence at the end of
 * `bytes[0, end)`: the bytes a streaming reader must carry over to the next chunk.
 * Returns 0 when the tail is complete or already invalid (so validation reports it).
 */
export function incompleteUtf8Tail(bytes: Uint8Array, end = bytes.length): number {
  for (let k = 1; k <= 3 && k <= end; k++) {
    const b = bytes[end - k];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    if (b < 0x80) return 0;
    return checkSequence(bytes, end - k, end) === TRUNCATED ? k : 0;
  }
  return 0;
}

/** Formats a byte as `0xAB`. */
export function hexByte(b: number): string {
  return "0x" + b.toString(16).toUpperCase().padStart(2, "0");
}

/** A wide Unicode encoding that is not UTF-8, as {@link detectWideEncoding} finds it. */
export interface WideEncoding {
  /** "UTF-16" or "UTF-32". */
  readonly encoding: "UTF-16" | "UTF-32";
  readonly byteOrder: "little-endian" | "big-endian";
  /** Whether the file starts with a byte-order mark (else it was told by its NUL bytes). */
  readonly bom: boolean;
}

/**
 * Tells a UTF-16 or UTF-32 file by its first bytes: a byte-order mark (FF FE 00 00, 00 00 FE FF,
 * FF FE, FE FF), or without one the NUL-byte pattern that ASCII characters leave (x 00 in
 * UTF-16LE, 00 x in UTF-16BE, x 00 00 00 and 00 00 00 x in UTF-32). Looks at most at the first
 * 4096 bytes; undefined for UTF-8 (and for anything it cannot tell).
 *
 * @example
 * detectWideEncoding(Buffer.from("\uFEFFa,b\n", "utf16le")); // { encoding: "UTF-16", byteOrder: "little-endian", bom: true }
 */
export function detectWideEncoding(bytes: Uint8Array): WideEncoding | undefined {
  const at = (i: number): number => (i < bytes.length ? bytes[i] : -1);
  if (at(0) === 0xff && at(1) === 0xfe && at(2) === 0 && at(3) === 0) return { encoding: "UTF-32", byteOrder: "little-endian", bom: true };
  if (at(0) === 0 && at(1) === 0 && at(2) === 0xfe && at(3) === 0xff) return { encoding: "UTF-32", byteOrder: "big-endian", bom: true };
  if (at(0) === 0xff && at(1) === 0xfe) return { encoding: "UTF-16", byteOrder: "little-endian", bom: true };
  if (at(0) === 0xfe && at(1) === 0xff) return { encoding: "UTF-16", byteOrder: "big-endian", bom: true };
  const n = Math.min(bytes.length, 4096) & ~3;
  if (n < 4) return undefined;
  // Share of NUL bytes at each position mod 4.
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i & 3]++;
  if (zeros[0] + zeros[1] + zeros[2] + zeros[3] === 0) return undefined;
  const share = zeros.map((z) => z / (n / 4));
  // ASCII characters (delimiters, digits, line ends) leave NULs in the high bytes; non-Latin text
  // fills them, so "high" asks only for a quarter.
  const high = (s: number): boolean => s >= 0.25;
  const low = (s: number): boolean => s <= 0.05;
  if (low(share[0]) && high(share[1]) && share[2] >= 0.9 && share[3] >= 0.9) return { encoding: "UTF-32", byteOrder: "little-endian", bom: false };
  if (share[0] >= 0.9 && share[1] >= 0.9 && high(share[2]) && low(share[3])) return { encoding: "UTF-32", byteOrder: "big-endian", bom: false };
  if (low(share[0]) && low(share[2]) && high(share[1]) && high(share[3])) return { encoding: "UTF-16", byteOrder: "little-endian", bom: false };
  if (high(share[0]) && high(share[2]) && low(share[1]) && low(share[3])) return { encoding: "UTF-16", byteOrder: "big-endian", bom: false };
  return undefined;
}

/** "is UTF-16 (little-endian); save it as UTF-8": the message for a wide-encoded file. */
export function wideEncodingMessage(w: WideEncoding): string {
  return `this file is ${w.encoding} (${w.byteOrder}${w.bom ? ", with a byte-order mark" : ""}), not UTF-8; save it as UTF-8 (e.g. "CSV UTF-8" in Excel's Save As, or iconv -f ${w.encoding}${w.byteOrder === "little-endian" ? "LE" : "BE"} -t UTF-8)`;
}
