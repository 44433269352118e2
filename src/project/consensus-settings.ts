/**
 * The consensus method of a project with overlap (`init --consensus majority|dawid-skene`, kept in
 * the project meta; admins change it with PATCH /api/settings): how the labels of an item's
 * several annotators become the one label it trains and exports with. See
 * src/quality/vote-consensus.ts for both methods and the rule by which Dawid-Skene falls back to
 * majority when there is too little overlap to estimate the annotators' confusions.
 *
 * The default is majority: it estimates nothing, so it means the same on the first overlapping
 * item as on the thousandth, and a tie is a plain dispute a reviewer settles. Dawid-Skene pays off
 * once annotators differ in how reliable they are and enough items have two or more labels.
 *
 * @example
 * consensusMethodProblems("bayes", "--consensus"); // ['--consensus must be one of majority, dawid-skene, got "bayes"']
 */

export type ConsensusMethod = "majority" | "dawid-skene";

export const CONSENSUS_METHODS: readonly ConsensusMethod[] = ["majority", "dawid-skene"];

export const DEFAULT_CONSENSUS: ConsensusMethod = "majority";

/** Whether `v` names a consensus method. */
export function isConsensusMethod(v: unknown): v is ConsensusMethod {
  return typeof v === "string" && (CONSENSUS_METHODS as readonly string[]).includes(v);
}

/** The problem with a consensus method given as `name` (an init flag or an API field), if any. */
export function consensusMethodProblems(v: unknown, name: string): string[] {
  if (v === undefined || isConsensusMethod(v)) return [];
  return [`${name} must be one of ${CONSENSUS_METHODS.join(", ")}, got ${JSON.stringify(v)}`];
}
