/**
 * Streams exports to HTTP responses from a worker thread ({@link ExportRequest} protocol): the
 * worker produces one chunk at a time, the next only once the response has taken the last one
 * (its socket buffer drained), so neither the event loop nor memory carries a whole export.
 * A worker that dies fails the exports in progress and is replaced on the next one.
 *
 * @example
 * const exporter = new Exporter(dbPath);
 * res.writeHead(200, { "content-type": "text/csv" });
 * await exporter.stream("csv", res);
 */
import type { ServerResponse } from "node:http";
import { Worker } from "node:worker_threads";
import type { ExportFormat } from "../project/export.js";
import type { ExportReply, ExportRequest } from "./export-jobs.js";

interface Job {
  readonly res: ServerResponse;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class Exporter {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  constructor(private readonly dbPath: string) {}

  /** Exports in progress. */
  get active(): number {
    return this.jobs.size;
  }

  private spawn(): Worker {
    const w = new Worker(new URL("./export-worker.js", import.meta.url), { workerData: { dbPath: this.dbPath } });
    w.on("message", (m: ExportReply) => this.onReply(w, m));
    const fail = (message: string): void => {
      if (this.worker === w) this.worker = null;
      for (const [id, job] of this.jobs) {
        this.jobs.delete(id);
        job.reject(new Error(message));
      }
    };
    w.on("error", (e: unknown) => fail(`export worker failed: ${e instanceof Error ? e.message : String(e)}`));
    w.on("exit", (code) => fail(`export worker exited (code ${code})`));
    w.unref();
    return w;
  }

  private send(w: Worker, m: ExportRequest): void {
    w.postMessage(m);
  }

  private onReply(w: Worker, m: ExportReply): void {
    const job = this.jobs.get(m.id);
    if (job === undefined) return;
    const { res } = job;
    if (m.type === "chunk") {
      if (res.destroyed) return; // "close" has cancelled the job
      if (res.write(m.text)) this.send(w, { type: "more", id: m.id });
      else res.once("drain", () => this.send(w, { type: "more", id: m.id }));
      return;
    }
    this.jobs.delete(m.id);
    if (m.type === "done") {
      res.end();
      job.resolve();
    } else job.reject(new Error(`export failed: ${m.message}`));
  }

  /**
   * Writes the export (with `all`, every annotation record in the long format) as the body of
   * `res` (whose head the caller has written) and ends it.
   * Resolves when the body is written or the client has gone away; rejects when the export fails.
   */
  stream(format: ExportFormat, res: ServerResponse, all = false): Promise<void> {
    this.worker ??= this.spawn();
    const w = this.worker;
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.jobs.set(id, { res, resolve, reject });
      res.once("close", () => {
        if (!this.jobs.has(id)) return;
        this.jobs.delete(id);
        this.send(w, { type: "cancel", id });
        resolve();
      });
      this.send(w, { type: "start", id, format, all });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) {
      w.ref(); // an unref'd worker's exit alone would not keep the process waiting for it
      await w.terminate();
    }
  }
}
