/**
 * The export worker: reads a project's labels through its own read-only database connection
 * and hands the export to the main thread one chunk per request ("more"), so producing a large
 * export costs the request-handling thread nothing but the socket writes, and a slow client
 * holds back production (back-pressure) instead of filling memory.
 */
import { lowerThreadPriority } from "./thread-priority.js";
import { parentPort, workerData } from "node:worker_threads";
import { exportLabels } from "../project/export.js";
import { exportHistory } from "../project/export-history.js";
import { openStore } from "../store/open.js";
import type { ExportReply, ExportRequest } from "./export-jobs.js";

lowerThreadPriority(10); // background work: the request thread keeps the cores

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
    jobs.set(m.id, m.all === true ? exportHistory(store, m.format) : exportLabels(store, m.format));
    step(m.id);
  } else if (m.type === "more") step(m.id);
  else {
    jobs.get(m.id)?.return(undefined);
    jobs.delete(m.id);
  }
});
