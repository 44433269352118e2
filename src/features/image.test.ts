import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import sharp from "sharp";
import { decodeImage, imageMatrix, listImageFolder, pngHeader, sniffImageFormat } from "./image.js";
import { resizeArea, rgbToHsv } from "./image-features.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "al-image-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes raw pixels (`channels` per pixel) as an image file through sharp. */
async function write(rel: string, w: number, h: number, channels: 1 | 3, px: number[], format: "png" | "jpeg" | "webp" = "png"): Promise<void> {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  let s = sharp(Buffer.from(px), { raw: { width: w, height: h, channels } });
  s = format === "png" ? s.png() : format === "jpeg" ? s.jpeg({ quality: 100 }) : s.webp({ lossless: true });
  await s.toFile(file);
}

const grey4 = [0, 17, 34, 51, 68, 85, 102, 119, 136, 153, 170, 187, 204, 221, 238, 255];

void test("pixels of a PNG written with sharp equal the written values (grey and colour)", async () => {
  await write("grey.png", 4, 4, 1, grey4);
  const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
  await write("colour.png", 2, 2, 3, rgb);
  const g = await imageMatrix(["grey.png"], { base: dir, features: [{ kind: "pixels", size: 4 }] });
  assert.equal(g.X.cols, 16);
  assert.deepEqual(Array.from(g.X.data, (v) => Math.round(v * 255 * 1e6) / 1e6), grey4);
  const c = await imageMatrix(["colour.png"], { base: dir, features: [{ kind: "pixels", size: 2, colour: true }] });
  assert.deepEqual(Array.from(c.X.data, (v) => Math.round(v * 255 * 1e6) / 1e6), rgb);
  assert.deepEqual(c.names.slice(0, 4), ["pixel:0:0:r", "pixel:0:0:g", "pixel:0:0:b", "pixel:0:1:r"]);
});

void test("lossless WebP and JPEG decode too (JPEG near the written values)", async () => {
  await write("grey.webp", 4, 4, 1, grey4, "webp");
  await write("flat.jpg", 8, 8, 3, new Array<number>(8 * 8 * 3).fill(128), "jpeg");
  const m = await imageMatrix(["grey.webp", "flat.jpg"], { base: dir, features: [{ kind: "pixels", size: 4 }] });
  assert.deepEqual(Array.from(m.X.data.subarray(0, 16), (v) => Math.round(v * 255)), grey4);
  for (const v of m.X.data.subarray(16)) assert.ok(Math.abs(v * 255 - 128) <= 2);
});

void test("transparency is flattened onto white; images above maxSide are shrunk, aspect kept", async () => {
  // RGBA: an opaque black pixel and a fully transparent one.
  const rgba = await sharp(Buffer.from([0, 0, 0, 255, 0, 0, 0, 0]), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
  const h = pngHeader(rgba);
  assert.deepEqual(h, { width: 2, height: 1, alpha: true, exif: false });
  assert.deepEqual(Array.from((await decodeImage(rgba, {}, "a.png")).rgb), [0, 0, 0, 255, 255, 255]);
  const big = await sharp(Buffer.alloc(40 * 20 * 3, 200), { raw: { width: 40, height: 20, channels: 3 } }).png().toBuffer();
  assert.deepEqual(pngHeader(big), { width: 40, height: 20, alpha: false, exif: false });
  const small = await decodeImage(big, {}, "big.png", { maxSide: 10 });
  assert.deepEqual([small.width, small.height, small.rgb[0]], [10, 5, 200]);
  const jpeg = await sharp(Buffer.alloc(40 * 20 * 3, 90), { raw: { width: 40, height: 20, channels: 3 } }).jpeg().toBuffer();
  const j = await decodeImage(jpeg, {}, "big.jpg", { maxSide: 8 });
  assert.deepEqual([j.width, j.height], [8, 4]);
  assert.equal(pngHeader(jpeg), null);
});

void test("area resizing averages the covered pixels, fractional footprints by overlap", () => {
  // 4 -> 2: means of pairs; 3 -> 2: [a + b/2, b/2 + c] / 1.5.
  assert.deepEqual(Array.from(resizeArea([1, 3, 5, 7], 4, 1, 1, 2, 1)), [2, 6]);
  const r = resizeArea([3, 6, 9], 3, 1, 1, 2, 1);
  assert.ok(Math.abs(r[0] - (3 + 3) / 1.5) < 1e-12 && Math.abs(r[1] - (3 + 9) / 1.5) < 1e-12);
  // 2 x 2 -> 1 x 1 with two channels.
  assert.deepEqual(Array.from(resizeArea([0, 4, 2, 8, 4, 0, 6, 4], 2, 2, 2, 1, 1)), [3, 4]);
});

void test("colour histograms sum to 1 and count the right bins", async () => {
  // 2 x 2: pure red, pure green, pure blue, white.
  await write("four.png", 2, 2, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  const m = await imageMatrix(["four.png", "grey.png"], {
    base: dir,
    features: [{ kind: "colour-histogram", mode: "rgb", bins: 4 }, { kind: "colour-histogram", mode: "hsv", hsvBins: [6, 2, 2] }],
  });
  assert.equal(m.X.cols, 12 + 24);
  for (let r = 0; r < 2; r++) {
    const row = m.X.data.subarray(r * 36, (r + 1) * 36);
    const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum(row.subarray(0, 12)) - 1) < 1e-12 && Math.abs(sum(row.subarray(12)) - 1) < 1e-12);
  }
  // RGB of the four-colour image: red channel 255 twice (top bin), 0 twice (bottom bin).
  const rgb = Array.from(m.X.data.subarray(0, 12), (v) => v * 12);
  assert.deepEqual(rgb, [2, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 2]);
  // HSV: red hue 0 -> bin 0, green 120° -> bin 2, blue 240° -> bin 4 (all s = v = 1: last s, v bins);
  // white: h 0, s 0, v 1 -> hue bin 0, s bin 0, v bin 1.
  const hsv = m.X.data.subarray(12, 36);
  const at = (h: number, s: number, v: number): number => hsv[(h * 2 + s) * 2 + v];
  assert.deepEqual([at(0, 1, 1), at(2, 1, 1), at(4, 1, 1), at(0, 0, 1)], [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(rgbToHsv(0, 0, 0), [0, 0, 0]);
  assert.deepEqual(rgbToHsv(255, 0, 255), [300, 1, 1]);
});

void test("HOG of an image file: a vertical edge votes into bin 0 only", async () => {
  const px: number[] = [];
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) px.push(x < 15 ? 0 : 255);
  await write("edge.png", 32, 32, 1, px);
  const m = await imageMatrix(["edge.png"], { base: dir, features: [{ kind: "hog", size: 32, cell: 8 }] });
  assert.equal(m.X.cols, 324);
  let e0 = 0;
  let rest = 0;
  m.X.data.forEach((v, k) => (k % 9 === 0 ? (e0 += v * v) : (rest += v * v)));
  assert.ok(e0 > 0 && rest === 0, `bin 0: ${e0}, others: ${rest}`);
});

void test("a missing file is an error naming the file and the row", async () => {
  await assert.rejects(imageMatrix(["grey.png", "nope.png"], { base: dir, features: [{ kind: "pixels" }] }), (e: Error & { code: string; location: { file: string; row: number } }) => {
    assert.equal(e.code, "BAD_INPUT");
    assert.deepEqual(e.location, { file: "nope.png", row: 2 });
    assert.match(e.message, /nope\.png, row 2: image file "nope\.png" not found/);
    return true;
  });
  // With the listing table named, the location is the table's row and column.
  await assert.rejects(
    imageMatrix(["nope.png"], { base: dir, features: [{ kind: "pixels" }], source: "items.csv", column: "image", rowNumbers: [7] }),
    (e: Error & { location: object }) => (assert.deepEqual(e.location, { file: "items.csv", row: 7, column: "image" }), /items\.csv, row 7, column "image"/.test(e.message)),
  );
});

void test("a corrupt file is an error naming the file and the row, never a zero row", async () => {
  writeFileSync(path.join(dir, "text.png"), "this is not an image");
  await write("whole.png", 16, 16, 1, new Array<number>(256).fill(9));
  const whole = await sharp(path.join(dir, "whole.png")).png().toBuffer();
  writeFileSync(path.join(dir, "cut.png"), whole.subarray(0, 40));
  await assert.rejects(imageMatrix(["grey.png", "text.png"], { base: dir, features: [{ kind: "pixels" }] }), /text\.png, row 2: "text\.png" is not a PNG, JPEG or WebP image/);
  await assert.rejects(imageMatrix(["cut.png"], { base: dir, features: [{ kind: "pixels" }] }), (e: Error & { code: string }) => e.code === "BAD_INPUT" && /cut\.png, row 1: cannot decode image "cut\.png"/.test(e.message));
  // Of several bad rows the first in row order is reported, whatever order the decodes finish in.
  await assert.rejects(imageMatrix(["grey.png", "cut.png", "text.png", "nope.png"], { base: dir, features: [{ kind: "pixels" }], concurrency: 4 }), /row 2:/);
});

void test("paths leaving the base folder are refused: .., absolute, symbolic links", async () => {
  const base = path.join(dir, "inner");
  mkdirSync(base, { recursive: true });
  await write("inner/ok.png", 4, 4, 1, grey4);
  symlinkSync(path.join(dir, "grey.png"), path.join(base, "link.png"));
  const features = [{ kind: "pixels" as const }];
  await assert.rejects(imageMatrix(["ok.png", "../grey.png"], { base, features }), /row 2: image path "\.\.\/grey\.png" leaves the image folder/);
  await assert.rejects(imageMatrix([path.join(dir, "grey.png")], { base, features }), /leaves the image folder/);
  await assert.rejects(imageMatrix(["link.png"], { base, features }), /leads outside the image folder .* symbolic link/);
  await assert.rejects(imageMatrix(["sub/../../grey.png"], { base, features }), { code: "BAD_INPUT" });
  const ok = await imageMatrix(["ok.png", "./sub/../ok.png"], { base, features: [{ kind: "pixels", size: 4 }] });
  assert.deepEqual(Array.from(ok.X.data.subarray(0, 16)), Array.from(ok.X.data.subarray(16)));
});

void test("bad feature options are reported together", async () => {
  await assert.rejects(imageMatrix(["grey.png"], { base: dir, features: [] }), { code: "BAD_OPTION" });
  await assert.rejects(imageMatrix(["grey.png"], { base: dir, features: [{ kind: "pixels", size: 0 }, { kind: "colour-histogram", mode: "rgb", bins: -1 }] }), (e: { problems: string[] }) => e.problems.length === 2);
});

void test("format is told by content: sniffing PNG, JPEG, WebP", () => {
  assert.equal(sniffImageFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "png");
  assert.equal(sniffImageFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])), "jpeg");
  assert.equal(sniffImageFormat(Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50])), "webp");
  assert.equal(sniffImageFormat(Uint8Array.from([0x47, 0x49, 0x46, 0x38])), null);
});

void test("an image folder lists subfolder images in a stable order, subfolder = label", async () => {
  const root = path.join(dir, "folder");
  for (const rel of ["b/2.png", "a/x.jpg", "b/10.PNG", "a/deep/y.webp"]) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), "");
  }
  writeFileSync(path.join(root, "top.png"), "");
  writeFileSync(path.join(root, "a", "notes.txt"), "");
  mkdirSync(path.join(root, ".hidden"));
  writeFileSync(path.join(root, ".hidden", "h.png"), "");
  const f = await listImageFolder(root);
  assert.deepEqual(f.paths, ["a/deep/y.webp", "a/x.jpg", "b/10.PNG", "b/2.png"]);
  assert.deepEqual(f.labels, ["a", "a", "b", "b"]);
  await assert.rejects(listImageFolder(path.join(dir, "absent")), { code: "BAD_INPUT" });
  mkdirSync(path.join(dir, "empty", "sub"), { recursive: true });
  await assert.rejects(listImageFolder(path.join(dir, "empty")), /no images in subfolders/);
});
