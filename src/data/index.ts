/** Public API of the data module: reading CSV / JSONL files into typed datasets. */
export type { Column, ColumnKind, Dataset, DatasetOptions, NumericColumn, StringColumn } from "./types.js";
export { CsvParser, delimiterCode, parseCsvText } from "./csv.js";
export type { CsvOptions, CsvRecordHandler, CsvRecordInfo, CsvTable } from "./csv.js";
export { JsonlParser } from "./jsonl.js";
export type { Cell, JsonlOptions, JsonlRecordHandler, JsonlRecordInfo } from "./jsonl.js";
export { findInvalidUtf8, incompleteUtf8Tail } from "./utf8.js";
export { isMissing, loadDataset, MISSING_MARKERS, parseNumber, readTable, streamTable, toDataset } from "./load.js";
export type {
  LoadOptions,
  RawTable,
  ReadOptions,
  StreamRecordHandler,
  StreamRecordInfo,
  StreamSummary,
  TableFormat,
} from "./load.js";
export { assessColumns, isLeakRule, roleRows, MIN_RULE_ROWS } from "./roles.js";
export type { AssessOptions, ColumnFinding, ColumnRole, RoleRow, RoleSpec } from "./roles.js";
export { detectWideEncoding } from "./utf8.js";
export type { WideEncoding } from "./utf8.js";
