/** Messages between the simulation's main thread and its workers. */
import type { Dataset } from "../data/types.js";
import type { ProtocolOptions, RunResult } from "./run.js";

export interface WorkerInit {
  readonly dataset: Dataset;
  readonly protocol: ProtocolOptions;
}

/** One seed of one strategy; strategy null = the full-pool model of that seed. */
export interface Job {
  readonly id: number;
  readonly seed: number;
  readonly strategy: string | null;
}

export type JobReply =
  | { readonly id: number; readonly ok: true; readonly run?: RunResult; readonly full?: number }
  | { readonly id: number; readonly ok: false; readonly error: string };
