/**
 * The admin routes' handlers (contract: src/contract/admin-routes.ts): the overlap, gold, review
 * share and consensus settings, read and changed while the project is served, and the webhook receivers with their delivery log, the
 * same operations as `activelearn webhooks DIR ...` (which works on a stopped project).
 *
 * @example
 * registerAdminRoutes(app, project, log);
 */
import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { changeSettingsRoute, deliveriesRoute, SettingsChangeSchema, type DeliveryLogSchema, type SettingsSchema, type WebhookAddedSchema, type WebhookListSchema, WebhookBodySchema, addWebhookRoute, removeWebhookRoute, settingsRoute, webhooksRoute } from "../contract/admin-routes.js";
import { ActiveLearnError, NotFoundError } from "../errors.js";
import { consensusMethodProblems, DEFAULT_CONSENSUS, isConsensusMethod } from "../project/consensus-settings.js";
import { goldValueProblems, type GoldOptionNames } from "../project/gold-settings.js";
import { optionsOf, overlapSettingProblems, overlapSettings, type OverlapOptionNames } from "../project/overlap-settings.js";
import type { DeliveryLogEntry, Webhook } from "../store/types.js";
import { addWebhook } from "../webhooks/config.js";
import { jsonResponse, readJson } from "./http.js";
import type { LabelingProject } from "./project.js";
import { check, Problems } from "./validate.js";
import type { HttpBindings } from "@hono/node-server";
import type { AccessVariables } from "./access.js";

type Env = { Bindings: HttpBindings; Variables: AccessVariables };

/** The overlap settings' names in the admin API's body. */
const BODY_FIELDS: OverlapOptionNames = { overlap: 'body: field "overlap"', overlapShare: 'body: field "overlapShare"', overlapOn: 'body: field "overlapOn"', adaptiveOverlap: 'body: field "adaptiveOverlap"' };

/** The gold settings' names in the admin API's body. */
const GOLD_BODY_FIELDS: GoldOptionNames = { goldRate: 'body: field "goldRate"', goldThreshold: 'body: field "goldThreshold"' };

const iso = (at: number): string => new Date(at).toISOString();
const webhookView = (w: Webhook): z.input<typeof WebhookListSchema>["webhooks"][number] => ({ id: w.id, url: w.url, events: w.events === "*" ? "*" : [...w.events], createdAt: iso(w.createdAt) });
const deliveryView = (d: DeliveryLogEntry): z.input<typeof DeliveryLogSchema>["deliveries"][number] => ({
  ...d,
  eventCreatedAt: iso(d.eventCreatedAt),
  nextAt: d.nextAt === null ? null : iso(d.nextAt),
  attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at) })),
});

/** Problems with a change of the gold settings, by field (a project without gold items has none to change). */
function goldChangeProblems(project: LabelingProject, rate: number | undefined, threshold: number | undefined): string[] {
  if (rate === undefined && threshold === undefined) return [];
  const out = goldValueProblems(rate, threshold, GOLD_BODY_FIELDS);
  if (project.meta.gold == null) for (const [name, v] of [["goldRate", rate], ["goldThreshold", threshold]] as const) if (v !== undefined) out.push(`body: field "${name}": this project has no gold items (init --gold COL)`);
  return out;
}

/** Registers the admin routes on `app` (access control has run: only admins get here with accounts on). */
export function registerAdminRoutes(app: OpenAPIHono<Env>, project: LabelingProject, log: (line: string) => void): void {
  const settings = (): z.input<typeof SettingsSchema> => {
    const gold = project.meta.gold;
    const reviewShare = project.meta.reviewShare ?? 0;
    const consensus = project.meta.consensus ?? DEFAULT_CONSENSUS;
    return gold == null ? { overlap: project.meta.overlap ?? null, reviewShare, consensus } : { overlap: project.meta.overlap ?? null, gold, reviewShare, consensus };
  };
  const who = (c: Context<Env>): string => c.get("user")?.name ?? "the single user";

  app.on("GET", settingsRoute.path, () => jsonResponse(200, settings()));

  app.on("PATCH", changeSettingsRoute.path, async (c) => {
    const p = new Problems();
    const b = p.parse(SettingsChangeSchema, await readJson(c.env.incoming), "body");
    if (b !== null) {
      // Overlap 1 turns overlap off: the other settings fall away unless given with it (then they are a problem).
      const base = b.overlap === 1 ? {} : optionsOf(project.meta.overlap ?? null);
      const { goldRate, goldThreshold, reviewShare, consensus, ...overlapBody } = b;
      const change = Object.fromEntries(Object.entries(overlapBody).filter(([, v]) => v !== undefined));
      const touchesOverlap = Object.keys(change).length > 0 || (goldRate === undefined && goldThreshold === undefined && reviewShare === undefined && consensus === undefined);
      if (touchesOverlap) p.list.push(...overlapSettingProblems({ ...base, ...change }, BODY_FIELDS));
      p.list.push(...goldChangeProblems(project, goldRate, goldThreshold));
      if (reviewShare !== undefined && !(reviewShare >= 0 && reviewShare <= 1)) p.list.push(`body: field "reviewShare": must be a proportion from 0 to 1 (e.g. 0.05), got ${reviewShare}`);
      p.list.push(...consensusMethodProblems(consensus, 'body: field "consensus"'));
      check(p);
      if (touchesOverlap) {
        const next = overlapSettings({ ...base, ...change });
        project.changeOverlap(next);
        log(`settings: ${who(c)} set overlap to ${next === null ? "none" : JSON.stringify(next)}`);
      }
      if (goldRate !== undefined || goldThreshold !== undefined) {
        project.changeGold({ ...(goldRate !== undefined ? { rate: goldRate } : {}), ...(goldThreshold !== undefined ? { threshold: goldThreshold } : {}) });
        log(`settings: ${who(c)} set gold to ${JSON.stringify(project.meta.gold)}`);
      }
      if (reviewShare !== undefined) {
        project.changeReviewShare(reviewShare);
        log(`settings: ${who(c)} set the review spot-check share to ${reviewShare}`);
      }
      if (isConsensusMethod(consensus)) {
        project.changeConsensus(consensus);
        log(`settings: ${who(c)} set the consensus method to ${consensus}`);
      }
    }
    check(p);
    return jsonResponse(200, settings());
  });

  app.on("GET", webhooksRoute.path, () => jsonResponse(200, { webhooks: project.store.webhooks().map(webhookView) } satisfies z.input<typeof WebhookListSchema>));

  app.on("POST", addWebhookRoute.path, async (c) => {
    const p = new Problems();
    const b = p.parse(WebhookBodySchema, await readJson(c.env.incoming), "body");
    check(p);
    const { webhook, generated } = addWebhook(project.store, { url: b!.url, ...(b!.events !== undefined ? { events: b!.events } : {}), ...(b!.secret !== undefined ? { secret: b!.secret } : {}) });
    log(`webhooks: ${who(c)} added ${webhook.id} (${webhook.url})`);
    return jsonResponse(201, { webhook: webhookView(webhook), ...(generated ? { secret: webhook.secret } : {}) } satisfies z.input<typeof WebhookAddedSchema>);
  });

  app.on("GET", deliveriesRoute.path, (c) => {
    const p = new Problems();
    const q = p.parse(deliveriesRoute.request.query, Object.fromEntries(new URL(c.req.url).searchParams), "query");
    check(p);
    const limit = q!.limit === undefined ? 50 : Number(q!.limit);
    return jsonResponse(200, { deliveries: project.store.deliveryLog(limit).map(deliveryView) } satisfies z.input<typeof DeliveryLogSchema>);
  });

  app.on("DELETE", removeWebhookRoute.path.replace("{id}", ":id"), (c) => {
    const id = c.req.param("id");
    if (id === undefined || id === "") throw new ActiveLearnError("BAD_INPUT", "path: a webhook id is needed");
    if (!project.store.removeWebhook(id, Date.now())) throw new NotFoundError(`no webhook with id ${JSON.stringify(id.slice(0, 100))} (GET /api/webhooks lists them)`);
    log(`webhooks: ${who(c)} removed ${id}`);
    return jsonResponse(200, { ok: true });
  });
}
