/**
 * The strategy registry: a new strategy is one file and one line here. The registry holds
 * factories, so a stateful strategy (a bandit over strategies, say) gets a fresh instance per
 * learner. Names are snake_case; the CLI also accepts kebab-case ("least-confidence").
 */
import { BadOptionError } from "../errors.js";
import { createAuto } from "./auto.js";
import { random } from "./random.js";
import type { QueryStrategy } from "./types.js";
import { entropy, leastConfidence, margin } from "./uncertainty.js";

/** Makes a strategy instance. */
export type StrategyFactory = () => QueryStrategy;

const registry = new Map<string, StrategyFactory>();
const stateless = (s: QueryStrategy): [string, StrategyFactory] => [s.name, () => s];
for (const [name, make] of [stateless(random), stateless(leastConfidence), stateless(margin), stateless(entropy)]) registry.set(name, make);
registry.set("auto", () => createAuto());

/** Names of every registered strategy, in registry order. */
export function strategyNames(): string[] {
  return [...registry.keys()];
}

/** Registers a strategy factory under `name` (for plug-ins); a duplicate name is an error. */
export function registerStrategy(name: string, make: StrategyFactory): void {
  if (registry.has(name)) throw new BadOptionError([`strategy "${name}" is already registered`]);
  registry.set(name, make);
}

/** Normalises "least-confidence" to "least_confidence". */
export function normalizeStrategyName(name: string): string {
  return name.trim().toLowerCase().replace(/-/g, "_");
}

/** A fresh instance of the named strategy; unknown names are an error listing the known ones. */
export function getStrategy(name: string): QueryStrategy {
  const make = registry.get(normalizeStrategyName(name));
  if (make === undefined) {
    throw new BadOptionError([`unknown strategy "${name}"; known: ${strategyNames().join(", ")}`], "strategies");
  }
  return make();
}
