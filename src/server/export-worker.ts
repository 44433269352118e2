/**
 * The export worker: reads a project's labels through its own read-only database connection
 * and hands the export to the main thread one chunk per request ("more"), so producing a large
 * export costs the request-handling thread nothing but the socket writes, and a slow client
 * holds back production (back-pressure) instead of filling memory.
 */
import fs from "node:fs";
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { exportLabels } from "../project/export.js";
import { openStore } from "../store/open.js";
import type { ExportReply, ExportRequest } from "./export-jobs.js";

/** Exports are background work: on Linux this thread lowers its own priority (elsewhere a no-op). */
function lowerPriority(): void {
  try {
    const tid = Number(/task\/(\d+)$/.exec(fs.readlinkSync("/proc/thread-self"))?.[1]);
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 10);
  } catch {
    // not Linux, or not allowed: run at normal priority
  }
}
lowerPriority();

const store = openStore((workerData as { dbPath: string }).dbPath, { readonly: true });
const jobs = new Map<number, Generator<string>>();

function post(reply: ExportReply): void {
  parentPort?.postMessage(reply);
}

function step(id: number): void {
  const gen = jobs.get(id);
  if (gen === undefined) return;
  try {
    const r = gen.next();
    if (r.done === true) {
      jobs.delete(id);
      post({ type: "done", id });
    } else post({ type: "chunk", id, text: r.value });
  } catch (e) {
    jobs.delete(id);
    post({ type: "error", id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

parentPort?.on("message", (m: ExportRequest) => {
  if (m.type === "start") {
    jobs.set(m.id, exportLabels(store, m.format));
    step(m.id);
  } else if (m.type === "more") step(m.id);
  else {
    jobs.get(m.id)?.return(undefined);
    jobs.delete(m.id);
  }
});
