/**
 * The server the browser tests run against: the real backend (src/server/app.ts, `startServer`)
 * on a fresh project made with `activelearn init` from the test's items. Where a test needs a
 * fault, it arms the server's test-only fault hook (`faults` of startServer, never settable from
 * the CLI); every API request is logged for tests that check what the page asked for.
 *
 * Tests identify items by their `ref` field (the real server picks its own ids and order).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Cell } from "../contract/fields.js";
import { addUser, setPassword } from "../auth/users.js";
import { startServer } from "../server/app.js";
import type { Role } from "../store/types.js";
import { openStore } from "../store/open.js";

export type { Cell } from "../contract/fields.js";

/** The repository root (from dist/src/web-e2e/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** An item of a test project: its fields (a unique string `ref` among them). */
export interface TestItem {
  readonly data: Readonly<Record<string, Cell>>;
}

export interface TestProject {
  /** Shown nowhere yet: the project is named after its folder. */
  readonly name?: string;
  readonly labels: readonly string[];
  readonly textColumn: string | null;
  /** Each item's data must have a unique string `ref`. */
  readonly items: readonly TestItem[];
  /** Every N-th item served is a random audit pick (default 10). */
  readonly auditEvery?: number;
  /** Labels to spend at most. */
  readonly budget?: number;
  /** Accounts to create before serving (a password if given); none: the single-user mode. */
  readonly accounts?: readonly { readonly name: string; readonly role: Role; readonly password?: string }[];
  /** `init --overlap N --overlap-share F` (the review queue's disagreements). */
  readonly overlap?: { readonly annotators: number; readonly share: number };
  /** `init --review-share F`: the share of single-labeled items spot-checked in review. */
  readonly reviewShare?: number;
  /** `init --image COL` (features pixels:4): the column of image paths, relative to the data file's folder. */
  readonly imageColumn?: string;
  /** Files written beside the data file before init, by relative path (the images `imageColumn` names). */
  readonly files?: Readonly<Record<string, Uint8Array>>;
}

export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
  /** The stored label of each labeled item, by `ref` (from the server's JSONL export). */
  storedLabels(): Promise<Map<string, string>>;
  /** Makes the next API request matching `method` and `path` fail with `status`. */
  fail(method: string, path: RegExp, status: number): void;
  /** Every request the server got, as "METHOD /path?query", in order. */
  readonly requests: readonly string[];
  /** The login token of each account, by name. */
  readonly tokens: ReadonlyMap<string, string>;
  /** The JSONL export's rows (with an admin's token when the project has accounts). */
  exported(): Promise<{ data: Record<string, Cell>; label: string; annotator: string }[]>;
}

export function refOf(data: Readonly<Record<string, Cell>>): string {
  const ref = data.ref;
  if (typeof ref !== "string") throw new Error("test items need a string `ref` field");
  return ref;
}

function csvCell(v: Cell): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The real backend on a fresh project made from the items. */
export async function startTestServer(project: TestProject): Promise<TestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "activelearn-web-"));
  const fields = [...new Set(project.items.flatMap((it) => Object.keys(it.data)))];
  const csv = [fields.map((f) => csvCell(f)).join(","), ...project.items.map((it) => fields.map((f) => csvCell(it.data[f] ?? null)).join(","))].join("\n");
  const data = path.join(dir, "items.csv");
  await writeFile(data, `${csv}\n`);
  for (const [rel, bytes] of Object.entries(project.files ?? {})) {
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep)) throw new Error(`test file ${rel} leaves the test folder`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  const projectDir = path.join(dir, "project");
  const args = [path.join(REPO_ROOT, "dist/src/cli/main.js"), "init", projectDir, "--data", data, "--labels", project.labels.join(",")];
  if (project.textColumn !== null) args.push("--text", project.textColumn);
  if (project.overlap !== undefined) args.push("--overlap", String(project.overlap.annotators), "--overlap-share", String(project.overlap.share));
  if (project.reviewShare !== undefined) args.push("--review-share", String(project.reviewShare));
  if (project.imageColumn !== undefined) args.push("--image", project.imageColumn, "--image-features", "pixels:4");
  await promisify(execFile)(process.execPath, args);
  const tokens = new Map<string, string>();
  if (project.accounts !== undefined) {
    const store = openStore(path.join(projectDir, "project.db"));
    try {
      for (const a of project.accounts) {
        tokens.set(a.name, (await addUser(store, a.name, a.role)).token);
        if (a.password !== undefined) await setPassword(store, a.name, a.password);
      }
    } finally {
      store.close();
    }
  }
  const admin = project.accounts?.find((a) => a.role === "admin");
  const auth: Record<string, string> = admin === undefined ? {} : { authorization: `Bearer ${tokens.get(admin.name)}` };

  const requests: string[] = [];
  const armed: { method: string; path: RegExp; status: number }[] = [];
  const server = await startServer({
    projectDir,
    port: 0,
    host: "127.0.0.1",
    retrainEvery: 5,
    quiet: true,
    ...(project.auditEvery !== undefined ? { auditEvery: project.auditEvery } : {}),
    ...(project.budget !== undefined ? { budget: project.budget } : {}),
    faults: {
      intercept(method, p) {
        requests.push(`${method} ${p}`);
        const i = armed.findIndex((f) => f.method === method && f.path.test(p.split("?")[0]));
        if (i < 0) return null;
        const f = armed.splice(i, 1)[0];
        return { status: f.status, code: "INJECTED", message: `Injected failure (${f.status})` };
      },
    },
  });
  const url = server.url.replace(/\/$/, "");
  const exported = async (): Promise<{ data: Record<string, Cell>; label: string; annotator: string }[]> => {
    const res = await fetch(`${url}/api/export?format=jsonl`, { headers: auth });
    if (!res.ok) throw new Error(`export: ${res.status}`);
    return (await res.text()).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { data: Record<string, Cell>; label: string; annotator: string });
  };
  return {
    url,
    requests,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
    tokens,
    exported,
    storedLabels: async () => new Map((await exported()).map((r) => [refOf(r.data), r.label])),
    fail: (method, p, status) => armed.push({ method, path: p, status }),
  };
}
