/**
 * The server the browser tests run against. Today: the in-memory fake (./fake-server.ts). Once
 * the real backend (src/server/app.ts, `startServer`) has landed, switch the one line marked
 * SWITCH below to `startRealTestServer`: it builds a project directory with `activelearn init`
 * from the same items and serves it with `startServer`.
 *
 * Tests identify items by their `ref` field (the real server picks its own ids and order).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { type Cell, type FakeItem, REPO_ROOT, startFakeServer } from "./fake-server.js";

export interface TestProject {
  readonly name?: string;
  readonly labels: readonly string[];
  readonly textColumn: string | null;
  /** Each item's data must have a unique string `ref`. */
  readonly items: readonly FakeItem[];
  /** Every N-th item served is a random audit pick (real server only; default 10). */
  readonly auditEvery?: number;
  /** Labels to spend at most (real server only). */
  readonly budget?: number;
}

export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
  /** The stored label of each labeled item, by `ref`; null when the server offers no way to read them. */
  storedLabels(): Promise<Map<string, string> | null>;
  /** Makes the next matching API requests fail (fake server only; null elsewhere). */
  readonly fail: ((method: string, path: RegExp, status: number) => void) | null;
}

export function refOf(data: Readonly<Record<string, Cell>>): string {
  const ref = data.ref;
  if (typeof ref !== "string") throw new Error("test items need a string `ref` field");
  return ref;
}

export async function startFakeTestServer(project: TestProject): Promise<TestServer> {
  const server = await startFakeServer({ ...project, holdOne: true });
  const refs = new Map(project.items.map((it) => [it.id, refOf(it.data)]));
  return {
    url: server.url,
    close: () => server.close(),
    storedLabels: () => Promise.resolve(new Map([...server.labels()].map(([id, l]) => [refs.get(id) ?? id, l.label]))),
    fail: (method, p, status) => server.fail({ method, path: p, status }),
  };
}

function csvCell(v: Cell): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface RealServer {
  url: string;
  close(): Promise<void>;
}
type StartServer = (o: { projectDir: string; port?: number; host?: string; retrainEvery?: number; quiet?: boolean; auditEvery?: number; budget?: number }) => Promise<RealServer>;

/** The real backend on a fresh project made from the items (needs src/server/app.ts and `activelearn init`). */
export async function startRealTestServer(project: TestProject): Promise<TestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "activelearn-web-"));
  const fields = [...new Set(project.items.flatMap((it) => Object.keys(it.data)))];
  const csv = [fields.map((f) => csvCell(f)).join(","), ...project.items.map((it) => fields.map((f) => csvCell(it.data[f] ?? null)).join(","))].join("\n");
  const data = path.join(dir, "items.csv");
  await writeFile(data, `${csv}\n`);
  const projectDir = path.join(dir, "project");
  const args = [path.join(REPO_ROOT, "dist/src/cli/main.js"), "init", projectDir, "--data", data, "--labels", project.labels.join(",")];
  if (project.textColumn !== null) args.push("--text", project.textColumn);
  await promisify(execFile)(process.execPath, args);

  // A computed specifier, so this file compiles before the backend exists.
  const appModule = pathToFileURL(path.join(REPO_ROOT, "dist/src/server/app.js")).href;
  const mod = (await import(appModule)) as { startServer?: unknown };
  if (typeof mod.startServer !== "function") throw new Error("dist/src/server/app.js does not export startServer");
  const server = await (mod.startServer as StartServer)({ projectDir, port: 0, host: "127.0.0.1", retrainEvery: 5, quiet: true, ...(project.auditEvery !== undefined ? { auditEvery: project.auditEvery } : {}),
    ...(project.budget !== undefined ? { budget: project.budget } : {}),
  });
  return {
    url: server.url.replace(/\/$/, ""),
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
    storedLabels: () => Promise.resolve(null),
    fail: null,
  };
}

// SWITCH: point the browser tests at the real backend with `= startRealTestServer;`.
export const startTestServer: (project: TestProject) => Promise<TestServer> = startRealTestServer;
