/**
 * Command-line flag parsing against a declared spec: `--name value` or `--name=value`,
 * kebab-case names. Every problem (unknown flag, missing value, bad number, missing required
 * flag, an input file that does not exist, an output path that cannot be written) is collected
 * and reported at once.
 */
import { BadOptionError, didYouMean } from "../errors.js";
import { inputProblem, outputProblem } from "./paths.js";

export type FlagType = "string" | "number" | "int" | "boolean";

export interface FlagSpec {
  readonly type: FlagType;
  readonly required?: boolean;
  readonly help: string;
  /**
   * A string flag that names a path: "input" (a file that must exist and be readable),
   * "input-or-folder" (the same, or a readable folder),
   * "output-file" (a file to write: its folder must exist and be writable) or "output-dir" (a
   * folder to write into, created if missing). Checked with the other problems, all at once.
   */
  readonly path?: "input" | "input-or-folder" | "output-file" | "output-dir";
  /** A string flag that may be given more than once: the values are joined with "," (read it with {@link list}). */
  readonly repeatable?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

export interface ParsedArgs {
  readonly flags: FlagValues;
  readonly positional: string[];
}

/**
 * Parses argv (after the command name) against `spec`. `check` adds the command's own rules
 * (options that go together or exclude each other), reported with the rest, all at once.
 */
export function parseArgs(
  argv: readonly string[],
  spec: Readonly<Record<string, FlagSpec>>,
  command: string,
  check?: (flags: FlagValues) => string[],
): ParsedArgs {
  const problems: string[] = [];
  const flags: FlagValues = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (s === undefined) {
      problems.push(`unknown option --${name} for "${command}"${didYouMean(`--${name}`, Object.keys(spec).map((k) => `--${k}`))}; known: ${Object.keys(spec).map((k) => `--${k}`).join(", ")}`);
      if (eq < 0 && i + 1 < argv.length && !argv[i + 1].startsWith("--")) i++;
      continue;
    }
    if (s.type === "boolean") {
      flags[name] = eq >= 0 ? !["false", "0", "no"].includes(a.slice(eq + 1)) : true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) raw = argv[++i];
    if (raw === undefined || raw === "") {
      problems.push(`option --${name} needs a value (${s.help})`);
      continue;
    }
    if (s.type === "string") flags[name] = s.repeatable === true && typeof flags[name] === "string" ? `${flags[name]},${raw}` : raw;
    else {
      const v = Number(raw);
      if (!Number.isFinite(v) || (s.type === "int" && !Number.isInteger(v))) problems.push(`option --${name} must be ${s.type === "int" ? "a whole number" : "a number"}, got "${raw}"`);
      else flags[name] = v;
    }
  }
  // Asking for help is never an error for want of the required options.
  if (flags.help !== true) {
    for (const [name, s] of Object.entries(spec)) if (s.required === true && flags[name] === undefined) problems.push(`option --${name} is required (${s.help})`);
    for (const [name, s] of Object.entries(spec)) {
      const v = flags[name];
      if (s.path === undefined || typeof v !== "string") continue;
      const problem = s.path === "input" || s.path === "input-or-folder" ? inputProblem(name, v, s.path === "input-or-folder") : outputProblem(name, v, s.path === "output-file" ? "file" : "dir");
      if (problem !== undefined) problems.push(problem);
    }
    if (check !== undefined) problems.push(...check(flags));
  }
  if (problems.length > 0) throw new BadOptionError(problems);
  return { flags, positional };
}

/** A usage block listing the flags of a command. */
export function usage(command: string, synopsis: string, spec: Readonly<Record<string, FlagSpec>>): string {
  const lines = [`usage: activelearn ${command} ${synopsis}`, ""];
  for (const [name, s] of Object.entries(spec)) lines.push(`  --${name.padEnd(16)} ${s.help}${s.required === true ? " (required)" : ""}`);
  return lines.join("\n");
}

/** Typed accessors (the spec guarantees the type). */
export const str = (f: FlagValues, k: string): string | undefined => f[k] as string | undefined;
export const num = (f: FlagValues, k: string): number | undefined => f[k] as number | undefined;
/** A comma-separated list flag (`--ignore a,b`): trimmed names, empty ones dropped; undefined when not given. */
export const list = (f: FlagValues, k: string): string[] | undefined =>
  (f[k] as string | undefined)?.split(",").map((c) => c.trim()).filter((c) => c !== "");
