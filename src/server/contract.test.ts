/**
 * The contract test: every route is called for real, and each real reply body is checked twice,
 * against the response schema of the served /api/openapi.json (with a validator of the JSON
 * Schema subset the document uses) and against the zod schema of the route definition the
 * document was generated from. The browser client's generated types must be up to date.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import type { z } from "@hono/zod-openapi";
import { validateJson, type JsonSchema, type SchemaDocument } from "../contract/json-schema.js";
import { addUser, setPassword } from "../auth/users.js";
import { API_ROUTES } from "../contract/routes.js";
import { WEB_TYPES_PATH, webTypes } from "../contract/write-web-types.js";
import { startServer } from "./app.js";
import { initProject } from "../project/init.js";
import { call, syntheticProject, syntheticTruth, writeImageFolder, type ItemReply } from "./testing.js";

interface Doc extends SchemaDocument {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>>;
}

type AnyRoute = (typeof API_ROUTES)[number];

function zodSchemaOf(route: AnyRoute, status: number): z.ZodType | null {
  const r = (route.responses as Record<number, { content?: Record<string, { schema: z.ZodType }> }>)[status];
  return r?.content?.["application/json"]?.schema ?? null;
}

void test("every route's real replies fit the served OpenAPI document and the route's zod schemas", async () => {
  const { dir } = await syntheticProject(60, 4, { reviewShare: 0.5 });
  const srv = await startServer({ projectDir: dir, port: 0, quiet: true, auditEvery: 3 });
  const seen = new Set<string>();
  try {
    const doc = (await call(srv.url, "GET", "/api/openapi.json")).body as Doc;
    let lastHeaders = new Headers();
    let base = srv.url;
    const checkReply = async (method: string, p: string, body?: unknown, raw?: string, headers?: Record<string, string>): Promise<unknown> => {
      const r = await call(base, method, p, body, raw, headers);
      lastHeaders = r.headers;
      const route = API_ROUTES.find((x) => x.method === method.toLowerCase() && new RegExp(`^${x.path.replace(/\{[^}]+\}/g, "[^/?]+")}(\\?|$)`).test(p));
      assert.ok(route !== undefined, `${method} ${p}: no route in the contract`);
      const described = doc.paths[route.path]?.[route.method]?.responses[String(r.status)];
      assert.ok(described !== undefined, `${method} ${p}: status ${r.status} is not in the document`);
      seen.add(`${route.method} ${route.path} ${r.status}`);
      if (r.status === 204) return null;
      const schema = described.content?.["application/json"]?.schema;
      assert.ok(schema !== undefined, `${method} ${p}: no JSON schema for ${r.status}`);
      assert.deepEqual(validateJson(schema, r.body, doc), [], `${method} ${p} ${r.status}: the reply does not fit the served schema`);
      const zs = zodSchemaOf(route, r.status);
      assert.ok(zs !== null, `${method} ${p}: no zod schema for ${r.status}`);
      const parsed = zs.safeParse(r.body);
      assert.ok(parsed.success, `${method} ${p} ${r.status}: ${parsed.error?.message}`);
      return r.body;
    };

    // The served document names every reply schema of the contract as a component.
    for (const name of ["Caller", "Item", "NextReply", "LabelResult", "Ok", "Stats", "Metrics", "AccuracyReport", "Figure", "Advice", "CriterionState", "Project", "Dashboard", "CurvePoint", "AnnotatorStats", "PredictReply", "Prediction", "ErrorBody", "Cell", "Suggestion", "ReviewList", "ReviewSummary", "ReviewView", "ReviewNext", "ResolveReply", "ReviewFigures", "Overturned", "ConsensusFigures", "AnnotatorEstimate"]) {
      assert.ok(doc.components?.schemas?.[name] !== undefined, `component ${name} is not in the served document`);
    }
    await checkReply("GET", "/api/project");
    await checkReply("GET", "/api/stats");
    await checkReply("GET", "/api/dashboard");
    // Label enough for several retrains with audit picks, so curves, figures and advice fill in.
    for (let i = 0; i < 40; i++) {
      const it = ((await checkReply("GET", "/api/next?annotator=ana")) as ItemReply).item;
      await checkReply("POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: syntheticTruth(it.id), annotator: "ana", durationMs: 900 + i });
      if (i % 10 === 9) await srv.project.idle();
    }
    await srv.project.idle();
    const ahead = ((await checkReply("GET", "/api/next?annotator=ana&ahead=1")) as ItemReply).item;
    await checkReply("POST", `/api/items/${encodeURIComponent(ahead.id)}/skip`, { annotator: "ana" });
    await checkReply("DELETE", `/api/items/${encodeURIComponent(ahead.id)}/skip?annotator=ana`);
    await checkReply("DELETE", `/api/items/${encodeURIComponent(ahead.id)}/skip?annotator=ana`); // nothing left to take back: 404
    await checkReply("POST", `/api/items/${encodeURIComponent(ahead.id)}/skip`, { annotator: "ana" });
    const it = ((await checkReply("GET", "/api/next?annotator=bob")) as ItemReply).item;
    assert.notEqual(it.suggestion, null);
    await checkReply("POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: "spam", annotator: "bob" });
    await checkReply("DELETE", `/api/items/${encodeURIComponent(it.id)}/label?annotator=bob`);
    const stats = await checkReply("GET", "/api/stats");
    assert.ok((stats as { iterations: number }).iterations >= 4);
    const dash = (await checkReply("GET", "/api/dashboard")) as { curve: unknown[]; annotators: unknown[] };
    assert.ok(dash.curve.length > 0 && dash.annotators.length > 0, "the dashboard's arrays are filled, so their items were checked");
    await checkReply("POST", "/api/predict", { items: [{ text: "cheap pills", length: 11 }, { text: "meeting notes", length: null }] });
    await checkReply("GET", "/api/openapi.json");
    // The admin routes (single-user mode here: whoever runs the server).
    await checkReply("GET", "/api/settings");
    await checkReply("PATCH", "/api/settings", { overlap: 2, overlapShare: 0.5, adaptiveOverlap: 3, consensus: "dawid-skene" });
    // With overlap the dashboard carries the consensus figures (each annotator's estimate or why there is none).
    const withOverlap = (await checkReply("GET", "/api/dashboard")) as { consensus?: { annotators: unknown[] } };
    assert.ok((withOverlap.consensus?.annotators.length ?? 0) > 0, "the consensus figures' rows were checked");
    await checkReply("PATCH", "/api/settings", { consensus: "bayes" });
    await checkReply("PATCH", "/api/settings", { overlap: 1, consensus: "majority" });
    await checkReply("PATCH", "/api/settings", { overlapShare: 2, colour: "red" });
    const added = (await checkReply("POST", "/api/webhooks", { url: "http://127.0.0.1:9/hook", events: ["label.created"] })) as { webhook: { id: string } };
    await checkReply("POST", "/api/webhooks", { url: "ftp://example.com/" });
    await checkReply("GET", "/api/webhooks");
    await checkReply("GET", "/api/webhooks/deliveries?limit=5");
    await checkReply("GET", "/api/webhooks/deliveries?limit=0");
    await checkReply("DELETE", `/api/webhooks/${added.webhook.id}`);
    await checkReply("DELETE", `/api/webhooks/${added.webhook.id}`);

    // The review queue (spot checks of half the labels): list, lease, decide.
    const reviews = (await checkReply("GET", "/api/reviews?status=open&limit=5")) as { reviews: unknown[]; open: number };
    assert.ok(reviews.reviews.length > 0 && reviews.open > 0, "spot checks are open");
    const rv = (await checkReply("GET", "/api/review/next?reviewer=rita")) as { review: { review: { id: number; itemId: string }; seen: number; labels: unknown[] } };
    assert.ok(rv.review.labels.length > 0, "the labels were checked against the schema");
    await checkReply("POST", `/api/review/${rv.review.review.id}/resolve`, { label: syntheticTruth(rv.review.review.itemId), seen: rv.review.seen, reviewer: "rita" });
    await checkReply("GET", "/api/reviews?status=resolved");
    await checkReply("POST", `/api/review/${rv.review.review.id}/resolve`, { label: "spam", seen: rv.review.seen, reviewer: "rita" }); // resolved already: 409
    await checkReply("POST", "/api/review/999999/resolve", { label: "spam", seen: 0, reviewer: "rita" });
    await checkReply("POST", "/api/review/x/resolve", { label: "eggs", seen: -1 });
    await checkReply("GET", "/api/reviews?status=closed&limit=0");
    await checkReply("GET", "/api/review/next");

    // Errors have the documented shape too.
    await checkReply("GET", "/api/next");
    await checkReply("POST", `/api/items/${encodeURIComponent(it.id)}/label`, { label: "eggs", annotator: 3, colour: "red" });
    await checkReply("POST", "/api/items/no-such-item/label", { label: "spam", annotator: "ana" });
    const held = ((await checkReply("GET", "/api/next?annotator=cy")) as ItemReply).item;
    await checkReply("POST", `/api/items/${encodeURIComponent(held.id)}/label`, { label: "spam", annotator: "dee" });
    await checkReply("POST", `/api/items/${encodeURIComponent(held.id)}/skip`, {}, JSON.stringify({ pad: "x".repeat(2 << 20) }));
    await checkReply("DELETE", "/api/items/no-such-item/label?annotator=ana");
    await checkReply("POST", "/api/predict", { items: [{ colour: "red" }] });
    await checkReply("GET", "/api/export?format=xml");
    await checkReply("GET", "/api/export?annotations=some");

    // The export is no JSON: its content types are the documented ones.
    for (const format of ["jsonl", "csv"]) {
      const r = await call(srv.url, "GET", `/api/export?format=${format}`);
      assert.equal(r.status, 200);
      const types = Object.keys(doc.paths["/api/export"].get.responses["200"].content ?? {});
      assert.ok(types.some((t) => (r.headers.get("content-type") ?? "").startsWith(t)), `${r.headers.get("content-type")} not in ${types.join(", ")}`);
      seen.add(`get /api/export 200`);
    }
    // The session routes: open mode first, then with an account (accounts are read per request).
    await checkReply("GET", "/api/me");
    await checkReply("POST", "/api/login", { name: "ana", password: "ana-password" });
    await checkReply("POST", "/api/logout");
    await addUser(srv.project.store, "ana", "annotator");
    await setPassword(srv.project.store, "ana", "ana-password");
    await checkReply("POST", "/api/login", { name: "ana" });
    await checkReply("POST", "/api/login", { name: "ana", password: "wrong-password" });
    const login = (await checkReply("POST", "/api/login", { name: "ana", password: "ana-password" })) as { csrfToken: string };
    const cookie = (lastHeaders.get("set-cookie") ?? "").split(";")[0];
    await checkReply("GET", "/api/me", undefined, undefined, { cookie });
    await checkReply("POST", "/api/logout", undefined, undefined, { cookie });
    await checkReply("POST", "/api/logout", undefined, undefined, { cookie, "x-csrf-token": login.csrfToken });
    await checkReply("GET", "/api/me", undefined, undefined, { cookie });
    for (let i = 0; i < 5; i++) await checkReply("POST", "/api/login", { name: "ana", password: "wrong-password" });
    await checkReply("POST", "/api/login", { name: "ana", password: "ana-password" });
    for (const s of ["get /api/me 200", "get /api/me 401", "post /api/login 200", "post /api/login 400", "post /api/login 401", "post /api/login 409", "post /api/login 429", "post /api/logout 200", "post /api/logout 403"]) assert.ok(seen.has(s), s);

    // The image route, on an image project (init --data DIR/): the image (no JSON: a documented image type), 404, 415.
    const imageRoot = fs.mkdtempSync(path.join(os.tmpdir(), "activelearn-contract-images-"));
    try {
      const images = path.join(imageRoot, "images");
      const files = await writeImageFolder(images, { cat: 4, dog: 4 });
      await initProject({ dir: path.join(imageRoot, "proj"), data: images, labels: ["cat", "dog"], imageFeatures: [{ kind: "pixels", size: 4 }] });
      fs.writeFileSync(path.join(images, files[1]), "not an image");
      const imgSrv = await startServer({ projectDir: path.join(imageRoot, "proj"), port: 0, quiet: true });
      try {
        base = imgSrv.url;
        const r = await call(imgSrv.url, "GET", `/api/items/${encodeURIComponent(files[0])}/image/image`);
        assert.equal(r.status, 200);
        const types = Object.keys(doc.paths["/api/items/{id}/image/{field}"].get.responses["200"].content ?? {});
        assert.ok(types.includes(r.headers.get("content-type") ?? ""), `${r.headers.get("content-type")} not in ${types.join(", ")}`);
        seen.add("get /api/items/{id}/image/{field} 200");
        await checkReply("GET", `/api/items/${encodeURIComponent(files[1])}/image/image`);
        await checkReply("GET", `/api/items/${encodeURIComponent(files[0])}/image/label`);
        await checkReply("GET", "/api/items/no-such-item/image/image");
        await checkReply("GET", "/api/project");
      } finally {
        base = srv.url;
        await imgSrv.close();
      }
    } finally {
      fs.rmSync(imageRoot, { recursive: true, force: true });
    }
    for (const s of ["get /api/items/{id}/image/{field} 404", "get /api/items/{id}/image/{field} 415"]) assert.ok(seen.has(s), s);

    for (const route of API_ROUTES) assert.ok([...seen].some((s) => s.startsWith(`${route.method} ${route.path} 2`)), `${route.method} ${route.path} was never called with success`);
    for (const s of ["post /api/items/{id}/label 400", "post /api/items/{id}/label 404", "post /api/items/{id}/label 409", "post /api/items/{id}/skip 413", "get /api/next 400", "post /api/predict 400", "patch /api/settings 400", "post /api/webhooks 400", "get /api/webhooks/deliveries 400", "delete /api/webhooks/{id} 404", "post /api/review/{id}/resolve 409", "post /api/review/{id}/resolve 404", "post /api/review/{id}/resolve 400", "get /api/reviews 400", "get /api/review/next 400"]) assert.ok(seen.has(s), s);
  } finally {
    await srv.close();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

void test("a reply that drifts from the contract fails the validator (it can fail)", () => {
  const doc: SchemaDocument = { components: { schemas: { P: { type: "object", properties: { n: { type: "integer" }, s: { anyOf: [{ type: "string" }, { type: "null" }] } }, required: ["n", "s"], additionalProperties: false } } } };
  const p: JsonSchema = { $ref: "#/components/schemas/P" };
  assert.deepEqual(validateJson(p, { n: 1, s: null }, doc), []);
  assert.match(validateJson(p, { n: 1.5, s: null }, doc).join(), /\$\.n: expected integer, got number/);
  assert.match(validateJson(p, { n: 1 }, doc).join(), /field "s" is missing/);
  assert.match(validateJson(p, { n: 1, s: "x", extra: 1 }, doc).join(), /field "extra" is not in the schema/);
  assert.match(validateJson(p, { n: 1, s: 3 }, doc).join(), /fits none of 2 alternatives/);
});

void test("the browser client's types (src/web/contract.gen.ts) are generated from the current schemas", () => {
  assert.equal(fs.readFileSync(WEB_TYPES_PATH, "utf8"), webTypes(), "src/web/contract.gen.ts is out of date: run `npm run contract:types`");
});
