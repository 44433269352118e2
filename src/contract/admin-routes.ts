/**
 * The admin routes of the contract: the project's settings that may change while it is served
 * (overlap, gold, review share, consensus method), and its webhook receivers with their delivery log. Admins only (src/auth/policy.ts);
 * in single-user mode (no accounts, loopback only) whoever runs the server.
 *
 * @example
 * // PATCH /api/settings {"overlap": 2, "overlapShare": 0.2} -> {"overlap": {"annotators": 2, "share": 0.2, ...}}
 */
import { createRoute, z } from "@hono/zod-openapi";
import { GoldSettingsSchema } from "./gold.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } }) as const;
const error = (description: string) => json(ErrorSchema, description);
const auth = { 401: error("UNAUTHORIZED: the project has accounts and the request has no valid token or session"), 403: error("FORBIDDEN: only an admin may") } as const;
const jsonOnly = { ...auth, 415: error("UNSUPPORTED_MEDIA_TYPE: a non-empty body must be sent as Content-Type: application/json"), 413: error("body over 1 MiB") } as const;

export const OverlapSettingsSchema = z
  .strictObject({
    annotators: z.number().int().openapi({ description: "distinct annotators an overlapping item goes to (2 or more)" }),
    share: z.number().openapi({ description: "share of served items that overlap, 0..1" }),
    on: z.enum(["random", "uncertain"]).openapi({ description: "random: unbiased agreement figures; uncertain: experts where the model is least sure" }),
    adaptiveMax: z.number().int().openapi({ description: "most annotators an item whose labels disagree may get (= annotators: adaptive overlap off)" }),
  })
  .openapi("OverlapSettings");

export const SettingsSchema = z
  .strictObject({
    overlap: OverlapSettingsSchema.nullable().openapi({ description: "null: one annotator per item" }),
    gold: GoldSettingsSchema.optional().openapi({ description: "present only for projects with gold items (init --gold COL)" }),
    reviewShare: z.number().openapi({ description: "share of single-labeled items a reviewer spot-checks, 0..1 (init --review-share; 0: none)" }),
    consensus: z.enum(["majority", "dawid-skene"]).openapi({ description: "how an overlapping item's labels become the label it trains and exports with (init --consensus; the dashboard's consensus figures say which is in use and why)" }),
  })
  .openapi("Settings");

export const SettingsChangeSchema = z.strictObject({
  overlap: z.number().openapi({ description: "distinct annotators per overlapping item; 1 turns overlap off (init --overlap)" }).optional(),
  overlapShare: z.number().openapi({ description: "share of served items that overlap, 0..1 (init --overlap-share)" }).optional(),
  overlapOn: z.string().openapi({ description: "random or uncertain (init --overlap-on)" }).optional(),
  adaptiveOverlap: z.number().openapi({ description: "most annotators a disagreement may bring an item to, above overlap (init --adaptive-overlap)" }).optional(),
  goldRate: z.number().openapi({ description: "share of served items that are gold items, 0..1 (init --gold-rate; projects with gold items only)" }).optional(),
  goldThreshold: z.number().openapi({ description: "accuracy on gold below which an annotator is flagged, 0..1 (init --gold-threshold; projects with gold items only)" }).optional(),
  reviewShare: z.number().openapi({ description: "share of single-labeled items a reviewer spot-checks from now on, 0..1 (init --review-share)" }).optional(),
  consensus: z.string().openapi({ description: "majority or dawid-skene (init --consensus); the votes are fitted again at once" }).optional(),
});

export const WebhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.union([z.array(z.string()), z.literal("*")]).openapi({ description: 'the events it receives; "*": every event' }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Webhook");

export const WebhookListSchema = z.strictObject({ webhooks: z.array(WebhookSchema) }).openapi("WebhookList");

export const WebhookAddedSchema = z
  .strictObject({
    webhook: WebhookSchema,
    secret: z.string().optional().openapi({ description: "the generated signing secret, shown this once (absent when the request gave one)" }),
  })
  .openapi("WebhookAdded");

export const WebhookBodySchema = z.strictObject({
  url: z.string().openapi({ description: "http(s) URL of the receiver" }),
  events: z.array(z.string()).optional().openapi({ description: "events to send (default: every event)" }),
  secret: z.string().optional().openapi({ description: "signing secret, 16+ characters (default: generated and returned once)" }),
});

const AttemptSchema = z.strictObject({
  attempt: z.number().int(),
  at: z.string().openapi({ format: "date-time" }),
  status: z.number().int().nullable().openapi({ description: "the receiver's HTTP status; null when none came (see error)" }),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const DeliverySchema = z
  .strictObject({
    deliveryId: z.number().int(),
    eventId: z.string(),
    event: z.string(),
    eventCreatedAt: z.string().openapi({ format: "date-time" }),
    webhookId: z.string(),
    url: z.string().nullable().openapi({ description: "null once the webhook was removed" }),
    state: z.enum(["delivered", "pending", "dead"]),
    attempts: z.array(AttemptSchema),
    nextAt: z.string().nullable().openapi({ format: "date-time", description: "the next attempt while pending" }),
  })
  .openapi("Delivery");

export const DeliveryLogSchema = z.strictObject({ deliveries: z.array(DeliverySchema) }).openapi("DeliveryLog");

const webhookParams = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, description: "the webhook's id (wh_...)" }) });

export const settingsRoute = createRoute({
  method: "get",
  path: "/api/settings",
  summary: "The settings an admin may change while the project is served",
  responses: { ...auth, 200: json(SettingsSchema, "settings") },
});

export const changeSettingsRoute = createRoute({
  method: "patch",
  path: "/api/settings",
  summary:
    "Change the overlap settings (fields left out keep their value; overlap 1 turns overlap off). Stored at once; the votes are replayed under the new settings, so an item that now needs more annotators is served again first. Every problem is named.",
  request: { body: { required: true, content: { "application/json": { schema: SettingsChangeSchema } } } },
  responses: { ...jsonOnly, 200: json(SettingsSchema, "the settings now"), 400: error("bad body (every problem named, by field)") },
});

export const webhooksRoute = createRoute({
  method: "get",
  path: "/api/webhooks",
  summary: "The webhook receivers (their secrets are never shown again)",
  responses: { ...auth, 200: json(WebhookListSchema, "receivers") },
});

export const addWebhookRoute = createRoute({
  method: "post",
  path: "/api/webhooks",
  summary: "Add a receiver. Its events are signed with HMAC-SHA256 (see the README's Webhooks section); a generated secret is in the reply, once.",
  request: { body: { required: true, content: { "application/json": { schema: WebhookBodySchema } } } },
  responses: { ...jsonOnly, 201: json(WebhookAddedSchema, "added"), 400: error("bad URL, event or secret") },
});

export const removeWebhookRoute = createRoute({
  method: "delete",
  path: "/api/webhooks/{id}",
  summary: 'Remove a receiver; its pending deliveries become dead ("webhook removed"), the log keeps them.',
  request: { params: webhookParams },
  responses: { ...auth, 200: json(z.strictObject({ ok: z.literal(true) }), "removed"), 404: error("no such webhook") },
});

export const deliveriesRoute = createRoute({
  method: "get",
  path: "/api/webhooks/deliveries",
  summary: "The delivery log, newest first, with every attempt",
  request: {
    query: z.object({
      limit: z
        .string()
        .regex(/^[1-9][0-9]{0,3}$/, { error: (iss) => `limit must be a whole number from 1 to 9999, got ${JSON.stringify(iss.input)}` })
        .optional()
        .openapi({ param: { name: "limit", in: "query" }, description: "how many (default 50)" }),
    }),
  },
  responses: { ...auth, 200: json(DeliveryLogSchema, "deliveries"), 400: error("bad limit") },
});

/** In this order: the delivery log's path before the one with an id, so it is matched first. */
export const ADMIN_ROUTES = [settingsRoute, changeSettingsRoute, webhooksRoute, addWebhookRoute, deliveriesRoute, removeWebhookRoute] as const;
