/**
 * What `activelearn consensus` writes: one row per item (`item,label,confidence,n_labels`, CSV
 * or JSON Lines by the file's extension) and, per annotator, the estimated accuracy and
 * confusion matrix (JSON, or CSV with one `TRUE->GIVEN` column per cell, by extension).
 *
 * @example
 * fs.writeFileSync(out, itemsText(a, consensus, "csv"));
 */
import { csvField } from "../project/export.js";
import type { Annotations } from "./annotations.js";
import type { Consensus } from "./majority.js";

export type OutputFormat = "csv" | "jsonl";

/** The format of an output path from its extension, or undefined when it has none we write. */
export function formatOf(path: string, json: "jsonl" | "json"): OutputFormat | "json" | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (json === "jsonl" && (lower.endsWith(".jsonl") || lower.endsWith(".ndjson"))) return "jsonl";
  if (json === "json" && lower.endsWith(".json")) return "json";
  return undefined;
}

/** One annotator's estimate. */
export interface AnnotatorEstimate {
  readonly annotator: string;
  /** Labels they gave. */
  readonly labels: number;
  readonly estimated_accuracy: number;
  /** confusion[t][g] = P(they give label g | the truth is label t), labels in the report's order. */
  readonly confusion: number[][];
}

export interface AnnotatorReport {
  readonly method: string;
  readonly labels: readonly string[];
  readonly annotators: AnnotatorEstimate[];
  /** The classifier's estimate as an annotator (method model), else absent. */
  readonly model?: Omit<AnnotatorEstimate, "labels" | "annotator">;
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** K x K row-major to nested rows, rounded. */
export function matrixRows(m: Float64Array, K: number): number[][] {
  return Array.from({ length: K }, (_, t) => Array.from(m.subarray(t * K, (t + 1) * K), round));
}

/** The per-item file's text. */
export function itemsText(a: Annotations, c: Consensus, format: OutputFormat): string {
  const out: string[] = [];
  if (format === "csv") out.push("item,label,confidence,n_labels");
  for (let i = 0; i < a.items.length; i++) {
    const label = a.labels[c.label[i]];
    const conf = round(c.confidence[i]);
    if (format === "csv") out.push([csvField(a.items[i]), csvField(label), String(conf), String(c.nLabels[i])].join(","));
    else out.push(JSON.stringify({ item: a.items[i], label, confidence: conf, n_labels: c.nLabels[i] }));
  }
  return out.join(format === "csv" ? "\r\n" : "\n") + (format === "csv" ? "\r\n" : "\n");
}

/** The per-annotator file's text. */
export function annotatorsText(r: AnnotatorReport, format: "csv" | "json"): string {
  if (format === "json") return JSON.stringify(r) + "\n";
  const cells = r.labels.flatMap((t) => r.labels.map((g) => `${t}->${g}`));
  const lines = [["annotator", "labels", "estimated_accuracy", ...cells].map(csvField).join(",")];
  const row = (name: string, n: number | null, e: Omit<AnnotatorEstimate, "labels" | "annotator">): string =>
    [csvField(name), n === null ? "" : String(n), String(round(e.estimated_accuracy)), ...e.confusion.flat().map(String)].join(",");
  for (const e of r.annotators) lines.push(row(e.annotator, e.labels, e));
  if (r.model !== undefined) lines.push(row("(model)", null, r.model));
  return lines.join("\r\n") + "\r\n";
}
