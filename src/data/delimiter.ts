/** CSV delimiter options and sniffing the delimiter from the header line. */
import { BadOptionError } from "../errors.js";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** `,` tab `;`: the candidates, in tie-breaking order. */
const CANDIDATES = [0x2c, 0x09, 0x3b];

/**
 * Validates a delimiter option, returning its char code.
 * @throws BadOptionError unless it is `,` `;` tab (`"\t"`, `"\\t"` or `"tab"`)
 */
export function delimiterCode(delimiter: string): number {
  if (delimiter === "," || delimiter === ";" || delimiter === "\t") return delimiter.charCodeAt(0);
  if (delimiter === "tab" || delimiter === "\\t") return 0x09;
  throw new BadOptionError([`--delimiter must be ",", ";" or tab, not ${JSON.stringify(delimiter)}`], "delimiter");
}

/**
 * Buffers the start of a CSV text until its header line (the first non-blank line, ended by a
 * newline outside quotes) is complete, then picks the candidate delimiter that occurs most often
 * in it outside quotes (ties: `,` then tab then `;`; none: `,`).
 */
export class DelimiterSniffer {
  private buf = "";
  private pos = 0;
  private inQuote = false;
  private seen = false;

  /** Adds text; returns the delimiter's char code once the header line is complete, else 0. */
  feed(chunk: string): number {
    this.buf += chunk;
    const s = this.buf;
    let i = this.pos;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) this.inQuote = !this.inQuote;
      else if (!this.inQuote && (c === LF || c === CR)) {
        if (this.seen) break;
        continue;
      }
      this.seen = true;
    }
    this.pos = i;
    return i < s.length ? this.decide() : 0;
  }

  /** At the end of input: decides from whatever was buffered. */
  finish(): number {
    return this.decide();
  }

  /** Takes the buffered text (to be parsed with the chosen delimiter). */
  take(): string {
    const s = this.buf;
    this.buf = "";
    return s;
  }

  private decide(): number {
    const s = this.buf;
    const counts = CANDIDATES.map(() => 0);
    let inQuote = false;
    for (let j = 0; j < this.pos; j++) {
      const c = s.charCodeAt(j);
      if (c === QUOTE) inQuote = !inQuote;
      else if (!inQuote) {
        const k = CANDIDATES.indexOf(c);
        if (k >= 0) counts[k]++;
      }
    }
    let best = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;
    return CANDIDATES[best];
  }
}
