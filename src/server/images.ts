/**
 * The image files of an image project (`init --image COL` or `init --data DIR/`), served by
 * GET /api/items/{id}/image/{field}: the item's cell of the image column is a path relative to
 * the project's image folder (the data file's folder, stored in the project meta at init). Every
 * cell is treated as hostile: the path must be relative, its real path (symbolic links resolved)
 * must stay inside the real image folder, the file must be a regular file no larger than
 * {@link MAX_IMAGE_BYTES}, and its first bytes must say PNG, JPEG or WebP (the Content-Type is
 * set from those bytes, never from the name).
 *
 * @example
 * const img = readImageFile("/data/photos", "cat/1.png", "image"); // { bytes, contentType: "image/png" }
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";
import { ActiveLearnError, NotFoundError } from "../errors.js";
import { sniffImageFormat } from "../features/image.js";

/** The largest image file served (bytes). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

const CONTENT_TYPE = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" } as const;

export interface ImageFile {
  readonly bytes: Buffer;
  readonly contentType: (typeof CONTENT_TYPE)[keyof typeof CONTENT_TYPE];
}

/** True when `inner` is `outer` or lies inside it (both absolute, normalised). */
function inside(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/**
 * Reads the image `rel` (a cell of the image column `field`) inside `base`.
 * @throws NotFoundError (404) for a path that is empty, absolute, leaves the folder (also through
 *   a symbolic link), or names no regular file; TOO_LARGE (413) above the cap;
 *   UNSUPPORTED_MEDIA_TYPE (415) when the bytes are not PNG, JPEG or WebP. Messages name the field
 *   and the path as the item's data has it, never the server's folders.
 */
export function readImageFile(base: string, rel: unknown, field: string, maxBytes = MAX_IMAGE_BYTES): ImageFile {
  if (typeof rel !== "string" || rel.trim() === "") throw new NotFoundError(`field "${field}": the item has no image path`);
  const name = rel.trim();
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.includes("\0") || path.isAbsolute(name) || path.win32.isAbsolute(name)) throw new NotFoundError(`field "${field}": the image path is absolute (or holds a NUL), not relative to the image folder`);
  let baseReal: string;
  try {
    baseReal = realpathSync(base);
  } catch {
    throw new NotFoundError(`field "${field}": the project's image folder is gone`);
  }
  const abs = path.resolve(baseReal, name);
  if (!inside(baseReal, abs)) throw new NotFoundError(`field "${field}": image path ${shown} leaves the image folder`);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new NotFoundError(`field "${field}": image file ${shown} not found`);
  }
  if (!inside(baseReal, real)) throw new NotFoundError(`field "${field}": image path ${shown} leads outside the image folder (through a symbolic link)`);
  let fd: number;
  try {
    // O_NOFOLLOW: should the last part have become a link since realpath, the open fails.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    throw new NotFoundError(`field "${field}": image file ${shown} cannot be opened`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotFoundError(`field "${field}": image path ${shown} is not a file`);
    if (st.size > maxBytes) throw new ActiveLearnError("TOO_LARGE", `field "${field}": image file ${shown} has ${st.size} bytes, more than the ${maxBytes} served`);
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const format = sniffImageFormat(bytes.subarray(0, Math.min(got, 16)));
    if (format === null) throw new ActiveLearnError("UNSUPPORTED_MEDIA_TYPE", `field "${field}": file ${shown} is not a PNG, JPEG or WebP image (by its first bytes)`);
    return { bytes: bytes.subarray(0, got), contentType: CONTENT_TYPE[format] };
  } finally {
    closeSync(fd);
  }
}
