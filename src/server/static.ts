/**
 * Static files of the web app: `web/index.html` at `/`, `web/dashboard.html` at `/dashboard`,
 * `web/login.html` at `/login`,
 * `web/review.html` at `/review`,
 * and `web/**` and `dist/web/**` (compiled UI scripts) under `/static/`. Paths resolve against
 * the package root (found from this module's URL, not the working directory); nothing outside
 * those two folders is ever served. Missing pages get a small placeholder.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: dist/src/server/ -> ../../.. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const STATIC_DIRS = [path.join(PACKAGE_ROOT, "web"), path.join(PACKAGE_ROOT, "dist", "web")];

/** No inline scripts, no third-party anything. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Content type of a file name (application/octet-stream when unknown). */
export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

function readFile(file: string): StaticFile | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return null;
    return { body: fs.readFileSync(file), contentType: contentTypeOf(file) };
  } catch {
    return null;
  }
}

/**
 * The file for `/static/<rel>`, or null. `rel` is the decoded path after /static/; anything that
 * would leave the static folders (.., absolute paths, NUL, backslashes) is refused.
 */
export function staticFile(rel: string): StaticFile | null {
  if (rel === "" || rel.includes("\0") || rel.includes("\\") || rel.startsWith("/")) return null;
  if (rel.split("/").some((seg) => seg === ".." || seg === "." || seg.startsWith("."))) return null;
  for (const dir of STATIC_DIRS) {
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep)) continue;
    const f = readFile(file);
    if (f !== null) return f;
  }
  return null;
}

/** A page of web/ (index.html, dashboard.html), or a placeholder while the UI is not built. */
export function page(name: "index.html" | "dashboard.html" | "login.html" | "review.html", projectName: string): StaticFile {
  const f = readFile(path.join(PACKAGE_ROOT, "web", name));
  if (f !== null) return f;
  const title = name === "index.html" ? "Labeling" : name === "login.html" ? "Log in" : name === "review.html" ? "Review" : "Dashboard";
  const esc = projectName.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · ${esc} · activelearn</title></head>
<body>
<h1>activelearn · ${esc}</h1>
<p>The web app is not built yet. The REST API is running: see <a href="/api/openapi.json">/api/openapi.json</a>,
<a href="/api/stats">/api/stats</a>, <a href="/api/next?annotator=me">/api/next?annotator=me</a>${name === "index.html" ? ', <a href="/dashboard">the dashboard</a>' : ""}.</p>
</body></html>
`;
  return { body: Buffer.from(html), contentType: TYPES[".html"] };
}
