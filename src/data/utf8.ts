/**
 * UTF-8 validation over raw bytes, so non-UTF-8 input is reported with a byte offset instead
 * of being silently decoded to U+FFFD.
 *
 * Rejects everything the Unicode standard rejects: stray continuation bytes, the lead bytes
 * 0xC0, 0xC1 and 0xF5–0xFF, overlong encodings, UTF-16 surrogates (U+D800–U+DFFF), code points
 * above U+10FFFF and sequences cut short.
 */

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
