/**
 * Which query strategies can run over a remote model (models/remote.ts), and running one.
 *
 * A remote model gives probabilities and nothing else: no feature rows (X is a zero-column
 * placeholder) and no way to refit (ctx.newModel cannot train the backend's model). Each
 * registered strategy was read for what it touches:
 *
 * - probabilities only: least_confidence, margin, entropy, power_margin, rare_class (the
 *   probabilities of the unlabeled rows) and random (not even those);
 * - feature vectors: density_weighted (cosine density), representative, coreset, ranked_batch,
 *   diverse_margin, typiclust, cluster_margin (k-means and distances), typical_margin and
 *   typical_variance (typiclust below 5 labels per class: the cold start they are chosen for),
 *   badge and egl (gradient embeddings use x), variance_reduction (Fisher information in x); auto
 *   (its default arms typical_variance and representative);
 * - refits: qbc_vote_entropy, qbc_kl, qbc_max_disagreement (a committee fitted on X), eer
 *   (look-ahead refits), error_prediction (a refitted error model over x, from 10 labels on).
 *
 * strategies/remote.test.ts holds this list to the code: every "probabilities only" strategy
 * selects with a context whose X and newModel throw when touched, and every other one touches them.
 * A strategy registered later (a plug-in) is unknown here and is refused, as needing vectors.
 */
import { BadOptionError } from "../errors.js";
import type { Rng } from "../linalg/rng.js";
import { remotePool, type RemoteModel } from "../models/remote.js";
import type { ClassifierFactory } from "../models/types.js";
import { subsample } from "./helpers.js";
import { normalizeStrategyName } from "./registry.js";
import type { QueryContext, QueryStrategy, Selection } from "./types.js";

/** What a strategy needs beyond probabilities. */
export type RemoteNeed = "nothing" | "vectors" | "refits";

const needs = new Map<string, RemoteNeed>([
  ["random", "nothing"],
  ["least_confidence", "nothing"],
  ["margin", "nothing"],
  ["entropy", "nothing"],
  ["power_margin", "nothing"],
  ["rare_class", "nothing"],
  ["density_weighted", "vectors"],
  ["representative", "vectors"],
  ["coreset", "vectors"],
  ["ranked_batch", "vectors"],
  ["diverse_margin", "vectors"],
  ["typiclust", "vectors"],
  ["typical_margin", "vectors"],
  ["typical_variance", "vectors"],
  ["badge", "vectors"],
  ["cluster_margin", "vectors"],
  ["egl", "vectors"],
  ["variance_reduction", "vectors"],
  ["auto", "vectors"],
  ["qbc_vote_entropy", "refits"],
  ["qbc_kl", "refits"],
  ["qbc_max_disagreement", "refits"],
  ["eer", "refits"],
  ["error_prediction", "refits"],
]);

/** The strategies that run over a remote model, in registry order of the list above. */
export function remoteStrategies(): string[] {
  return [...needs].filter(([, n]) => n === "nothing").map(([name]) => name);
}

/** Whether `name` can run with a remote model, and if not, the sentence saying why. */
export function remoteSupport(name: string): { ok: true } | { ok: false; need: Exclude<RemoteNeed, "nothing">; message: string } {
  const key = normalizeStrategyName(name);
  const need = needs.get(key) ?? "vectors";
  if (need === "nothing") return { ok: true };
  const why =
    need === "refits"
      ? `strategy "${key}" trains models of its own on the labeled items`
      : needs.has(key)
        ? `strategy "${key}" measures the items' feature vectors`
        : `strategy "${key}" is not known to run on probabilities alone`;
  return {
    ok: false,
    need,
    message: `${why}, which a model backend does not provide: it needs feature vectors: give --features or use the built-in model (strategies that work with a model backend: ${remoteStrategies().join(", ")})`,
  };
}

/** Throws the BadOptionError of {@link remoteSupport} for each strategy that cannot run remotely. */
export function checkRemoteStrategies(names: readonly string[]): void {
  const problems = names.map(remoteSupport).flatMap((s) => (s.ok ? [] : [s.message]));
  if (problems.length > 0) throw new BadOptionError(problems, "strategy");
}

export interface RemoteQuery {
  readonly model: RemoteModel;
  readonly strategy: QueryStrategy;
  /** Pool indices of unlabeled items, ascending. */
  readonly unlabeled: Int32Array;
  readonly labeled: Int32Array;
  readonly labels: Int32Array;
  readonly rng: Rng;
  readonly k: number;
  /**
   * Candidates asked of the backend at most (default: every unlabeled item). A large pool is
   * subsampled (seeded, uniform) to this many before predicting: the strategy ranks a random
   * sample, and the backend answers candidates / batchSize requests instead of the whole pool.
   */
  readonly maxCandidates?: number;
}

/** The candidates prefetched and the strategy's picks among them. */
export interface RemoteSelection extends Selection {
  readonly candidates: number;
}

const noRefits: ClassifierFactory = () => {
  throw new BadOptionError(["a strategy tried to train a model of its own over a model backend: it needs feature vectors: give --features or use the built-in model"]);
};

/**
 * Prefetches the candidates' probabilities from the backend and runs the strategy over them.
 * @throws BadOptionError when the strategy cannot run remotely; ModelBackendError when the backend fails
 */
export async function selectRemote(q: RemoteQuery): Promise<RemoteSelection> {
  const s = remoteSupport(q.strategy.name);
  if (!s.ok) throw new BadOptionError([s.message], "strategy");
  const max = q.maxCandidates ?? Infinity;
  if (!(max >= 1)) throw new BadOptionError([`maxCandidates must be >= 1, got ${max}`]);
  const candidates = q.unlabeled.length > max ? subsample(q.unlabeled, Math.floor(max), q.rng) : q.unlabeled;
  if (q.strategy.name !== "random") await q.model.prefetch(candidates);
  const ctx: QueryContext = {
    model: q.model,
    X: remotePool(q.model.poolSize),
    unlabeled: candidates,
    labeled: q.labeled,
    labels: q.labels,
    nClasses: q.model.nClasses,
    rng: q.rng,
    newModel: noRefits,
  };
  return { ...q.strategy.select(ctx, q.k), candidates: candidates.length };
}
