/**
 * `activelearn users DIR add NAME --role ROLE [--json]`, `users DIR list [--json]`,
 * `users DIR remove NAME`, `users DIR reset NAME [--json]`, `users DIR password NAME`: the
 * project's accounts. `add` and `reset` print the login token once (only its hash is stored);
 * with --json, one line `{"name":…,"role":…,"token":…}`. `list` shows no secrets. `password`
 * reads the password (for the web login) from the first line of stdin, unechoed on a terminal.
 */
import readline from "node:readline";
import { Writable } from "node:stream";
import { BadOptionError } from "../errors.js";
import { isRole, roleProblem, ROLES } from "../auth/roles.js";
import { addUser, listUsers, removeUser, resetToken, setPassword } from "../auth/users.js";
import { existingProjectDb } from "../project/existing.js";
import { openStore } from "../store/open.js";
import { parseArgs, str, usage, type FlagSpec } from "./args.js";
import { formatTable } from "./table.js";

export const usersSpec: Record<string, FlagSpec> = {
  role: { type: "string", help: `with add: ${ROLES.join(", ")}` },
  json: { type: "boolean", help: "print JSON (add, reset: one line with the token; list: the accounts)" },
  help: { type: "boolean", help: "show this help" },
};

const ACTIONS = ["add", "list", "remove", "reset", "password"] as const;
type Action = (typeof ACTIONS)[number];
const SYNOPSIS = "DIR add NAME --role ROLE | DIR list | DIR remove NAME | DIR reset NAME | DIR password NAME";

/** The first line of stdin; on a terminal, asked for on stderr and not echoed. */
function readSecretLine(prompt: string): Promise<string> {
  const tty = process.stdin.isTTY;
  if (tty) process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: tty });
  return new Promise((resolve) => {
    let line: string | null = null;
    rl.once("line", (l) => {
      line = l;
      rl.close();
    });
    rl.once("close", () => {
      if (tty) process.stderr.write("\n");
      resolve(line ?? "");
    });
  });
}

function tokenLines(name: string, role: string, token: string, json: boolean, what: string): string {
  if (json) return JSON.stringify({ name, role, token }) + "\n";
  return `${what} "${name}" (${role}); login token, shown only now:\n${token}\n`;
}

export async function runUsers(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, usersSpec, "users");
  if (flags.help === true) {
    process.stdout.write(usage("users", SYNOPSIS, usersSpec) + "\n");
    return 0;
  }
  const problems: string[] = [];
  const [dir, action, name, ...extra] = positional;
  if (dir === undefined) problems.push(`users needs a project folder and an action: ${SYNOPSIS}`);
  else if (action === undefined) problems.push(`users needs an action after the folder: ${ACTIONS.join(", ")}`);
  else if (!(ACTIONS as readonly string[]).includes(action)) problems.push(`unknown users action "${action}"; the actions are ${ACTIONS.join(", ")}`);
  else {
    if (action === "list" && name !== undefined) problems.push(`users list takes no name, got "${name}"`);
    if (action !== "list" && name === undefined) problems.push(`users ${action} needs a user NAME`);
    if (extra.length > 0) problems.push(`users ${action} takes one name, got more: ${extra.join(" ")}`);
    if ((action === "remove" || action === "password") && flags.json === true) problems.push(`option --json does not go with ${action}`);
  }
  const role = str(flags, "role");
  if (action === "add" && role === undefined) problems.push(`option --role is required with add (${ROLES.join(", ")})`);
  if (role !== undefined && !isRole(role)) problems.push(roleProblem(role));
  if (action !== undefined && action !== "add" && role !== undefined) problems.push(`option --role goes only with add`);
  if (problems.length > 0) throw new BadOptionError(problems);
  const store = openStore(existingProjectDb(dir));
  const json = flags.json === true;
  try {
    switch (action as Action) {
      case "add": {
        const { user, token } = await addUser(store, name, str(flags, "role") ?? "");
        process.stdout.write(tokenLines(user.name, user.role, token, json, "added user"));
        break;
      }
      case "reset": {
        const { user, token } = await resetToken(store, name);
        process.stdout.write(tokenLines(user.name, user.role, token, json, "new token for"));
        break;
      }
      case "password": {
        const user = await setPassword(store, name, await readSecretLine(`password for "${name}": `));
        process.stdout.write(`password set for "${user.name}" (${user.role}); their sessions ended\n`);
        break;
      }
      case "remove": {
        const user = removeUser(store, name);
        process.stdout.write(`removed user "${user.name}" (${user.role}); their labels stay in the project\n`);
        break;
      }
      case "list": {
        const users = listUsers(store);
        if (json) process.stdout.write(JSON.stringify(users.map((u) => ({ name: u.name, role: u.role, createdAt: new Date(u.createdAt).toISOString(), disabled: u.disabled, password: u.hasPassword }))) + "\n");
        else if (users.length === 0) process.stdout.write("no users: the project is in single-user mode (served on loopback only); add one with: activelearn users DIR add NAME --role admin\n");
        else process.stdout.write(formatTable(["name", "role", "created", "state"], users.map((u) => [u.name, u.role, new Date(u.createdAt).toISOString(), u.disabled ? "disabled" : "active"])) + "\n");
        break;
      }
    }
  } finally {
    store.close();
  }
  return 0;
}
