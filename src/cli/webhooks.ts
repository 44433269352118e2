/**
 * `activelearn webhooks DIR add URL | list | remove ID | deliveries`: the project's webhook
 * receivers, kept in its database (see src/webhooks and the README's Webhooks section). `add`
 * prints the receiver's signing secret once (generated unless `--secret` gives one);
 * `deliveries` prints the delivery log, newest first, with every attempt under `--json`.
 */
import { BadOptionError } from "../errors.js";
import { existingProjectDb } from "../project/existing.js";
import { openStore } from "../store/open.js";
import type { DeliveryLogEntry, Store } from "../store/types.js";
import { addWebhook } from "../webhooks/config.js";
import { list, num, parseArgs, str, usage, type FlagSpec } from "./args.js";
import { formatTable } from "./table.js";

const spec: Record<string, FlagSpec> = {
  events: { type: "string", help: "add: the events to send, comma-separated (default: every event)" },
  secret: { type: "string", help: "add: the signing secret, 16+ characters (default: generated and printed once)" },
  limit: { type: "int", help: "deliveries: how many, newest first (default 50)" },
  json: { type: "boolean", help: "print JSON" },
  help: { type: "boolean", help: "show this help" },
};

const SYNOPSIS = "DIR add URL [--events a,b] [--secret S] | DIR list | DIR remove ID | DIR deliveries [--limit N]";
const iso = (at: number): string => new Date(at).toISOString();
const out = (s: string): void => {
  process.stdout.write(s + "\n");
};

export function runWebhooks(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, spec, "webhooks");
  if (flags.help === true) {
    out(usage("webhooks", SYNOPSIS, spec));
    return Promise.resolve(0);
  }
  const [dir, action, ...rest] = positional;
  if (dir === undefined || action === undefined) throw new BadOptionError([`webhooks needs a project folder and one of add, list, remove, deliveries; usage: activelearn webhooks ${SYNOPSIS}`]);
  const args: Record<string, number> = { add: 1, list: 0, remove: 1, deliveries: 0 };
  const want = args[action];
  if (want === undefined) throw new BadOptionError([`webhooks: unknown action "${action}"; the actions are add, list, remove, deliveries`]);
  if (rest.length !== want) throw new BadOptionError([`webhooks ${action} takes ${want === 0 ? "no argument" : action === "add" ? "one URL" : "one webhook id"}, got ${rest.length === 0 ? "none" : rest.join(" ")}`]);
  const onlyFor: [string, string][] = [["events", "add"], ["secret", "add"], ["limit", "deliveries"]];
  const misplaced = onlyFor.filter(([f, a]) => flags[f] !== undefined && a !== action).map(([f, a]) => `option --${f} is for "webhooks DIR ${a}", not "${action}"`);
  if (misplaced.length > 0) throw new BadOptionError(misplaced);
  const limit = num(flags, "limit") ?? 50;
  if (limit < 1) throw new BadOptionError([`option --limit must be at least 1, got ${limit}`]);
  const store = openStore(existingProjectDb(dir));
  try {
    const json = flags.json === true;
    if (action === "add") add(store, rest[0], list(flags, "events"), str(flags, "secret"), json);
    else if (action === "list") printList(store, json);
    else if (action === "remove") {
      if (!store.removeWebhook(rest[0], Date.now())) throw new BadOptionError([`webhooks remove: no webhook with id "${rest[0]}" (see: activelearn webhooks ${dir} list)`]);
      out(json ? JSON.stringify({ removed: rest[0] }) : `removed ${rest[0]}; its pending deliveries are dead ("webhook removed")`);
    } else printDeliveries(store.deliveryLog(limit), json);
  } finally {
    store.close();
  }
  return Promise.resolve(0);
}

function add(store: Store, url: string, events: string[] | undefined, secret: string | undefined, json: boolean): void {
  const { webhook, generated } = addWebhook(store, { url, ...(events !== undefined ? { events } : {}), ...(secret !== undefined ? { secret } : {}) });
  const events_ = webhook.events === "*" ? "*" : webhook.events.join(",");
  if (json) {
    out(JSON.stringify({ id: webhook.id, url: webhook.url, events: webhook.events, ...(generated ? { secret: webhook.secret } : {}) }));
    return;
  }
  out(`added ${webhook.id}: ${webhook.url} (events: ${events_})`);
  if (generated) out(`signing secret (shown once; keep it with the receiver): ${webhook.secret}`);
}

function printList(store: Store, json: boolean): void {
  const hooks = store.webhooks();
  if (json) {
    out(JSON.stringify(hooks.map((w) => ({ id: w.id, url: w.url, events: w.events, createdAt: iso(w.createdAt) }))));
    return;
  }
  if (hooks.length === 0) {
    out("no webhooks (add one with: activelearn webhooks DIR add URL)");
    return;
  }
  out(formatTable(["id", "url", "events", "created"], hooks.map((w) => [w.id, w.url, w.events === "*" ? "*" : w.events.join(","), iso(w.createdAt)])));
}

function printDeliveries(log: readonly DeliveryLogEntry[], json: boolean): void {
  if (json) {
    out(JSON.stringify(log.map((d) => ({ ...d, eventCreatedAt: iso(d.eventCreatedAt), nextAt: d.nextAt === null ? null : iso(d.nextAt), attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at) })) }))));
    return;
  }
  if (log.length === 0) {
    out("no deliveries yet");
    return;
  }
  const rows = log.map((d) => {
    const last = d.attempts.at(-1);
    const outcome = last === undefined ? "-" : last.status !== null ? `HTTP ${last.status}` : (last.error ?? "-");
    return [d.eventId, d.event, d.url ?? `${d.webhookId} (removed)`, d.state, d.attempts.length, outcome, last === undefined ? "-" : `${last.durationMs} ms`, d.nextAt === null ? "-" : iso(d.nextAt)];
  });
  out(formatTable(["event id", "event", "receiver", "state", "attempts", "last", "took", "next attempt"], rows));
}
