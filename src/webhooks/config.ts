/**
 * Adding a webhook receiver: its URL and events validated (url.ts), an id, and a secret, given or
 * generated (32 random bytes, hex; shown once by the CLI, kept in the project database because
 * signing needs it).
 *
 * @example
 * const { webhook, generated } = addWebhook(store, { url: "http://127.0.0.1:9000/hook", events: ["label.created"] });
 */
import { randomBytes } from "node:crypto";
import type { Store, Webhook } from "../store/types.js";
import { webhookEvents, webhookSecret, webhookUrl } from "./url.js";

export interface NewWebhook {
  readonly url: string;
  /** Event names; absent or ["*"] = every event. */
  readonly events?: readonly string[];
  /** At least 16 characters; absent = generated. */
  readonly secret?: string;
  readonly now?: number;
}

/**
 * Validates and stores a receiver.
 * @returns the stored webhook, and whether its secret was generated (print it once)
 * @throws BadOptionError naming the option at fault (url, --events, --secret)
 */
export function addWebhook(store: Store, w: NewWebhook): { webhook: Webhook; generated: boolean } {
  const url = webhookUrl(w.url, "URL");
  const events = webhookEvents(w.events);
  const secret = w.secret === undefined ? randomBytes(32).toString("hex") : webhookSecret(w.secret);
  const webhook: Webhook = { id: `wh_${randomBytes(6).toString("hex")}`, url, events, secret, createdAt: w.now ?? Date.now() };
  store.addWebhook(webhook);
  return { webhook, generated: w.secret === undefined };
}
