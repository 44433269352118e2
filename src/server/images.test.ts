/**
 * GET /api/items/{id}/image/{field} on the real server: the bytes of the file the item's image
 * cell names, with the Content-Type its first bytes say; refused: paths leaving the image folder
 * (`../`, a symbolic link out), a file that is no image (415), an unknown field or item, a missing
 * file (404, naming the field); with accounts, a token, and an annotator only for their items.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { after } from "node:test";
import Database from "better-sqlite3";
import sharp from "sharp";
import { addUser } from "../auth/users.js";
import { initProject, projectDbPath } from "../project/init.js";
import { openStore } from "../store/open.js";
import { startServer, type RunningServer } from "./app.js";
import { call, testPng, type ItemReply } from "./testing.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-images-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const IDS = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

/** A project of ten items whose `pic` column names pics/<id>.png, then some files and cells made hostile. */
async function imageProject(name: string): Promise<{ dir: string; png: Buffer; secret: Buffer }> {
  const data = path.join(root, name, "data");
  fs.mkdirSync(path.join(data, "pics"), { recursive: true });
  const pngs = await Promise.all(IDS.map((_, i) => testPng(i)));
  IDS.forEach((id, i) => fs.writeFileSync(path.join(data, "pics", `${id}.png`), pngs[i]));
  fs.writeFileSync(path.join(data, "items.csv"), `id,pic,seed\n${IDS.map((id, i) => `${id},pics/${id}.png,${i < 2 ? "x" : i < 4 ? "y" : ""}`).join("\n")}\n`);
  const secret = await testPng(99);
  fs.writeFileSync(path.join(root, name, "secret.png"), secret);
  const dir = path.join(root, name, "proj");
  await initProject({ dir, data: path.join(data, "items.csv"), labels: ["x", "y"], id: "id", image: "pic", label: "seed", imageFeatures: [{ kind: "pixels", size: 4 }] });
  // After init, the hostile cases: a link out, a text file, a traversal in the data, a missing file, a JPEG named .png.
  fs.rmSync(path.join(data, "pics", "b.png"));
  fs.symlinkSync(path.join(root, name, "secret.png"), path.join(data, "pics", "b.png"));
  fs.writeFileSync(path.join(data, "pics", "c.png"), "<html><script>alert(1)</script></html>");
  fs.rmSync(path.join(data, "pics", "e.png"));
  fs.writeFileSync(path.join(data, "pics", "f.png"), await sharp(pngs[5]).jpeg().toBuffer());
  const db = new Database(projectDbPath(dir));
  try {
    db.prepare("UPDATE items SET data = json_set(data, '$.pic', ?) WHERE id = ?").run("../secret.png", "d");
    db.prepare("UPDATE items SET data = json_set(data, '$.pic', ?) WHERE id = ?").run(path.join(root, name, "secret.png"), "g");
    db.prepare("UPDATE items SET data = json_set(data, '$.pic', ?) WHERE id = ?").run("pics/../../secret.png", "h");
  } finally {
    db.close();
  }
  return { dir, png: pngs[0], secret };
}

async function raw(srv: RunningServer, p: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; bytes: Buffer; headers: Headers }> {
  const res = await fetch(new URL(p, srv.url), { headers });
  return { status: res.status, type: res.headers.get("content-type") ?? "", bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

void test("the image route serves the item's file with the Content-Type of its bytes and refuses every way out", async () => {
  const { dir, png, secret } = await imageProject("open");
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true });
  try {
    const ok = await raw(srv, "/api/items/a/image/pic");
    assert.equal(ok.status, 200);
    assert.equal(ok.type, "image/png");
    assert.ok(ok.bytes.equals(png), "the bytes of the file");
    assert.equal(ok.headers.get("x-content-type-options"), "nosniff");
    assert.equal(ok.headers.get("content-length"), String(png.length));
    // A JPEG named .png is served as what its bytes are.
    assert.equal((await raw(srv, "/api/items/f/image/pic")).type, "image/jpeg");
    // The project says which column holds the images (the page shows it through the route).
    assert.equal(((await call(srv.url, "GET", "/api/project")).body as { imageColumn: string | null }).imageColumn, "pic");

    const refused = async (p: string, status: number, message: RegExp): Promise<void> => {
      const r = await call(srv.url, "GET", p);
      assert.equal(r.status, status, `${p}: ${r.text}`);
      assert.match(r.headers.get("content-type") ?? "", /^application\/json/, p);
      assert.match((r.body as { error: { message: string } }).error.message, message, p);
      assert.ok(!Buffer.from(r.text).includes(secret.subarray(8, 40)), `${p}: the secret's bytes are not in the reply`);
      assert.ok(!r.text.includes(root), `${p}: the reply names no server folder`);
    };
    await refused("/api/items/b/image/pic", 404, /field "pic".*symbolic link/);
    await refused("/api/items/c/image/pic", 415, /field "pic".*not a PNG, JPEG or WebP/);
    await refused("/api/items/d/image/pic", 404, /field "pic".*leaves the image folder/);
    await refused("/api/items/g/image/pic", 404, /field "pic".*not relative/);
    await refused("/api/items/h/image/pic", 404, /field "pic".*leaves the image folder/);
    await refused("/api/items/e/image/pic", 404, /field "pic".*not found/);
    await refused("/api/items/a/image/id", 404, /field "id" is not the project's image column \("pic"\)/);
    await refused("/api/items/a/image/nope", 404, /field "nope"/);
    await refused(`/api/items/a/image/${encodeURIComponent("../../secret.png")}`, 404, /is not the project's image column/);
    await refused("/api/items/no-such-item/image/pic", 404, /field "pic": no item with id "no-such-item"/);
    assert.equal((await call(srv.url, "GET", "/api/items/a/image/%E0%A4%A")).status, 400, "bad percent-encoding");
  } finally {
    await srv.close();
  }
});

void test("with accounts the image route needs a token; an annotator sees only the items leased to or labeled by them", async () => {
  const { dir, png } = await imageProject("accounts");
  const store = openStore(projectDbPath(dir));
  const tokens: Record<string, string> = {};
  try {
    for (const [name, role] of [["ada", "admin"], ["ann", "annotator"], ["rev", "reviewer"], ["vic", "viewer"]] as const) tokens[name] = (await addUser(store, name, role)).token;
  } finally {
    store.close();
  }
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true });
  const bearer = (name: string): Record<string, string> => ({ authorization: `Bearer ${tokens[name]}` });
  try {
    const none = await call(srv.url, "GET", "/api/items/a/image/pic");
    assert.equal(none.status, 401);
    assert.equal((await raw(srv, "/api/items/a/image/pic", bearer("vic"))).status, 403, "a viewer does not label");
    assert.ok((await raw(srv, "/api/items/a/image/pic", bearer("ada"))).bytes.equals(png), "an admin sees every item");
    assert.equal((await raw(srv, "/api/items/a/image/pic", bearer("rev"))).status, 200, "a reviewer sees every item");
    // The annotator: not before the item is theirs, then yes (leased), and still after labeling it.
    const item = ((await call(srv.url, "GET", "/api/next", undefined, undefined, bearer("ann"))).body as ItemReply).item;
    const other = IDS.find((id) => id !== item.id && !["b", "c", "d", "e", "g", "h"].includes(id))!;
    const refused = await call(srv.url, "GET", `/api/items/${other}/image/pic`, undefined, undefined, bearer("ann"));
    assert.equal(refused.status, 403);
    assert.match((refused.body as { error: { message: string } }).error.message, /field "pic": item ".+" is neither leased to "ann" nor labeled by them/);
    const mine = await raw(srv, `/api/items/${encodeURIComponent(item.id)}/image/pic`, bearer("ann"));
    // What each item's file gives (the hostile ones refused as in the test above).
    const want: Record<string, number> = { a: 200, b: 404, c: 415, d: 404, e: 404, f: 200, g: 404, h: 404, i: 200, j: 200 };
    assert.equal(mine.status, want[item.id], `the leased item ${item.id}'s image`);
    if (item.id === "a") assert.ok(mine.bytes.equals(png));
    assert.equal((await call(srv.url, "POST", `/api/items/${encodeURIComponent(item.id)}/label`, { label: "x" }, undefined, bearer("ann"))).status, 201);
    assert.equal((await raw(srv, `/api/items/${encodeURIComponent(item.id)}/image/pic`, bearer("ann"))).status, mine.status, "still theirs once labeled");
  } finally {
    await srv.close();
  }
});
