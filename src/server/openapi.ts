/** The OpenAPI 3.1 document served at /api/openapi.json. */

const error = { $ref: "#/components/responses/Error" };
const json = (schema: unknown): unknown => ({ "application/json": { schema } });
const annotatorDescription = "who is labeling: NFC-normalised and trimmed; at most 200 characters; no control characters (C0, C1), bidirectional controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C) or lone surrogates (else a 400 naming the field)";
const annotatorSchema = { type: "string", minLength: 1, maxLength: 200, description: annotatorDescription };
const annotatorParam = { name: "annotator", in: "query", required: true, schema: annotatorSchema, description: annotatorDescription };
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "item id (the --id column, else the 1-based row number of the imported file)" };

export function openApiDocument(version: string): unknown {
  return {
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
    paths: {
      "/api/next": {
        get: {
          summary: "The next item to label, leased to the annotator (5 minutes, renewed on each call). Asking again before labeling returns the same item. With ahead=1, the item after it (an annotator holds at most two: the current one and one fetched ahead, so the page shows the next item without a wait).",
          parameters: [annotatorParam, { name: "ahead", in: "query", required: false, schema: { type: "string", enum: ["0", "1"] }, description: "1: the item after the current one" }],
          responses: {
            "200": { description: "an item", content: json({ type: "object", properties: { item: { $ref: "#/components/schemas/Item" } }, required: ["item"] }) },
            "204": { description: "nothing is left for this annotator (all labeled, skipped by them, or held by others)" },
            "400": error,
          },
        },
      },
      "/api/items/{id}/label": {
        post: {
          summary: "Label an item. The same label from the same annotator on the same item again stores nothing (201 either way).",
          parameters: [idParam],
          requestBody: { required: true, content: json({ type: "object", properties: { label: { type: "string" }, annotator: annotatorSchema, durationMs: { type: "integer", minimum: 0, maximum: 86_400_000, description: "time spent on the item in ms (at most 24 h)" } }, required: ["label", "annotator"], additionalProperties: false }) },
          responses: { "201": { description: "stored", content: json({ type: "object", properties: { ok: { const: true }, labeled: { type: "integer" } } }) }, "400": error, "404": error, "409": error, "413": error },
        },
        delete: {
          summary: "Undo this annotator's last label on the item (an undo record: the label stays in the history); the item falls back to its latest label still live; if the item is left unlabeled it is served to them next. Only the annotator's own labels can be undone (404 otherwise).",
          parameters: [idParam, annotatorParam],
          responses: { "200": { description: "undone", content: json({ type: "object", properties: { ok: { const: true }, labeled: { type: "integer" } } }) }, "400": error, "404": error, "409": error },
        },
      },
      "/api/items/{id}/skip": {
        post: {
          summary: "Pass on an item: its lease ends and it is not offered to this annotator again.",
          parameters: [idParam],
          requestBody: { required: true, content: json({ type: "object", properties: { annotator: annotatorSchema }, required: ["annotator"] }) },
          responses: { "200": { description: "skipped", content: json({ type: "object", properties: { ok: { const: true } } }) }, "400": error, "404": error, "409": error },
        },
        delete: {
          summary: "Take back this annotator's skip of the item (an unskip record): it is offered to them again, first in line when it is unlabeled and no one else holds it. Another annotator's skip is theirs: 404.",
          parameters: [idParam, annotatorParam],
          responses: { "200": { description: "skip undone", content: json({ type: "object", properties: { ok: { const: true } } }) }, "400": error, "404": error },
        },
      },
      "/api/stats": {
        get: {
          summary: "Counts, current metrics, the headline accuracy with its interval and the stopping advice",
          responses: {
            "200": {
              description: "stats",
              content: json({
                type: "object",
                properties: {
                  total: { type: "integer" },
                  labeled: { type: "integer" },
                  byLabel: { type: "object", additionalProperties: { type: "integer" } },
                  iterations: { type: "integer", description: "retrains so far" },
                  lastRetrainAt: { type: ["string", "null"], format: "date-time" },
                  metrics: { $ref: "#/components/schemas/Metrics" },
                  accuracy: { $ref: "#/components/schemas/AccuracyReport" },
                  advice: { $ref: "#/components/schemas/Advice" },
                },
              }),
            },
          },
        },
      },
      "/api/project": {
        get: {
          summary: "Project settings",
          responses: {
            "200": {
              description: "settings",
              content: json({
                type: "object",
                properties: {
                  name: { type: "string" },
                  labels: { type: "array", items: { type: "string" } },
                  textColumn: { type: ["string", "null"] },
                  fields: { type: "array", items: { type: "string" } },
                  strategy: { type: "string" },
                  model: { type: "string" },
                  total: { type: "integer" },
                  retrainEvery: { type: "integer" },
                  budget: { type: ["integer", "null"], description: "labels to spend at most (init or serve --budget); null = none" },
                  targetAccuracy: { type: ["number", "null"], description: "accuracy that is good enough (init or serve --target-accuracy); null = none" },
                },
              }),
            },
          },
        },
      },
      "/api/dashboard": {
        get: {
          summary: "Stopping advice, headline accuracy with its interval, learning curve with intervals, label counts, labels saved against random sampling, annotators",
          responses: {
            "200": {
              description: "dashboard",
              content: json({
                type: "object",
                properties: {
                  curve: { type: "array", items: { $ref: "#/components/schemas/CurvePoint" }, description: "per retrain with at least 10 audit picks (at most 300 points, thinned evenly): accuracy cross-validated on the random audit picks (an estimate over the whole pool), n picks, 95% Wilson interval; see the description above" },
                  curveSource: { type: "string", enum: ["audit", "imported"], description: "imported: every item is labeled, all by import; the curve is accuracy against the number of imported labels trained on" },
                  curveMethod: { type: "string" },
                  hardCurve: { type: "array", items: { $ref: "#/components/schemas/CurvePoint" }, description: "test-then-train accuracy of each model on the labels that arrived while it was current (accuracy on hard items)" },
                  auditAccuracy: { type: ["number", "null"], description: "test-then-train accuracy on the last 50 audit picks" },
                  auditN: { type: "integer" },
                  auditInterval: { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2, description: "95% Wilson interval of auditAccuracy" },
                  accuracy: { $ref: "#/components/schemas/AccuracyReport" },
                  advice: { $ref: "#/components/schemas/Advice" },
                  byLabel: { type: "object", additionalProperties: { type: "integer" } },
                  labelsSavedEstimate: { type: ["integer", "null"], description: "see the description above" },
                  labelsSavedRange: { type: ["array", "null"], items: { type: "integer" }, minItems: 2, maxItems: 2, description: "labelsSavedEstimate at either end of the headline accuracy's 95% interval" },
                  labeled: { type: "integer" },
                  total: { type: "integer" },
                  annotators: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        name: { type: "string" },
                        labels: { type: "integer" },
                        perHour: { type: "number", description: "labels per hour of labeling time: the summed durationMs sent with the labels (each capped at 5 minutes); labels without one fall back to the gaps between labels (capped the same)" },
                        medianMs: { type: "integer", description: "median durationMs sent with the labels (0 when none was sent)" },
                      },
                    },
                  },
                  iterations: { type: "integer" },
                  lastRetrainAt: { type: ["string", "null"], format: "date-time" },
                  accuracyMethod: { type: "string" },
                  labelsSavedMethod: { type: "string" },
                },
              }),
            },
          },
        },
      },
      "/api/export": {
        get: {
          summary: "The labeled items with their current label, annotator and time; with annotations=all, every annotation record (long format)",
          parameters: [
            { name: "format", in: "query", required: false, schema: { enum: ["jsonl", "csv"], default: "jsonl" } },
            { name: "annotations", in: "query", required: false, schema: { enum: ["all"] }, description: "all: one row per annotation record (label, relabel, import, undo, review, skip, unskip) in the order they were made, instead of the final labels" },
          ],
          responses: { "200": { description: "JSON Lines ({id, data, label, annotator, labeledAt} per line) or CSV (id, fields, label, annotator, labeled_at); with annotations=all, JSON Lines ({id, annotator, label, kind, at, durationMs, audit}) or CSV (id, annotator, label, kind, at, duration_ms, audit). Streamed (chunked) at the pace the client reads. In CSV, a cell starting with =, +, -, @, TAB or CR gets a leading ' so spreadsheets show it as text instead of running it as a formula (cells that are plain numbers, such as -3.5, are left as they are)." }, "400": error },
        },
      },
      "/api/predict": {
        post: {
          summary: "Class probabilities of new items with the latest model (at most 1,000 items per call). Every item must have exactly the fields the model was trained on (null for a missing value): a missing or unknown field is a 400 naming them, never a prediction from the prior alone.",
          requestBody: { required: true, content: json({ type: "object", properties: { items: { type: "array", items: { type: "object", additionalProperties: { type: ["string", "number", "boolean", "null"] } } } }, required: ["items"] }) },
          responses: {
            "200": { description: "one prediction per item, in order", content: json({ type: "object", properties: { predictions: { type: "array", items: { type: "object", properties: { label: { type: "string" }, probabilities: { type: "object", additionalProperties: { type: "number" } } } } } } }) },
            "400": error,
            "409": error,
            "413": error,
          },
        },
      },
      "/api/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
    components: {
      schemas: {
        Item: {
          type: "object",
          properties: {
            id: { type: "string" },
            data: { type: "object", additionalProperties: { type: ["string", "number", "null"] } },
            suggestion: { type: ["object", "null"], properties: { label: { type: "string" }, confidence: { type: "number" } }, description: "the current model's prediction; null before the first model" },
            score: { type: "number", description: "the strategy's score (higher = more informative); 0 for cold-start and audit picks" },
            strategy: { type: "string", description: "the strategy that picked it (random for cold start and audit picks)" },
            reason: { type: "string", description: "why this item, in words" },
          },
          required: ["id", "data", "suggestion", "score", "strategy", "reason"],
        },
        Metrics: {
          type: "object",
          properties: {
            accuracy: { type: ["number", "null"], description: "test-then-train accuracy on the latest new labels, pooled over the latest models until 50 labels (pessimistic: mostly items the strategy chose); kept across restarts" },
            accuracyN: { type: "integer" },
            accuracyInterval: { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2, description: "95% Wilson interval" },
            auditAccuracy: { type: ["number", "null"], description: "test-then-train accuracy on the last 50 random audit picks (unbiased, noisy)" },
            auditN: { type: "integer" },
            auditInterval: { type: ["array", "null"], items: { type: "number" }, minItems: 2, maxItems: 2, description: "95% Wilson interval" },
            estimate: { type: "string" },
          },
        },
        CurvePoint: {
          type: "object",
          properties: { labels: { type: "integer", description: "labels the model was trained on" }, accuracy: { type: "number" }, n: { type: "integer", description: "items it was measured on" }, low: { type: "number" }, high: { type: "number", description: "95% Wilson interval [low, high]" } },
          required: ["labels", "accuracy", "n", "low", "high"],
        },
        Figure: {
          type: "object",
          properties: {
            kind: { type: "string", enum: ["pool", "hard_items", "imported"] },
            label: { type: "string" },
            value: { type: ["number", "null"], description: "null below 10 items" },
            n: { type: "integer" },
            low: { type: ["number", "null"] },
            high: { type: ["number", "null"], description: "95% Wilson interval" },
            text: { type: "string", description: "one readable line, or why there is no figure yet" },
            method: { type: "string" },
          },
          required: ["kind", "label", "value", "n", "low", "high", "text", "method"],
        },
        AccuracyReport: {
          type: "object",
          properties: {
            headline: { $ref: "#/components/schemas/Figure" },
            others: { type: "array", items: { $ref: "#/components/schemas/Figure" } },
            importedLabels: { type: "string", description: "why imported labels do or do not count in the headline" },
          },
        },
        Criterion: {
          type: "object",
          properties: {
            name: { type: "string", enum: ["budget", "target_accuracy", "stabilizing_predictions", "overall_uncertainty", "max_uncertainty", "classification_change"] },
            state: { type: "string", enum: ["fired", "waiting", "off"], description: "off: no budget or target set" },
            reason: { type: "string" },
          },
        },
        Advice: {
          type: "object",
          properties: {
            stop: { type: "boolean", description: "true: you can stop now (see the description above)" },
            sentence: { type: "string", description: "keep labeling / you can stop now, which criteria agree, the accuracy with its interval, what the next 100 labels add" },
            criteria: { type: "array", items: { $ref: "#/components/schemas/Criterion" }, description: "as of the last retrain (the budget as of now); empty before the first" },
            agree: { type: "array", items: { type: "string" } },
            accuracy: { $ref: "#/components/schemas/Figure" },
            next100: { type: ["object", "null"], properties: { gain: { type: "number" }, low: { type: "number" }, high: { type: "number" } }, description: "accuracy (0..1) the next 100 labels are expected to add; null = unknown" },
            next100Text: { type: "string" },
            budget: { type: ["object", "null"], properties: { limit: { type: "integer" }, spent: { type: "integer" }, reached: { type: "boolean" } } },
            target: { type: ["object", "null"], properties: { accuracy: { type: "number" }, reached: { type: "boolean" } } },
          },
        },
        Error: { type: "object", properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } }, required: ["code", "message"] } } },
      },
      responses: { Error: { description: "error", content: json({ $ref: "#/components/schemas/Error" }) } },
    },
  };
}
