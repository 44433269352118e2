/**
 * `init --data DIR/`: a folder of images in label subfolders becomes a project whose items are the
 * images (id and image column: the relative path), whose seed labels are the subfolder names that
 * are among --labels (other subfolders: unlabeled), and whose image folder is stored for serving.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import { BadOptionError } from "../errors.js";
import { runInit } from "../cli/init.js";
import { writeImageFolder } from "../server/testing.js";
import { openStore } from "../store/open.js";
import { initProject, projectDbPath } from "./init.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-init-folder-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

void test("init --data DIR/: items are the images, seed labels the subfolders named in --labels, the folder stored", async () => {
  const images = path.join(root, "images");
  const files = await writeImageFolder(images, { cat: 3, dog: 2, bird: 2 });
  const dir = path.join(root, "proj");
  const s = await initProject({ dir, data: images + "/", labels: ["cat", "dog", "fox"], imageFeatures: [{ kind: "pixels", size: 4 }] });
  assert.equal(s.items, 7);
  assert.equal(s.seedLabels, 5, "cat and dog are labels; bird is not, so its images are unlabeled");
  assert.equal(s.fields.length, 16);
  assert.ok(s.fields.every((f) => f.name.startsWith("image:pixel:") && f.kind === "numeric"), JSON.stringify(s.fields.map((f) => f.name)));
  const store = openStore(projectDbPath(dir));
  try {
    const meta = store.meta();
    assert.deepEqual(meta.image, { column: "image", base: fs.realpathSync(images) });
    assert.equal(meta.idColumn, "id");
    for (const rel of files) {
      const idx = store.itemIdx(rel);
      assert.notEqual(idx, undefined, `item ${rel}`);
      const item = store.item(idx!)!;
      assert.equal(item.data.image, rel);
      const seed = store.lastAnnotation(idx!, "import");
      assert.equal(seed?.label, rel.startsWith("bird/") ? undefined : rel.slice(0, rel.indexOf("/")), rel);
    }
  } finally {
    store.close();
  }
});

void test("init --data DIR/ refuses the options that name columns, all at once; the CLI takes --image-features without --image", async () => {
  const images = path.join(root, "refuse");
  await writeImageFolder(images, { a: 2, b: 2 });
  await assert.rejects(
    initProject({ dir: path.join(root, "never"), data: images, labels: ["a", "b"], text: "t", label: "l", image: "i", id: "x", slices: ["s"] }),
    (e: unknown) => {
      assert.ok(e instanceof BadOptionError);
      for (const f of ["text", "label", "image", "id", "slice"]) assert.ok(e.problems.some((p) => p.startsWith(`option --${f} does not apply to an image folder (--data ${images})`)), `${f}: ${e.problems.join("; ")}`);
      return true;
    },
  );
  assert.equal(fs.existsSync(path.join(root, "never")), false, "nothing left behind");
  const write = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    assert.equal(await runInit([path.join(root, "cli"), "--data", images, "--labels", "a,b", "--image-features", "pixels:2"]), 0);
  } finally {
    process.stdout.write = write;
  }
  assert.match(out, /created project .*: 4 items, 4 seed labels, 4 fields/);
  await assert.rejects(runInit([path.join(root, "cli2"), "--data", path.join(root, "missing-folder"), "--labels", "a,b", "--image-features", "pixels:2"]), /--image-features needs --image COL/);
});
