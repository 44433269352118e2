/**
 * The strategy registry: a new strategy is one file and one line here. The registry holds
 * factories, so a stateful strategy (a bandit over strategies, say) gets a fresh instance per
 * learner. Names are snake_case; the CLI also accepts kebab-case ("least-confidence").
 */
import { BadOptionError, didYouMean } from "../errors.js";
import { createAuto } from "./auto.js";
import { qbcKl, qbcMaxDisagreement, qbcVoteEntropy } from "./committee.js";
import { densityWeighted } from "./density.js";
import { diverseMargin } from "./diverse.js";
import { eer, errorPrediction } from "./error-reduction.js";
import { badge, clusterMargin } from "./hybrid.js";
import { egl } from "./model-change.js";
import { random } from "./random.js";
import { rareClass } from "./rare-class.js";
import { powerMargin } from "./stochastic.js";
import { typicalMargin, typicalVariance, typiclust } from "./typical.js";
import { coreset, rankedBatch, representative } from "./representative.js";
import type { QueryStrategy } from "./types.js";
import { entropy, leastConfidence, margin } from "./uncertainty.js";
import { varianceReductionStrategy } from "./variance.js";

/** Makes a strategy instance. */
export type StrategyFactory = () => QueryStrategy;

const registry = new Map<string, StrategyFactory>();
/** Registers a stateless strategy object (the same instance serves every learner). */
const stateless = (s: QueryStrategy): void => void registry.set(s.name, () => s);
/** Registers a factory under the name of the strategies it makes. */
const stateful = (make: StrategyFactory): void => void registry.set(make().name, make);

stateless(random);
stateless(leastConfidence);
stateless(margin);
stateless(entropy);
stateless(qbcVoteEntropy);
stateless(qbcKl);
stateless(qbcMaxDisagreement);
stateless(densityWeighted());
stateless(representative);
stateless(coreset);
stateless(rankedBatch);
stateless(diverseMargin({ name: "diverse_margin", factor: 20, pick: "nearest" }));
stateless(powerMargin(4));
stateless(typiclust);
stateless(typicalMargin(5));
stateless(typicalVariance);
stateless(badge);
stateful(clusterMargin);
stateless(egl);
stateless(eer);
stateless(varianceReductionStrategy);
stateless(errorPrediction);
stateless(rareClass());
stateful(createAuto);

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
    throw new BadOptionError([`unknown strategy "${name}"${didYouMean(name, strategyNames())}; known: ${strategyNames().join(", ")}`], "strategies");
  }
  return make();
}
