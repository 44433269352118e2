/**
 * Owns the retraining worker thread: one job at a time, replies matched by id. A worker that
 * dies is replaced on the next job; the pending job fails with the worker's error.
 */
import { Worker } from "node:worker_threads";
import type { RetrainInit, RetrainJob, RetrainReply } from "./retrain-jobs.js";

export class Retrainer {
  private worker: Worker | null = null;
  private pending: { id: number; resolve: (r: RetrainReply) => void } | null = null;
  private nextId = 1;

  constructor(private readonly init: RetrainInit) {}

  get busy(): boolean {
    return this.pending !== null;
  }

  private spawn(): Worker {
    const w = new Worker(new URL("./retrain-worker.js", import.meta.url), { workerData: this.init });
    w.on("message", (reply: RetrainReply) => {
      const p = this.pending;
      if (p !== null && p.id === reply.id) {
        this.pending = null;
        p.resolve(reply);
      }
    });
    const fail = (message: string): void => {
      this.worker = null;
      const p = this.pending;
      this.pending = null;
      p?.resolve({ id: p.id, ok: false, error: message });
    };
    w.on("error", (e: unknown) => fail(`retraining worker failed: ${e instanceof Error ? e.message : String(e)}`));
    w.on("exit", (code) => {
      if (this.worker === w) fail(`retraining worker exited (code ${code})`);
    });
    w.unref();
    return w;
  }

  /** Runs one job; resolves with its reply (never rejects). Only one job may run at a time. */
  run(job: Omit<RetrainJob, "id">): Promise<RetrainReply> {
    if (this.pending !== null) throw new Error("a retrain is already running");
    this.worker ??= this.spawn();
    const id = this.nextId++;
    const w = this.worker;
    return new Promise<RetrainReply>((resolve) => {
      this.pending = { id, resolve };
      const full: RetrainJob = { ...job, id };
      w.postMessage(full);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
    const p = this.pending;
    this.pending = null;
    p?.resolve({ id: p.id, ok: false, error: "server closed" });
  }
}
