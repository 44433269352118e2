/**
 * Every route of the labeling API, one definition each: method, path, request schemas (query,
 * path, JSON body) and response schemas. The server validates requests with these schemas, types
 * its handlers from them and generates /api/openapi.json from them; the web client's types are
 * generated from the same document (src/web/contract.gen.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_ROUTES } from "./admin-routes.js";
import { NameSchema, DurationSchema, PersonSchema, RecordsSchema } from "./fields.js";
import { CallerSchema, DashboardSchema, ErrorSchema, LabelResultSchema, NextReplySchema, OkSchema, PredictReplySchema, ProjectSchema, StatsSchema } from "./schemas.js";
import { REVIEW_ROUTES } from "./review-routes.js";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } }) as const;
const error = (description: string) => json(ErrorSchema, description);
const idParams = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, description: "item id (the --id column, else the 1-based row number of the imported file)" }) });
const annotatorQuery = z.object({ annotator: PersonSchema.optional().openapi({ param: { name: "annotator", in: "query" }, description: "who acts: required when the project has no accounts; with a token the caller is the token's user, so leave it out or give that name (another name is a 403; an admin's undo may name whose label to undo)" }) });
/** The refusals of the accounts layer: no or a bad token (401), a role that may not or acting as someone else (403). */
const auth = { 401: error("UNAUTHORIZED: the project has accounts and the request has no valid Authorization: Bearer token or session cookie"), 403: error("FORBIDDEN: the caller's role may not, or the request names another annotator, or its Origin is another site's, or a state-changing request of a session lacks its X-CSRF-Token header") } as const;
/** A state-changing request with a body: also a Content-Type other than JSON (415). */
const jsonOnly = { ...auth, 415: error("UNSUPPORTED_MEDIA_TYPE: a non-empty body must be sent as Content-Type: application/json") } as const;

export const nextRoute = createRoute({
  method: "get",
  path: "/api/next",
  summary:
    "The next item to label, leased to the annotator (5 minutes, renewed on each call). Asking again before labeling returns the same item. With ahead=1, the item after it (an annotator holds at most two: the current one and one fetched ahead, so the page shows the next item without a wait).",
  request: {
    query: annotatorQuery.extend({
      ahead: z.enum(["0", "1"], { error: (iss) => `ahead must be 0 or 1, got ${JSON.stringify(iss.input)}` }).optional().openapi({ param: { name: "ahead", in: "query" }, description: "1: the item after the current one" }),
    }),
  },
  responses: { ...auth, 200: json(NextReplySchema, "an item"), 204: { description: "nothing is left for this annotator (all labeled, skipped by them, or held by others)" }, 400: error("bad query"), 429: error("TOO_MANY_LEASES: all annotators together hold the most live leases the pool allows (max(100, 10% of the pool)); try again when an item is labeled or a lease expires") },
});

export const LabelBodySchema = z.strictObject({ label: NameSchema.openapi({ description: "one of the project's labels" }), annotator: PersonSchema.optional().openapi({ description: "who labels: required when the project has no accounts; with a token leave it out or give the token user's name (another is a 403)" }), durationMs: DurationSchema });

export const labelRoute = createRoute({
  method: "post",
  path: "/api/items/{id}/label",
  summary: "Label an item. The same label from the same annotator on the same item again stores nothing (201 either way).",
  request: { params: idParams, body: { required: true, content: { "application/json": { schema: LabelBodySchema } } } },
  responses: { 201: json(LabelResultSchema, "stored"), 400: error("bad body (every problem named)"), 404: error("no such item"), 409: error("the item is held by another annotator"), 413: error("body over 1 MiB"), ...jsonOnly },
});

export const undoRoute = createRoute({
  method: "delete",
  path: "/api/items/{id}/label",
  summary: "Undo this annotator's last label on the item; if the item is left unlabeled it is served to them next.",
  request: { params: idParams, query: annotatorQuery },
  responses: { 200: json(LabelResultSchema, "undone"), 400: error("bad query"), 404: error("no such item, or nothing to undo"), 409: error("conflict"), ...auth },
});

export const SkipBodySchema = z.strictObject({ annotator: PersonSchema.optional().openapi({ description: "who skips (required here unless given as the annotator query parameter)" }) });

export const skipRoute = createRoute({
  method: "post",
  path: "/api/items/{id}/skip",
  summary: "Pass on an item: its lease ends and it is not offered to this annotator again. The annotator comes in the body or, for convenience, the query.",
  request: {
    params: idParams,
    query: z.object({ annotator: PersonSchema.optional().openapi({ param: { name: "annotator", in: "query" }, description: "who skips, when the body does not say" }) }),
    body: { required: true, content: { "application/json": { schema: SkipBodySchema } } },
  },
  responses: { 200: json(OkSchema, "skipped"), 400: error("bad body"), 404: error("no such item"), 409: error("the item is held by another annotator"), 413: error("body over 1 MiB"), ...jsonOnly },
});

export const unskipRoute = createRoute({
  method: "delete",
  path: "/api/items/{id}/skip",
  summary: "Take back this annotator's skip of the item: it is offered to them again (first). A skip is only ever the skipping annotator's: it never hides the item from anyone else.",
  request: { params: idParams, query: annotatorQuery },
  responses: { 200: json(OkSchema, "the skip is taken back"), 400: error("bad query"), 404: error("no such item, or this annotator has not skipped it"), ...auth },
});

export const imageRoute = createRoute({
  method: "get",
  path: "/api/items/{id}/image/{field}",
  summary:
    "The image file named by the item's cell of the project's image column (init --image COL or --data DIR/), a path relative to the project's image folder. Only a PNG, JPEG or WebP file (told by its first bytes, which set the Content-Type) of at most 20 MiB inside that folder is served (no path or symbolic link leading out). An annotator gets only images of items leased to them or labeled by them.",
  request: {
    params: z.object({
      id: idParams.shape.id,
      field: z.string().openapi({ param: { name: "field", in: "path" }, description: "the project's image column" }),
    }),
  },
  responses: {
    ...auth,
    200: { description: "the image bytes (X-Content-Type-Options: nosniff)", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) }, "image/jpeg": { schema: z.string().openapi({ format: "binary" }) }, "image/webp": { schema: z.string().openapi({ format: "binary" }) } } },
    400: error("bad percent-encoding in the path"),
    404: error("NOT_FOUND: no such item, the field is not the project's image column, or the file is missing or outside the image folder (the message names the field)"),
    413: error("TOO_LARGE: the image file is over 20 MiB"),
    415: error("UNSUPPORTED_MEDIA_TYPE: the file is not a PNG, JPEG or WebP image (by its first bytes)"),
  },
});

export const statsRoute = createRoute({
  method: "get",
  path: "/api/stats",
  summary: "Counts, current metrics, the headline accuracy with its interval and the stopping advice",
  responses: { ...auth, 200: json(StatsSchema, "stats") },
});

export const projectRoute = createRoute({ method: "get", path: "/api/project", summary: "Project settings", responses: { ...auth, 200: json(ProjectSchema, "settings") } });

export const dashboardRoute = createRoute({
  method: "get",
  path: "/api/dashboard",
  summary: "Stopping advice, headline accuracy with its interval, learning curve with intervals, label counts, labels saved against random sampling, annotators",
  responses: { ...auth, 200: json(DashboardSchema, "dashboard") },
});

export const exportRoute = createRoute({
  method: "get",
  path: "/api/export",
  summary: "The labeled items with their current label, annotator and time",
  request: {
    query: z.object({
      format: z.enum(["jsonl", "csv"], { error: (iss) => `format must be jsonl or csv, got ${JSON.stringify(iss.input)}` }).default("jsonl").openapi({ param: { name: "format", in: "query" } }),
      annotations: z
        .enum(["all"], { error: (iss) => `annotations must be all (every annotation record), got ${JSON.stringify(iss.input)}` })
        .optional()
        .openapi({ param: { name: "annotations", in: "query" }, description: "all: the audit trail in long format instead (item id, annotator, label, kind, time, duration, audit flag), one row per record in the order they were made" }),
    }),
  },
  responses: {
    ...auth,
    200: {
      description:
        "JSON Lines ({id, data, label, annotator, labeledAt} per line) or CSV (id, fields, label, annotator, labeled_at), streamed (chunked) at the pace the client reads. In CSV, a cell starting with =, +, -, @, TAB or CR gets a leading ' so spreadsheets show it as text instead of running it as a formula (cells that are plain numbers, such as -3.5, are left as they are).",
      content: { "application/x-ndjson": { schema: z.string() }, "text/csv": { schema: z.string() } },
    },
    400: error("bad format"),
  },
});

export const PredictBodySchema = z.strictObject({ items: RecordsSchema });

export const predictRoute = createRoute({
  method: "post",
  path: "/api/predict",
  summary:
    "Class probabilities of new items with the latest model (at most 1,000 items per call). Every item must have exactly the fields the model was trained on (null for a missing value): a missing or unknown field is a 400 naming them, never a prediction from the prior alone.",
  request: { body: { required: true, content: { "application/json": { schema: PredictBodySchema } } } },
  responses: { 200: json(PredictReplySchema, "one prediction per item, in order"), 400: error("bad body"), 409: error("no model yet"), 413: error("body over 1 MiB"), ...jsonOnly },
});

export const openApiRoute = createRoute({
  method: "get",
  path: "/api/openapi.json",
  summary: "This document, generated from the route schemas",
  responses: { ...auth, 200: { description: "OpenAPI 3.1", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } } },
});

// ---- Sessions: the web login (name and password, or a token link), logout, who am I.

export const LoginBodySchema = z.strictObject({
  name: z.string({ error: (iss) => `must be a string, got ${iss.input === null ? "null" : typeof iss.input}` }).max(200, { error: "is longer than 200 characters" }).optional().openapi({ description: "the account's name (with password)" }),
  password: z.string({ error: (iss) => `must be a string, got ${iss.input === null ? "null" : typeof iss.input}` }).max(1024, { error: "is longer than 1024 characters" }).optional().openapi({ description: "the account's password (activelearn users DIR password NAME sets it)" }),
  token: z.string({ error: (iss) => `must be a string, got ${iss.input === null ? "null" : typeof iss.input}` }).max(200, { error: "is longer than 200 characters" }).optional().openapi({ description: "a login token instead of name and password (what a token link carries)" }),
});

export const loginRoute = createRoute({
  method: "post",
  path: "/api/login",
  summary:
    "Log in with {name, password} or {token}: sets the session cookie (al_session: HttpOnly, SameSite=Strict, Path=/, 12 hours) and returns the caller with the CSRF token to send as X-CSRF-Token on every state-changing request of the session. Failed attempts are limited per name (5) and per client address (20) in 15 minutes.",
  request: { body: { required: true, content: { "application/json": { schema: LoginBodySchema } } } },
  responses: {
    200: json(CallerSchema, "logged in; Set-Cookie carries the session"),
    400: error("bad body: neither {name, password} nor {token}"),
    401: error("UNAUTHORIZED: wrong name, password or token (the message does not say which)"),
    403: error("FORBIDDEN: the Origin is another site's"),
    409: error("CONFLICT: the project has no accounts, so there is nothing to log in to"),
    413: error("body over 1 MiB"),
    415: error("UNSUPPORTED_MEDIA_TYPE: the body must be sent as Content-Type: application/json"),
    429: error("TOO_MANY_ATTEMPTS: too many failed logins for this name or from this address; the Retry-After header says how many seconds to wait"),
  },
});

export const logoutRoute = createRoute({
  method: "post",
  path: "/api/logout",
  summary: "End the caller's session (if any) and clear the session cookie. With a live session the X-CSRF-Token header is required.",
  responses: { 200: json(OkSchema, "logged out (also when there was no session)"), 403: error("FORBIDDEN: a live session without its X-CSRF-Token header, or a foreign Origin") },
});

export const meRoute = createRoute({
  method: "get",
  path: "/api/me",
  summary: "The caller: name, role, how the request was authenticated, and with a session its CSRF token",
  responses: { ...auth, 200: json(CallerSchema, "the caller") },
});

/** Every API route, in the order of the document. */
export const API_ROUTES = [
  nextRoute, labelRoute, undoRoute, skipRoute, unskipRoute, imageRoute, statsRoute, projectRoute, dashboardRoute, exportRoute, predictRoute, openApiRoute,
  ...ADMIN_ROUTES,
  loginRoute, logoutRoute, meRoute,
  // The review queue (review-routes.ts).
  ...REVIEW_ROUTES,
] as const;
