/**
 * `activelearn serve DIR [--port 8080] [--host 127.0.0.1] [--retrain-every N] [--allowed-host NAME]...`:
 * serves the labeling app. On start it says which mode it is in: single-user (a loopback server
 * of a project without accounts: anyone who reaches the port labels under any name) or accounts
 * (every request needs a login).
 */
import { BadOptionError } from "../errors.js";
import { stopSettingProblems } from "../server/advice.js";
import { startServer, type RunningServer } from "../server/app.js";
import { exposureCheck } from "../auth/policy.js";
import { hasAccounts, hasAdmin } from "../auth/users.js";
import { allowedHostName } from "../server/origin.js";
import { existingProjectDb } from "../project/existing.js";
import { openStore } from "../store/open.js";
import { list, num, parseArgs, str, usage, type FlagSpec } from "./args.js";

export const serveSpec: Record<string, FlagSpec> = {
  port: { type: "int", help: "port (default 8080; 0 = any free port)" },
  host: { type: "string", help: "address to listen on (default 127.0.0.1)" },
  "retrain-every": { type: "int", help: "retrain after every N new labels (default: the project's setting)" },
  budget: { type: "int", help: "labels you can afford (changes the project's setting)" },
  "target-accuracy": { type: "number", help: "accuracy that is good enough, e.g. 0.9 (changes the project's setting)" },
  quiet: { type: "boolean", help: "no log lines" },
  sync: { type: "string", help: "normal (default: labels survive a crash of the server) or full (also a power loss; slower)" },
  "allowed-host": { type: "string", repeatable: true, help: "another name the Host header may give, e.g. a TLS proxy's label.example.org (repeatable or a comma list; a port may follow and is not compared)" },
  help: { type: "boolean", help: "show this help" },
};

/**
 * What `serve` says when the server is reachable from other machines: the addresses, and that
 * the traffic is plain HTTP (logins, tokens and cookies readable on the network). Empty on loopback.
 */
export function exposureNotice(srv: Pick<RunningServer, "urls" | "exposed" | "port">, host: string): string[] {
  if (!srv.exposed) return [];
  const others = srv.urls.filter((u) => !/^http:\/\/(127\.|\[::1\])/.test(u));
  return [
    others.length > 0 ? `reachable from other machines at ${others.join(", ")}` : `listening on ${host} (no other address of this machine was found)`,
    `warning: --host ${host} is not loopback and the server speaks plain HTTP: passwords, tokens and session cookies cross the network unencrypted; keep it to a trusted network, or put a TLS proxy in front (--allowed-host NAME for its name)`,
  ];
}

/** The one line saying the mode: single-user (open) or accounts (logins needed). */
export function modeLine(accounts: boolean, url: string): string {
  return accounts
    ? `accounts on: every request needs a login (web: ${url}login; API: Authorization: Bearer TOKEN)`
    : `single-user mode: the project has no accounts, so anyone who can reach port ${new URL(url).port} can label under any name; add an admin with: activelearn users DIR add NAME --role admin`;
}

/**
 * Refuses to serve a project without an admin account beyond loopback (see auth/policy.ts);
 * returns whether the project has accounts.
 * @throws BadOptionError naming --host
 */
export function checkExposure(projectDir: string, host: string): { accounts: boolean } {
  const store = openStore(existingProjectDb(projectDir), { readonly: true });
  let admin: boolean;
  let accounts: boolean;
  try {
    admin = hasAdmin(store);
    accounts = hasAccounts(store);
  } finally {
    store.close();
  }
  const problem = exposureCheck(admin, host);
  if (problem !== null) throw new BadOptionError([problem], "host");
  return { accounts };
}

/** Serves until SIGINT/SIGTERM (beyond loopback only with an admin account). */
export async function serveUntilSignal(
  projectDir: string,
  port: number | undefined,
  host: string | undefined,
  retrainEvery: number | undefined,
  quiet: boolean,
  synchronous?: "normal" | "full",
  stop: { budget?: number; targetAccuracy?: number } = {},
  allowedHosts: readonly string[] = [],
): Promise<number> {
  const { accounts } = checkExposure(projectDir, host ?? "127.0.0.1");
  const srv = await startServer({
    projectDir,
    allowedHosts,
    ...stop,
    ...(synchronous !== undefined ? { synchronous } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(retrainEvery !== undefined ? { retrainEvery } : {}),
    quiet,
  });
  process.stdout.write(`activelearn: serving ${projectDir} at ${srv.url} (dashboard: ${srv.url}dashboard) — Ctrl-C to stop\n`);
  for (const line of [modeLine(accounts, srv.url), ...exposureNotice(srv, host ?? "127.0.0.1")]) process.stderr.write(`activelearn: ${line}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await srv.close();
  return 0;
}

export async function runServe(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, serveSpec, "serve");
  if (flags.help === true) {
    process.stdout.write(usage("serve", "DIR [options]", serveSpec) + "\n");
    return 0;
  }
  const problems: string[] = [];
  if (positional.length !== 1) problems.push(`serve needs exactly one project folder, got ${positional.length === 0 ? "none" : positional.join(" ")}`);
  const port = num(flags, "port");
  if (port !== undefined && (port < 0 || port > 65535)) problems.push(`option --port must be in 0..65535, got ${port}`);
  const every = num(flags, "retrain-every");
  if (every !== undefined && every < 1) problems.push(`option --retrain-every must be >= 1, got ${every}`);
  const sync = str(flags, "sync");
  if (sync !== undefined && sync !== "normal" && sync !== "full") problems.push(`option --sync must be normal or full, got "${sync}"`);
  const budget = num(flags, "budget");
  const targetAccuracy = num(flags, "target-accuracy");
  problems.push(...stopSettingProblems(budget, targetAccuracy));
  const allowedHosts = (list(flags, "allowed-host") ?? []).map((h) => allowedHostName(h));
  for (const h of allowedHosts) if ("problem" in h) problems.push(h.problem);
  if (problems.length > 0) throw new BadOptionError(problems);
  return serveUntilSignal(positional[0], port, str(flags, "host"), every, flags.quiet === true, sync as "normal" | "full" | undefined, {
    ...(budget !== undefined ? { budget } : {}),
    ...(targetAccuracy !== undefined ? { targetAccuracy } : {}),
  }, allowedHosts.flatMap((h) => ("name" in h ? [h.name] : [])));
}
