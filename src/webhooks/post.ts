/**
 * One webhook POST over node:http or node:https, bounded by a total timeout (connect, send and
 * the response headers). The response body is never read: the socket is closed once the status
 * is in. No redirects are followed: a 3xx is a failed attempt.
 *
 * @example
 * const r = await postJson("http://127.0.0.1:9000/hook", body, { "X-Activelearn-Event": "label.created" }, 5000);
 * r.status; // 200, or null with r.error when no response came
 */
import http from "node:http";
import https from "node:https";

/** An attempt's result: the status, or null and why no response came. */
export interface PostResult {
  readonly status: number | null;
  readonly error: string | null;
}

/** Sends one request; injectable in the delivery loop. */
export type Poster = (url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number) => Promise<PostResult>;

/** POSTs `body` as application/json; never rejects. */
export const postJson: Poster = (url, body, headers, timeoutMs) =>
  new Promise<PostResult>((resolve) => {
    let done = false;
    const finish = (r: PostResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const target = new URL(url);
    const lib = target.protocol === "https:" ? https : http;
    const req = lib.request(target, {
      method: "POST",
      agent: false,
      headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "activelearn-webhooks" },
    });
    const timer = setTimeout(() => {
      finish({ status: null, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("response", (res) => {
      res.resume();
      res.on("error", () => undefined);
      finish({ status: res.statusCode ?? null, error: null });
      res.destroy();
    });
    req.on("error", (e) => finish({ status: null, error: e.message }));
    req.end(body);
  });
