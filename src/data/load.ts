/**
 * Loading datasets from files: {@link readTable} / {@link streamTable} read raw cells,
 * {@link toDataset} types them, {@link loadDataset} does both.
 */
import { toDataset } from "./dataset.js";
import { readTable, type ReadOptions } from "./read.js";
import type { Dataset, DatasetOptions } from "./types.js";

export { isMissing, MISSING_MARKERS, parseNumber, toDataset } from "./dataset.js";
export {
  readTable,
  streamTable,
  type RawTable,
  type ReadOptions,
  type StreamRecordHandler,
  type StreamRecordInfo,
  type StreamSummary,
  type TableFormat,
} from "./read.js";

/** Options of {@link loadDataset}: the columns to use and how to read the file. */
export type LoadOptions = DatasetOptions & ReadOptions;

/**
 * Reads a CSV or JSONL file and types it as a {@link Dataset}.
 *
 * @throws BadInputError for any problem with the file or the named columns (see
 *   {@link readTable} and {@link toDataset})
 * @example
 * const ds = loadDataset("data/vehicle.csv", { label: "Class" });
 */
export function loadDataset(path: string, options: LoadOptions = {}): Dataset {
  const { format, delimiter, ...columns } = options;
  const read: ReadOptions = {
    ...(format !== undefined ? { format } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
  };
  return toDataset(readTable(path, read), columns);
}
