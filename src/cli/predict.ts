/**
 * `activelearn predict --model model.json --data FILE --out predictions.csv [--id COL]`: scores a
 * CSV/JSONL file with a trained model, streaming it in chunks. Output columns: id, label, then
 * one probability column per label (p_<label>).
 */
import fs from "node:fs";
import type { Cell } from "../data/jsonl.js";
import { streamTable } from "../data/read.js";
import { BadInputError } from "../errors.js";
import { csvField } from "../project/export.js";
import { predictor, readBundle } from "../project/bundle.js";
import { describeFieldMismatch, fieldMismatch } from "../project/records.js";
import { parseArgs, str, usage, type FlagSpec } from "./args.js";
import { writingOutput } from "./paths.js";

const spec: Record<string, FlagSpec> = {
  model: { type: "string", required: true, path: "input", help: "model file written by train" },
  data: { type: "string", required: true, path: "input", help: "CSV or JSONL file to score" },
  out: { type: "string", required: true, path: "output-file", help: "predictions CSV to write" },
  id: { type: "string", help: "id column copied to the output (default: the row number)" },
  help: { type: "boolean", help: "show this help" },
};

const CHUNK = 5000;

export async function runPredict(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write(usage("predict", "--model model.json --data FILE --out predictions.csv", spec) + "\n");
    return 0;
  }
  const { flags } = parseArgs(argv, spec, "predict");
  const bundle = readBundle(str(flags, "model") ?? "");
  const p = predictor(bundle);
  const data = str(flags, "data") ?? "";
  const out = str(flags, "out") ?? "";
  const idCol = str(flags, "id");
  const fd = writingOutput("out", out, () => fs.openSync(out, "w"));
  let rows = 0;
  try {
    writingOutput("out", out, () => fs.writeSync(fd, ["id", "label", ...bundle.labels.map((l) => `p_${l}`)].map(csvField).join(",") + "\r\n"));
    let records: Record<string, Cell>[] = [];
    let rowNumbers: number[] = [];
    let ids: string[] = [];
    const flush = (): void => {
      if (records.length === 0) return;
      const { labels, proba } = p.predict(records, data, rowNumbers);
      const k = bundle.labels.length;
      let text = "";
      for (let r = 0; r < records.length; r++) {
        const ps: string[] = [];
        for (let c = 0; c < k; c++) ps.push(proba[r * k + c].toFixed(6));
        text += [csvField(ids[r]), csvField(labels[r]), ...ps].join(",") + "\r\n";
      }
      writingOutput("out", out, () => fs.writeSync(fd, text));
      rows += records.length;
      records = [];
      rowNumbers = [];
      ids = [];
    };
    let checked = false;
    await streamTable(data, {}, (cells, info, header) => {
      if (!checked) {
        // Extra columns (an id, the old label) are normal in a file and ignored; missing ones are an error.
        const m = fieldMismatch(bundle.fields, header);
        if (m.missing.length > 0 && !/\.(jsonl|ndjson)$/i.test(data)) throw new BadInputError(describeFieldMismatch(m, bundle.fields, "columns"), { file: data });
        if (idCol !== undefined && !header.includes(idCol) && !/\.(jsonl|ndjson)$/i.test(data)) throw new BadInputError(`no column named "${idCol}"`, { file: data, option: "id" });
        checked = true;
      }
      const rec: Record<string, Cell> = {};
      for (let j = 0; j < header.length; j++) rec[header[j]] = j < cells.length ? cells[j] : null;
      records.push(rec);
      rowNumbers.push(info.row);
      const idv = idCol === undefined ? null : (rec[idCol] ?? null);
      ids.push(idv === null ? String(info.row) : String(idv));
      if (records.length >= CHUNK) flush();
    });
    flush();
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(out, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  process.stdout.write(`wrote ${rows} predictions to ${out}\n`);
  return 0;
}
