/**
 * The rules for a person's name (an annotator, a user account), shared by the API's validation
 * and the accounts: NFC-normalised and trimmed, not empty, at most {@link MAX_NAME} characters
 * (code points), without control characters (C0, DEL, C1), bidirectional controls (which can make
 * one name display as another) or lone surrogates.
 *
 * @example
 * personName(" ana ") // { name: "ana" }
 * personName("a\u202eb") // { problem: "must not contain bidirectional control characters (found U+202E at position 1)" }
 */

/** Longest accepted person name, in characters (code points) after normalisation. */
export const MAX_NAME = 200;

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional embeddings, overrides and isolates, and the LRM/RLM/ALM marks.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The normalised name, or what is wrong with it (a phrase to follow the field's name, e.g.
 * `field "annotator" must not be empty`).
 */
export function personName(v: string): { readonly name: string } | { readonly problem: string } {
  if (LONE_SURROGATE.test(v)) return { problem: "holds a lone surrogate (not valid Unicode text)" };
  const s = v.normalize("NFC").trim();
  if (s === "") return { problem: "must not be empty" };
  const bad = CONTROL.exec(s) ?? BIDI.exec(s);
  if (bad !== null) return { problem: `must not contain ${CONTROL.test(s) ? "control" : "bidirectional control"} characters (found U+${(bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")} at position ${bad.index})` };
  if ([...s].length > MAX_NAME) return { problem: `is longer than ${MAX_NAME} characters` };
  return { name: s };
}
