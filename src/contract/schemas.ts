/**
 * The response bodies of the HTTP contract, one zod schema each, registered as named OpenAPI
 * components. Objects are strict: a field the server sends but the contract does not name fails
 * the contract test (src/server/contract.test.ts), so the document cannot drift from the replies.
 */
import { z } from "@hono/zod-openapi";
import { CellSchema } from "./fields.js";
import { ReviewFiguresSchema } from "./review-schemas.js";
import { SliceFiguresSchema } from "./slice-schemas.js";
import { GoldSummarySchema } from "./gold.js";
import { ConsensusFiguresSchema } from "./consensus-schemas.js";

const interval = z.tuple([z.number(), z.number()]).nullable().openapi({ description: "95% Wilson interval [low, high]" });
const time = z.string().nullable().openapi({ format: "date-time", description: "ISO time; null = never" });

export const SuggestionSchema = z
  .strictObject({ label: z.string(), confidence: z.number().openapi({ description: "the model's probability for the label, 0..1" }) })
  .openapi("Suggestion");

export const ItemSchema = z
  .strictObject({
    id: z.string(),
    data: z.record(z.string(), CellSchema),
    suggestion: z.union([SuggestionSchema, z.null()]).openapi({ description: "the current model's prediction; null before the first model" }),
    score: z.number().openapi({ description: "the strategy's score (higher = more informative); 0 for cold-start and audit picks" }),
    strategy: z.string().openapi({ description: "the strategy that picked it (random for cold start and audit picks)" }),
    reason: z.string().openapi({ description: "why this item, in words" }),
  })
  .openapi("Item");

export const NextReplySchema = z.strictObject({ item: ItemSchema }).openapi("NextReply");

export const LabelResultSchema = z.strictObject({ ok: z.literal(true), labeled: z.number().int().openapi({ description: "labeled items now" }) }).openapi("LabelResult");
export const OkSchema = z.strictObject({ ok: z.literal(true) }).openapi("Ok");

export const FigureSchema = z
  .strictObject({
    kind: z.enum(["pool", "hard_items", "imported"]).openapi({ description: "pool: the headline (random audit picks); hard_items: test-then-train; imported: cross-validated on imported labels" }),
    label: z.string(),
    value: z.number().nullable().openapi({ description: "null below 10 items" }),
    n: z.number().int(),
    low: z.number().nullable(),
    high: z.number().nullable().openapi({ description: "95% Wilson interval" }),
    text: z.string().openapi({ description: "one readable line, or why there is no figure yet" }),
    method: z.string(),
  })
  .openapi("Figure");

export const AccuracyReportSchema = z
  .strictObject({
    headline: FigureSchema,
    others: z.array(FigureSchema),
    importedLabels: z.string().openapi({ description: "why imported labels do or do not count in the headline" }),
  })
  .openapi("AccuracyReport");

export const CriterionStateSchema = z
  .strictObject({
    name: z.string().openapi({ description: "budget, target_accuracy, stabilizing_predictions, overall_uncertainty, max_uncertainty or classification_change" }),
    state: z.enum(["fired", "waiting", "off"]).openapi({ description: "off: no budget or target set" }),
    reason: z.string(),
  })
  .openapi("CriterionState");

export const AdviceSchema = z
  .strictObject({
    stop: z.boolean().openapi({ description: "true: you can stop now (see the description above)" }),
    sentence: z.string().openapi({ description: "keep labeling / you can stop now, which criteria agree, the accuracy with its interval, what the next 100 labels add" }),
    criteria: z.array(CriterionStateSchema).openapi({ description: "as of the last retrain (the budget as of now); empty before the first" }),
    agree: z.array(z.string()),
    accuracy: FigureSchema,
    next100: z.strictObject({ gain: z.number(), low: z.number(), high: z.number() }).nullable().openapi({ description: "accuracy (0..1) the next 100 labels are expected to add; null = unknown" }),
    next100Text: z.string(),
    budget: z.strictObject({ limit: z.number().int(), spent: z.number().int(), reached: z.boolean() }).nullable(),
    target: z.strictObject({ accuracy: z.number(), reached: z.boolean() }).nullable(),
  })
  .openapi("Advice");

export const MetricsSchema = z
  .strictObject({
    accuracy: z.number().nullable().openapi({ description: "test-then-train accuracy on the latest new labels, pooled over the latest models until 50 labels (pessimistic: mostly items the strategy chose); kept across restarts" }),
    accuracyN: z.number().int(),
    accuracyInterval: interval,
    auditAccuracy: z.number().nullable().openapi({ description: "test-then-train accuracy on the last 50 random audit picks (unbiased, noisy)" }),
    auditN: z.number().int(),
    auditInterval: interval,
    estimate: z.string(),
  })
  .openapi("Metrics");

const byLabel = z.record(z.string(), z.number().int()).openapi({ description: "labeled items per label" });

export const OverlapSummarySchema = z
  .strictObject({
    annotators: z.number().int().openapi({ description: "distinct annotators an overlapping item goes to" }),
    share: z.number().openapi({ description: "share of items that overlap, 0..1" }),
    on: z.string().openapi({ description: "how overlapping items are chosen: random or uncertain" }),
    adaptiveMax: z.number().int().openapi({ description: "most annotators an item in disagreement can get (adaptive overlap)" }),
    overlapping: z.number().int().openapi({ description: "overlapping items with at least one label" }),
    complete: z.number().int().openapi({ description: "overlapping items with all their slots labeled" }),
    disputed: z.number().int().openapi({ description: "items whose annotators' labels are a dispute (a majority tie; under dawid-skene, a top posterior below 0.7): they do not train the model" }),
    extended: z.number().int().openapi({ description: "items that got an extra annotator because their labels disagreed" }),
  })
  .openapi("OverlapSummary");

export const StatsSchema = z
  .strictObject({
    total: z.number().int(),
    labeled: z.number().int(),
    byLabel,
    iterations: z.number().int().openapi({ description: "retrains so far" }),
    lastRetrainAt: time,
    metrics: MetricsSchema,
    accuracy: AccuracyReportSchema,
    advice: AdviceSchema,
    overlap: OverlapSummarySchema.optional().openapi({ description: "present only for projects with overlap (init --overlap N)" }),
    reviews: ReviewFiguresSchema,
  })
  .openapi("Stats");

export const ProjectSchema = z
  .strictObject({
    name: z.string(),
    labels: z.array(z.string()),
    textColumn: z.string().nullable(),
    imageColumn: z.string().nullable().openapi({ description: "the column of image paths served by GET /api/items/{id}/image/{field} (init --image COL or --data DIR/); null = none" }),
    fields: z.array(z.string()),
    strategy: z.string(),
    model: z.string(),
    total: z.number().int(),
    retrainEvery: z.number().int(),
    budget: z.number().int().nullable().openapi({ description: "labels to spend at most (init or serve --budget); null = none" }),
    targetAccuracy: z.number().nullable().openapi({ description: "accuracy that is good enough (init or serve --target-accuracy); null = none" }),
  })
  .openapi("Project");

export const CurvePointSchema = z
  .strictObject({
    labels: z.number().int().openapi({ description: "labels the model was trained on" }),
    accuracy: z.number(),
    n: z.number().int().openapi({ description: "items it was measured on" }),
    low: z.number(),
    high: z.number().openapi({ description: "95% Wilson interval [low, high]" }),
  })
  .openapi("CurvePoint");

export const AnnotatorStatsSchema = z
  .strictObject({
    name: z.string(),
    labels: z.number().int(),
    perHour: z.number().openapi({ description: "labels per hour of labeling time: the summed durationMs sent with the labels (each capped at 5 minutes); labels without one fall back to the gaps between labels (capped the same); 0 when nothing measures it yet" }),
    medianMs: z.number().int().openapi({ description: "median durationMs sent with the labels (0 when none was sent)" }),
  })
  .openapi("AnnotatorStats");

export const DashboardSchema = z
  .strictObject({
    curve: z.array(CurvePointSchema).openapi({ description: "per retrain with at least 10 audit picks (at most 300 points, thinned evenly): accuracy cross-validated on the random audit picks (an estimate over the whole pool), n picks, 95% Wilson interval; see the description above" }),
    curveSource: z.enum(["audit", "imported"]).openapi({ description: "imported: every item is labeled, all by import; the curve is accuracy against the number of imported labels trained on" }),
    curveMethod: z.string(),
    hardCurve: z.array(CurvePointSchema).openapi({ description: "test-then-train accuracy of each model on the labels that arrived while it was current (accuracy on hard items)" }),
    auditAccuracy: z.number().nullable().openapi({ description: "test-then-train accuracy on the last 50 audit picks" }),
    auditN: z.number().int(),
    auditInterval: interval,
    byLabel,
    labelsSavedEstimate: z.number().int().nullable().openapi({ description: "see the description above" }),
    labelsSavedRange: z.tuple([z.number().int(), z.number().int()]).nullable().openapi({ description: "labelsSavedEstimate at either end of the headline accuracy's 95% interval" }),
    labeled: z.number().int(),
    total: z.number().int(),
    annotators: z.array(AnnotatorStatsSchema),
    iterations: z.number().int(),
    lastRetrainAt: time,
    accuracy: AccuracyReportSchema,
    advice: AdviceSchema,
    overlap: OverlapSummarySchema.optional().openapi({ description: "present only for projects with overlap (init --overlap N)" }),
    reviews: ReviewFiguresSchema,
    slices: SliceFiguresSchema.optional().openapi({ description: "present only for projects that watch slices (init --slice COL): labels and audit accuracy per slice value, flags, cluster coverage" }),
    gold: GoldSummarySchema.optional().openapi({ description: "present only for projects with gold items (init --gold COL): each annotator's accuracy on them, flagged below the threshold" }),
    consensus: ConsensusFiguresSchema.optional().openapi({ description: "present only for projects with overlap (init --overlap N): the consensus method in use and each annotator's accuracy estimated by Dawid-Skene" }),
    accuracyMethod: z.string(),
    labelsSavedMethod: z.string(),
  })
  .openapi("Dashboard");

export const PredictionSchema = z.strictObject({ label: z.string(), probabilities: z.record(z.string(), z.number()) }).openapi("Prediction");
export const PredictReplySchema = z.strictObject({ predictions: z.array(PredictionSchema) }).openapi("PredictReply");

/** Who the caller is (GET /api/me, and the reply of a login). */
export const CallerSchema = z
  .strictObject({
    name: z.string().nullable().openapi({ description: "the account's name; null in open mode (a project without accounts)" }),
    role: z.union([z.enum(["admin", "reviewer", "annotator", "viewer"]), z.null()]).openapi({ description: "the account's role; null in open mode" }),
    via: z.enum(["token", "session", "open"]).openapi({ description: "how the request was authenticated: an Authorization: Bearer token, the session cookie, or not at all (open mode)" }),
    csrfToken: z.string().nullable().openapi({ description: "with a session: the value every state-changing request must send as the X-CSRF-Token header; null otherwise (a Bearer request needs none)" }),
  })
  .openapi("Caller");

export const ErrorSchema = z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) }).openapi("ErrorBody");

export type Suggestion = z.infer<typeof SuggestionSchema>;
export type Item = z.infer<typeof ItemSchema>;
export type LabelResult = z.infer<typeof LabelResultSchema>;
export type Figure = z.infer<typeof FigureSchema>;
export type OverlapSummary = z.infer<typeof OverlapSummarySchema>;
export type AccuracyReport = z.infer<typeof AccuracyReportSchema>;
export type CriterionState = z.infer<typeof CriterionStateSchema>;
export type Advice = z.infer<typeof AdviceSchema>;
export type Stats = z.infer<typeof StatsSchema>;
export type Project = z.infer<typeof ProjectSchema>;
export type CurvePoint = z.infer<typeof CurvePointSchema>;
export type AnnotatorStats = z.infer<typeof AnnotatorStatsSchema>;
export type Dashboard = z.infer<typeof DashboardSchema>;
export type Prediction = z.infer<typeof PredictionSchema>;
export type ErrorBody = z.infer<typeof ErrorSchema>;
export type Caller = z.infer<typeof CallerSchema>;
