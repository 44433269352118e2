/**
 * The review queue's routes (src/server/reviews.ts), one definition each as in routes.ts: the
 * list, the next review for a reviewer (leased to them), and a decision. Reviewers and admins
 * only (src/auth/policy.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NameSchema, PersonSchema } from "./fields.js";
import { ErrorSchema } from "./schemas.js";
import { ResolveReplySchema, ReviewListSchema, ReviewNextSchema } from "./review-schemas.js";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } }) as const;
const error = (description: string) => json(ErrorSchema, description);
const auth = { 401: error("UNAUTHORIZED: the project has accounts and the request has no valid Authorization: Bearer token"), 403: error("FORBIDDEN: only reviewers and admins review, or the request names another reviewer") } as const;

/** A whole number in a query string, min..max. */
const wholeQuery = (name: string, min: number, max: number) =>
  z
    .string()
    .check((ctx) => {
      const n = Number(ctx.value);
      if (!/^\d{1,12}$/.test(ctx.value) || n < min || n > max) ctx.issues.push({ code: "custom", message: `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(ctx.value)}`, input: ctx.value });
    })
    .transform(Number);

const reviewerQuery = PersonSchema.optional().openapi({ param: { name: "reviewer", in: "query" }, description: "who reviews: required when the project has no accounts; with a token the caller is the token's user (another name is a 403)" });

export const reviewsRoute = createRoute({
  method: "get",
  path: "/api/reviews",
  summary: "The review queue: reviews oldest first with why each item is in review (paged by id)",
  request: {
    query: z.object({
      status: z.enum(["open", "resolved"], { error: (iss) => `status must be open or resolved, got ${JSON.stringify(iss.input)}` }).default("open").openapi({ param: { name: "status", in: "query" } }),
      after: wholeQuery("after", 0, Number.MAX_SAFE_INTEGER).optional().openapi({ param: { name: "after", in: "query" }, type: "integer", description: "only reviews with a higher id (the last id of the previous page)" }),
      limit: wholeQuery("limit", 1, 1000).optional().openapi({ param: { name: "limit", in: "query" }, type: "integer", description: "at most this many (1..1000, default 100)" }),
    }),
  },
  responses: { ...auth, 200: json(ReviewListSchema, "reviews"), 400: error("bad query") },
});

export const reviewNextRoute = createRoute({
  method: "get",
  path: "/api/review/next",
  summary:
    "The reviewer's next review, leased to them (as long as an item lease; asking again returns the same one): the item, every label with who and when, the model's view, why it is in review, and the version token to send back with the decision. With skip=ID the reviewer passes on that review first (it comes back once nothing else is left).",
  request: {
    query: z.object({
      reviewer: reviewerQuery,
      skip: wholeQuery("skip", 1, Number.MAX_SAFE_INTEGER).optional().openapi({ param: { name: "skip", in: "query" }, type: "integer", description: "a review id to pass on" }),
    }),
  },
  responses: { ...auth, 200: json(ReviewNextSchema, "the review, or null when none is free"), 400: error("bad query") },
});

export const ResolveBodySchema = z.strictObject({
  label: NameSchema.openapi({ description: "the decision: one of the project's labels (accept a label shown, or set another)" }),
  seen: z
    .number({ error: (iss) => (iss.input === undefined ? "is required" : `must be the review's seen token (a whole number), got ${JSON.stringify(iss.input)}`) })
    .int({ error: "must be a whole number (the review's seen token)" })
    .min(0, { error: "must be 0 or more (the review's seen token)" })
    .openapi({ description: "the `seen` token of the review as shown: a 409 when the item changed since" }),
  reviewer: PersonSchema.optional().openapi({ description: "who decides: required when the project has no accounts; with a token leave it out or give the token user's name" }),
});

export const resolveRoute = createRoute({
  method: "post",
  path: "/api/review/{id}/resolve",
  summary:
    "A reviewer's decision: a history record of kind review whose label becomes the item's final label (exports and training take it; the earlier labels stay in the history). A 409 when the item changed since the reviewer saw it (a label or undo arrived), the review is resolved already, or another reviewer holds it.",
  request: {
    params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, description: "the review's id" }) }),
    body: { required: true, content: { "application/json": { schema: ResolveBodySchema } } },
  },
  responses: {
    ...auth,
    200: json(ResolveReplySchema, "resolved"),
    400: error("bad body or id (every problem named; an unknown label names the field)"),
    404: error("no such review"),
    409: error("CONFLICT: the item changed since (send the new seen token after looking again), the review is resolved, or another reviewer holds it"),
    413: error("body over 1 MiB"),
    415: error("UNSUPPORTED_MEDIA_TYPE: a non-empty body must be sent as Content-Type: application/json"),
  },
});

/** The review routes, in the order of the document. */
export const REVIEW_ROUTES = [reviewsRoute, reviewNextRoute, resolveRoute] as const;
