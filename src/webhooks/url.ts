/**
 * Validation of webhook settings: the receiver's URL (http or https, with a host, no credentials
 * in it), the event list and a given secret. Loopback receivers are allowed; a receiver on another
 * host is the admin's choice (the events carry item ids, labels and annotator names).
 *
 * @example
 * webhookUrl("http://127.0.0.1:9000/hook"); // the URL, normalized
 */
import { BadOptionError } from "../errors.js";
import { EVENT_NAMES, type EventName } from "./events.js";

/** The URL, normalized; a BadOptionError naming `option` otherwise. */
export function webhookUrl(raw: string, option = "url"): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new BadOptionError([`${option} must be an http:// or https:// URL, got "${raw}"`]);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new BadOptionError([`${option} must be an http:// or https:// URL, got the scheme "${u.protocol.slice(0, -1)}" in "${raw}"`]);
  if (u.hostname === "") throw new BadOptionError([`${option} has no host: "${raw}"`]);
  if (u.username !== "" || u.password !== "") throw new BadOptionError([`${option} must not carry a user name or password ("${u.protocol}//…@${u.host}"): receivers check the signature instead`]);
  if (u.hash !== "") throw new BadOptionError([`${option} must not have a #fragment: "${raw}"`]);
  return u.toString();
}

/** The events of `--events a,b` ("*" or none given = every event); unknown names are refused, all at once. */
export function webhookEvents(names: readonly string[] | undefined, option = "--events"): readonly EventName[] | "*" {
  if (names === undefined || (names.length === 1 && names[0] === "*")) return "*";
  if (names.length === 0) throw new BadOptionError([`${option} lists no event; the events are ${EVENT_NAMES.join(", ")}`]);
  const bad = names.filter((n) => !(EVENT_NAMES as readonly string[]).includes(n));
  if (bad.length > 0) throw new BadOptionError(bad.map((n) => `${option}: unknown event "${n}"; the events are ${EVENT_NAMES.join(", ")}`));
  return [...new Set(names)] as EventName[];
}

/** A secret given with `--secret`: at least 16 characters, no whitespace. */
export function webhookSecret(secret: string, option = "--secret"): string {
  if (secret.length < 16 || /\s/.test(secret)) throw new BadOptionError([`${option} must be at least 16 characters without spaces (leave it out to have one generated)`]);
  return secret;
}
