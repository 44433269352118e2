/** Background worker threads (retrains, exports) yield the cores to the request-handling thread. */
import fs from "node:fs";
import os from "node:os";

/**
 * Lowers the calling thread's scheduling priority to `nice` (0..19; higher is lower priority). On
 * Linux a worker thread is its own task (/proc/thread-self), so only it is lowered; elsewhere, or
 * where it is not allowed, it runs at normal priority.
 */
export function lowerThreadPriority(nice: number): void {
  try {
    const tid = Number(/task\/(\d+)$/.exec(fs.readlinkSync("/proc/thread-self"))?.[1]);
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, nice);
  } catch {
    // not Linux, or not allowed: run at normal priority
  }
}
