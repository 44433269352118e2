/**
 * The strategy registry: a new strategy is one file and one line here. Names are snake_case;
 * the CLI also accepts kebab-case ("least-confidence").
 */
import { BadOptionError } from "../errors.js";
import { random } from "./random.js";
import type { QueryStrategy } from "./types.js";
import { entropy, leastConfidence, margin } from "./uncertainty.js";

const registry = new Map<string, QueryStrategy>();
for (const s of [random, leastConfidence, margin, entropy]) registry.set(s.name, s);

/** Names of every registered strategy, in registry order. */
export function strategyNames(): string[] {
  return [...registry.keys()];
}

/** Registers a strategy (for plug-ins); a duplicate name is an error. */
export function registerStrategy(s: QueryStrategy): void {
  if (registry.has(s.name)) throw new BadOptionError([`strategy "${s.name}" is already registered`]);
  registry.set(s.name, s);
}

/** Normalises "least-confidence" to "least_confidence". */
export function normalizeStrategyName(name: string): string {
  return name.trim().toLowerCase().replace(/-/g, "_");
}

/** Looks a strategy up by name; unknown names are an error listing the known ones. */
export function getStrategy(name: string): QueryStrategy {
  const s = registry.get(normalizeStrategyName(name));
  if (s === undefined) {
    throw new BadOptionError([`unknown strategy "${name}"; known: ${strategyNames().join(", ")}`], "strategies");
  }
  return s;
}
