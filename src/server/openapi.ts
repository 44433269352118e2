/**
 * The OpenAPI 3.1 document served at /api/openapi.json, generated from the route schemas of
 * src/contract/routes.ts (the same schemas the server validates requests with); only the
 * overview text below is written by hand.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { API_ROUTES } from "../contract/routes.js";

/** The document's JSON (an OpenAPI 3.1 object). */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

export function openApiDocument(version: string): OpenApiDocument {
  const registry = new OpenAPIHono();
  for (const r of API_ROUTES) registry.openAPIRegistry.registerPath(r);
  return registry.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "activelearn labeling API",
      version,
      description: [
        "Labels are committed to the project's SQLite database (WAL) before the reply, so every acknowledged label survives a crash or `kill -9` of the server (`serve --sync full` also fsyncs each commit against power loss).",
        "Errors are `{error: {code, message}}`: 400 bad input (every problem named), 404 unknown item, 405 wrong method (also CONNECT), 409 conflict (item held by another annotator, no model yet), 413 body over 1 MiB. A request that is not valid HTTP, or a malformed request target (`//[`, `http://%zz/`), is a 400; a head over 16 KiB a 431; headers not complete within 20 s (or the whole request within 60 s) a 408 and the connection closed. At most 900 connections are open at once: a new one closes the oldest connection with no request in progress (idle keep-alive, or still sending its headers); idle keep-alive connections close after 10 s.",
        "",
        "**Accuracy estimates.** Every accuracy carries its sample size `n` and a 95% Wilson interval (`low`, `high`), and none is given as a figure on fewer than 10 items (`value` null, `text` says \"not enough random picks yet (3 of 10)\"). The headline (`accuracy.headline`, kind `pool`) is the model's accuracy over the whole pool: every 10th item served is a uniformly random *audit* pick, and at each retrain the audit picks are scored by 5-fold cross-validation (each fold by a model fitted on every label but that fold's audit picks). `/api/dashboard`'s `curve` has one such point per retrain (from 10 audit picks on). The other figures are labeled for what they are: `hard_items` is test-then-train (progressive validation: each new label compared with the prediction of the model current when it arrived, never trained on it); most new labels are the strategy's picks, the items the model is least sure of, so it runs below the pool's accuracy (`hardCurve` per retrain, `metrics.accuracy` now). `imported` is cross-validation on the labels imported at init: not a random sample of the pool, so not the headline, except when every item is labeled and all by import (then `curve` is accuracy against the number of imported labels trained on, `curveSource: imported`). `metrics.auditAccuracy` is test-then-train on the last 50 audit picks.",
        "",
        "**Stopping advice.** After every retrain the criteria of `simulate` are checked: budget (labels given in the app, `--budget`), target accuracy (the headline, on at least 50 random picks, `--target-accuracy`), stabilizing predictions (mean Cohen's kappa of successive models on a fixed 1,000-item stop set >= 0.99 over 3 retrains), and from 50 labels on overall uncertainty (mean normalized entropy of unlabeled stop-set items < 0.1), max uncertainty (< 0.5) and classification change (no stop-set prediction changed). `advice.stop` is true (\"you can stop now\") when the budget is spent, the target is reached, every item is labeled, or at least two of the four model-based criteria agree. `advice.next100` is what the next 100 labels are expected to add to the headline accuracy by random sampling's learning curve (below), with a range from the 95% interval of the curve's exponent; null when unknown.",
        "",
        "**labelsSavedEstimate.** Only audit picks are a random sample of the pool, so only they show how random sampling would do. At each retrain, models are trained on random subsets of m audit items and tested on the other audit items, for m from 20% to 80% of them, and the power law err(m) = b·m^-c is fitted (least squares on log err against log m). The estimate is the number of labels random sampling would need to reach the headline accuracy (cross-validated on the audit picks; `labelsSavedRange` at either end of its 95% interval), (err/b)^(-1/c), minus the labels spent (positive = labels saved; capped at the pool size). It is null until 30 audit labels exist (about 300 labels) or when the fitted curve does not fall.",
      ].join("\n"),
    },
  });
}
