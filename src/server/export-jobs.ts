/** Messages between the server's main thread and its export worker. */
import type { ExportFormat } from "../project/export.js";

/** Main thread to worker: start an export (`all`: every annotation record, long format), ask for its next chunk, or drop it. */
export type ExportRequest = { readonly type: "start"; readonly id: number; readonly format: ExportFormat; readonly all?: boolean } | { readonly type: "more"; readonly id: number } | { readonly type: "cancel"; readonly id: number };

/** Worker to main thread: one chunk of an export, its end, or its failure. */
export type ExportReply = { readonly type: "chunk"; readonly id: number; readonly text: string } | { readonly type: "done"; readonly id: number } | { readonly type: "error"; readonly id: number; readonly message: string };
