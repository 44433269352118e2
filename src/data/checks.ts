/** Table-shape checks shared by whole-file and streaming reads. */
import { BadInputError } from "../errors.js";

/**
 * Checks a header: present (not an empty file), no empty and no duplicate column names.
 * @throws BadInputError naming the file, row 0 and the column
 */
export function checkHeader(file: string, header: readonly string[]): void {
  if (header.length === 0) throw new BadInputError("empty file: no header row and no data", { file });
  const seen = new Map<string, number>();
  for (let j = 0; j < header.length; j++) {
    const name = header[j];
    if (name.trim() === "") {
      throw new BadInputError(`column ${j + 1} of the header has an empty name`, { file, row: 0 });
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new BadInputError(`duplicate column name "${name}" (columns ${first + 1} and ${j + 1})`, {
        file,
        row: 0,
        column: name,
      });
    }
    seen.set(name, j);
  }
}

/** @throws BadInputError when a table has a header but no data rows */
export function checkHasRows(file: string, rows: number): void {
  if (rows === 0) throw new BadInputError("the file has a header but no data rows", { file });
}

/**
 * Checks that a record has as many fields as the header.
 * @throws BadInputError naming the file and row
 */
export function checkWidth(file: string, header: readonly string[], width: number, row: number): void {
  if (width !== header.length) {
    const message = `row ${row} has ${width} field${width === 1 ? "" : "s"}, but the header has ${header.length}`;
    // Name the first column without a value when the row is short.
    if (width < header.length) throw new BadInputError(message, { file, row, column: header[width] });
    throw new BadInputError(message, { file, row });
  }
}
