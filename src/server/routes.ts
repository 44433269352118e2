/**
 * The routes of `activelearn serve` on hono: each API route's handler is registered from its
 * contract definition (src/contract/routes.ts), validates its query, path and body with that
 * definition's schemas, and answers with a body of that definition's response type. Pages and
 * static files, 404, 405 with Allow, and the one error shape `{error: {code, message}}` are here too.
 *
 * @example
 * const app = apiApp({ project, exporter, log });
 * const listener = getRequestListener(app.fetch);
 */
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { API_ROUTES, dashboardRoute, exportRoute, imageRoute, LabelBodySchema, labelRoute, nextRoute, openApiRoute, PredictBodySchema, predictRoute, projectRoute, SkipBodySchema, skipRoute, statsRoute, undoRoute, unskipRoute } from "../contract/routes.js";
import { ResolveBodySchema, reviewNextRoute, reviewsRoute } from "../contract/review-routes.js";
import type { ResolveReplySchema, ReviewListSchema, ReviewNextSchema } from "../contract/review-schemas.js";
import type { DashboardSchema, LabelResultSchema, NextReplySchema, OkSchema, PredictReplySchema, ProjectSchema, StatsSchema } from "../contract/schemas.js";
import { ActiveLearnError } from "../errors.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { accessControl, actingAnnotator, type AccessVariables } from "./access.js";
import type { Exporter } from "./exporter.js";
import type { User } from "../auth/users.js";
import { errorReply, jsonResponse, readJson } from "./http.js";
import { openApiDocument } from "./openapi.js";
import { registerLogin } from "./login.js";
import type { LabelingProject } from "./project.js";
import { page, SECURITY_HEADERS, staticFile } from "./static.js";
import { check, Problems, type Where } from "./validate.js";

type Env = { Bindings: HttpBindings; Variables: AccessVariables };
type Ctx = Context<Env>;

/** Test-only hooks into the real server (never settable from the CLI): fail or observe requests. */
export interface ServerFaults {
  /**
   * Called for every request before it is handled, with its method and path (query included).
   * Return an error to answer with instead (status, code, message), or null to serve normally.
   */
  intercept?(method: string, path: string): { status: number; code: string; message: string } | null;
}

export interface ApiOptions {
  readonly project: LabelingProject;
  readonly exporter: Exporter;
  readonly version: string;
  readonly log: (line: string) => void;
  readonly faults?: ServerFaults;
}

/** A route's path as a pattern on the raw (still percent-encoded) path, its parameters captured. */
const patternOf = (openApiPath: string): RegExp => new RegExp(`^${openApiPath.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "([^/]+)")}$`);

/** Every served path and its methods, for 405 with Allow (and HEAD, allowed on pages only). */
const METHODS: readonly { readonly pattern: RegExp; readonly methods: readonly string[] }[] = (() => {
  const byPath = new Map<string, string[]>();
  for (const r of API_ROUTES) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.method.toUpperCase()]);
  return [
    ...[...byPath].map(([p, methods]) => ({ pattern: patternOf(p), methods })),
    { pattern: /^\/$/, methods: ["GET", "HEAD"] },
    { pattern: /^\/dashboard\/?$/, methods: ["GET", "HEAD"] },
    { pattern: /^\/review\/?$/, methods: ["GET", "HEAD"] },
    { pattern: /^\/static\/(.+)$/, methods: ["GET", "HEAD"] },
    { pattern: /^\/login$/, methods: ["GET", "HEAD"] },
  ];
})();

function decodeParam(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ActiveLearnError("BAD_INPUT", `malformed percent-encoding in the path: "${s}"`);
  }
}

const parsedUrls = new WeakMap<object, URL>();

/** The raw path of the request (percent-encoding kept) and its query; parsed once per request. */
function urlOf(c: { readonly req: { readonly raw: Request; readonly url: string } }): URL {
  let u = parsedUrls.get(c.req.raw);
  if (u === undefined) {
    u = new URL(c.req.url);
    parsedUrls.set(c.req.raw, u);
  }
  return u;
}

/** The path parameter `id` of /api/items/{id}/..., decoded (a 400 for bad percent-encoding). */
function itemId(c: Ctx): string {
  const m = /^\/api\/items\/([^/]+)\//.exec(urlOf(c).pathname);
  if (m === null) throw new ActiveLearnError("NOT_FOUND", `nothing at ${urlOf(c).pathname}`);
  return decodeParam(m[1]);
}

/** The query as an object (the first value of a repeated parameter). */
function queryOf(c: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of urlOf(c).searchParams) if (!(k in out)) out[k] = v;
  return out;
}

/** A type with every array and field read-only (what a handler may hand to {@link reply}). */
type Immutable<T> = T extends readonly (infer U)[] ? readonly Immutable<U>[] : T extends object ? { readonly [K in keyof T]: Immutable<T[K]> } : T;

/** A reply whose body has the type of the route's response schema (checked by tsc). */
function reply<S extends z.ZodType>(status: number, body: Immutable<z.input<S>>): Response {
  return jsonResponse(status, body);
}

function html(name: "index.html" | "dashboard.html" | "login.html" | "review.html", projectName: string): Response {
  const f = page(name, projectName);
  return new Response(new Uint8Array(f.body), { status: 200, headers: { "content-type": f.contentType, "content-length": String(f.body.length), "cache-control": "no-cache", ...SECURITY_HEADERS } });
}

/** The hono app of the API and the web pages for one project. */
export function apiApp(o: ApiOptions): OpenAPIHono<Env> {
  const { project, exporter } = o;
  const app = new OpenAPIHono<Env>();
  const document = openApiDocument(o.version);

  app.use("*", async (c, next) => {
    const url = urlOf(c);
    const injected = o.faults?.intercept?.(c.req.method, url.pathname + url.search) ?? null;
    if (injected !== null) return jsonResponse(injected.status, { error: { code: injected.code, message: injected.message } });
    // HEAD is answered like GET for pages and files only: a HEAD on /api/next must not lease an item.
    if (c.req.method === "HEAD" && url.pathname.startsWith("/api/")) {
      const allow = METHODS.find((m) => m.pattern.test(url.pathname))?.methods.join(", ");
      if (allow === undefined) throw new ActiveLearnError("NOT_FOUND", `nothing at ${url.pathname}`);
      return notAllowed("HEAD", url.pathname, allow);
    }
    await next();
  });
  app.use("*", accessControl(project.store));

  const query = <S extends z.ZodType>(p: Problems, c: Ctx, schema: S): z.output<S> | null => p.parse(schema, queryOf(c), "query");
  const body = async <S extends z.ZodType>(p: Problems, c: Ctx, schema: S, where: Where = "body"): Promise<z.output<S> | null> => p.parse(schema, await readJson(c.env.incoming), where);
  const honoPath = (p: string): string => p.replace(/\{([^}]+)\}/g, ":$1");

  app.on("GET", honoPath(nextRoute.path), (c) => {
    const p = new Problems();
    const q = query(p, c, nextRoute.request.query);
    const who = actingAnnotator(c.get("user"), q?.annotator, "query", p);
    check(p);
    const item = project.next(who, Date.now(), q!.ahead === "1");
    if (item === null) return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
    return reply<typeof NextReplySchema>(200, { item });
  });

  app.on("POST", honoPath(labelRoute.path), async (c) => {
    const id = itemId(c);
    const p = new Problems();
    const b = await body(p, c, LabelBodySchema);
    if (b !== null && !project.meta.labels.includes(b.label)) p.list.push(`body: unknown label "${b.label}"; the project's labels are ${project.meta.labels.map((l) => `"${l}"`).join(", ")}`);
    const who = b === null ? "" : actingAnnotator(c.get("user"), b.annotator, "body", p);
    check(p);
    const labeled = project.label(id, b!.label, who, b!.durationMs ?? null);
    return reply<typeof LabelResultSchema>(201, { ok: true, labeled });
  });

  app.on("DELETE", honoPath(undoRoute.path), (c) => {
    const id = itemId(c);
    const p = new Problems();
    const q = query(p, c, undoRoute.request.query);
    // An admin ("all") may name whose label to undo; everyone else undoes only their own.
    const who = actingAnnotator(c.get("user"), q?.annotator, "query", p, c.get("access") === "all");
    check(p);
    const labeled = project.undo(id, who);
    return reply<typeof LabelResultSchema>(200, { ok: true, labeled });
  });

  app.on("POST", honoPath(skipRoute.path), async (c) => {
    const id = itemId(c);
    const p = new Problems();
    const b = await body(p, c, SkipBodySchema);
    const q = query(p, c, skipRoute.request.query);
    // The annotator may come in the body or, for convenience, the query.
    const who = b === null || q === null ? "" : actingAnnotator(c.get("user"), b.annotator ?? q.annotator, "body", p);
    check(p);
    project.skip(id, who);
    return reply<typeof OkSchema>(200, { ok: true });
  });

  app.on("DELETE", honoPath(unskipRoute.path), (c) => {
    const id = itemId(c);
    const p = new Problems();
    const q = query(p, c, unskipRoute.request.query);
    const who = actingAnnotator(c.get("user"), q?.annotator, "query", p);
    check(p);
    project.unskip(id, who);
    return reply<typeof OkSchema>(200, { ok: true });
  });

  app.on("GET", honoPath(imageRoute.path), (c) => {
    const m = /^\/api\/items\/([^/]+)\/image\/([^/]+)$/.exec(urlOf(c).pathname);
    if (m === null) throw new ActiveLearnError("NOT_FOUND", `nothing at ${urlOf(c).pathname}`);
    const user = c.get("user");
    // An annotator ("own") reaches only the items GET /api/next gave them.
    const img = project.image(decodeParam(m[1]), decodeParam(m[2]), c.get("access") === "own" && user !== null ? user.name : undefined);
    return new Response(new Uint8Array(img.bytes.buffer, img.bytes.byteOffset, img.bytes.length), {
      status: 200,
      headers: { "content-type": img.contentType, "content-length": String(img.bytes.length), "cache-control": "private, no-cache", "content-disposition": "inline", ...SECURITY_HEADERS },
    });
  });

  app.on("GET", statsRoute.path, () => reply<typeof StatsSchema>(200, project.stats()));
  app.on("GET", projectRoute.path, () => reply<typeof ProjectSchema>(200, project.info()));
  app.on("GET", dashboardRoute.path, (c) => {
    const d = project.dashboard();
    // An annotator ("own") sees only their own row of the per-annotator table.
    const user = c.get("user");
    if (c.get("access") !== "own" || user === null) return reply<typeof DashboardSchema>(200, d);
    const mine = { ...d, annotators: d.annotators.filter((a) => a.name === user.name), reviews: { ...d.reviews, overturned: d.reviews.overturned.filter((a) => a.name === user.name) } };
    const own = d.consensus === undefined ? mine : { ...mine, consensus: { ...d.consensus, annotators: d.consensus.annotators.filter((a) => a.name === user.name) } };
    return reply<typeof DashboardSchema>(200, d.gold === undefined ? own : { ...own, gold: { ...d.gold, flagged: d.gold.annotators.filter((a) => a.name === user.name && a.flagged).length, annotators: d.gold.annotators.filter((a) => a.name === user.name) } });
  });
  app.on("GET", openApiRoute.path, () => jsonResponse(200, document));

  app.on("GET", exportRoute.path, async (c) => {
    const p = new Problems();
    const q = query(p, c, exportRoute.request.query);
    check(p);
    const format = q!.format;
    const all = q!.annotations === "all";
    const type = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
    // Streamed on the raw node response from the export worker a page at a time (chunked
    // encoding), at the pace the client reads: never the whole export as one string, never on
    // this thread.
    const res = c.env.outgoing;
    res.writeHead(200, { "content-type": type, "content-disposition": `attachment; filename="${project.meta.name.replace(/[^\w.-]/g, "_")}-${all ? "annotations" : "labels"}.${format}"`, "cache-control": "no-store" });
    try {
      await exporter.stream(format, res, all);
    } catch (e) {
      o.log(`export failed: ${e instanceof Error ? e.message : String(e)}`);
      res.destroy();
    }
    return RESPONSE_ALREADY_SENT;
  });

  app.on("POST", predictRoute.path, async (c) => {
    const p = new Problems();
    const b = await body(p, c, PredictBodySchema);
    if (b !== null) p.trainedFields(b.items, project.meta.fields);
    check(p);
    return reply<typeof PredictReplySchema>(200, { predictions: project.predict(b!.items) });
  });

  registerAdminRoutes(app, project, o.log);
  // The web login: /login, /api/login, /api/logout, /api/me (./login.ts).
  registerLogin(app, { store: project.store, page: () => html("login.html", project.meta.name) });
  // The review queue (review-routes.ts; reviewers and admins).
  app.on("GET", reviewsRoute.path, (c) => {
    const p = new Problems();
    const q = query(p, c, reviewsRoute.request.query);
    check(p);
    return reply<typeof ReviewListSchema>(200, project.reviewList(q!.status, q!.after ?? 0, q!.limit ?? 100));
  });

  app.on("GET", reviewNextRoute.path, (c) => {
    const p = new Problems();
    const q = query(p, c, reviewNextRoute.request.query);
    const who = actingReviewer(c.get("user"), q?.reviewer, "query", p);
    check(p);
    return reply<typeof ReviewNextSchema>(200, { review: project.reviewNext(who, Date.now(), q!.skip) });
  });

  app.on("POST", "/api/review/:id/resolve", async (c) => {
    const p = new Problems();
    const raw = decodeParam(/^\/api\/review\/([^/]+)\/resolve$/.exec(urlOf(c).pathname)?.[1] ?? "");
    const id = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : null;
    if (id === null) p.list.push(`path: review id must be a positive whole number, got ${JSON.stringify(raw.slice(0, 100))}`);
    const b = await body(p, c, ResolveBodySchema);
    if (b !== null && !project.meta.labels.includes(b.label)) p.list.push(`body: field "label": unknown label "${b.label}"; the project's labels are ${project.meta.labels.map((l) => `"${l}"`).join(", ")}`);
    const who = b === null ? "" : actingReviewer(c.get("user"), b.reviewer, "body", p);
    check(p);
    const r = project.resolveReview(id!, b!.label, b!.seen, who);
    return reply<typeof ResolveReplySchema>(200, { review: r.summary, annotationId: r.annotationId, accepted: r.accepted });
  });

  app.get("/review", () => html("review.html", project.meta.name));
  app.get("/review/", () => html("review.html", project.meta.name));

  app.get("/", () => html("index.html", project.meta.name));
  app.get("/dashboard", () => html("dashboard.html", project.meta.name));
  app.get("/dashboard/", () => html("dashboard.html", project.meta.name));
  app.get("/static/*", (c) => {
    const rel = urlOf(c).pathname.slice("/static/".length);
    const f = rel === "" ? null : staticFile(decodeParam(rel));
    if (f === null) throw new ActiveLearnError("NOT_FOUND", `no static file "${rel}"`);
    return new Response(new Uint8Array(f.body), { status: 200, headers: { "content-type": f.contentType, "content-length": String(f.body.length), "cache-control": "no-cache", ...SECURITY_HEADERS } });
  });

  app.notFound((c) => {
    const pathname = urlOf(c).pathname;
    const known = METHODS.find((m) => m.pattern.test(pathname));
    if (known !== undefined) return notAllowed(c.req.method, pathname, known.methods.filter((m) => m !== "HEAD").join(", "));
    return jsonResponse(404, errorReply(new ActiveLearnError("NOT_FOUND", `nothing at ${pathname}`)).body);
  });

  app.onError((e, c) => {
    const { status, body: errorBody } = errorReply(e);
    if (status >= 500) o.log(`internal error on ${c.req.method} ${urlOf(c).pathname}: ${e.stack ?? e.message}`);
    const allow = (e as { allow?: unknown }).allow;
    const headers: Record<string, string> = {};
    if (status === 413) headers.connection = "close";
    if (typeof allow === "string") headers.allow = allow;
    return jsonResponse(status, errorBody, headers);
  });
  return app;
}

/** Who reviews: the account's name, or in open mode the named reviewer (required). Naming someone else is a 403. */
function actingReviewer(user: User | null, named: string | undefined, where: "query" | "body", p: Problems): string {
  if (user === null) {
    if (named === undefined) p.list.push(`${where}: field "reviewer" is required`);
    return named ?? "";
  }
  if (named === undefined || named === user.name) return user.name;
  throw new ActiveLearnError("FORBIDDEN", `${where}: field "reviewer": you are signed in as "${user.name}" and may not act as "${named}" (leave the field out)`);
}

function notAllowed(method: string, pathname: string, allow: string): Response {
  return jsonResponse(405, errorReply(new ActiveLearnError("NOT_ALLOWED", `${method} is not allowed on ${pathname}; allowed: ${allow}`)).body, { allow });
}
