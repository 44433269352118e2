/**
 * The review queue's part of the HTTP contract (src/server/reviews.ts): a review as listed, the
 * review a reviewer is given (the item, every label with who and when, the model's view, why it
 * is in review, the version token to send back), a resolution's reply, and the dashboard's review
 * figures. Strict objects, as in schemas.ts.
 */
import { z } from "@hono/zod-openapi";
import { CellSchema } from "./fields.js";

const time = z.string().nullable().openapi({ format: "date-time", description: "ISO time; null = not yet" });

export const ReviewReasonSchema = z.enum(["disagreement", "model", "spot_check"]).openapi({ description: "disagreement: the annotators' labels tie with no slot left; model: after a retrain, confident learning on the labeled items' out-of-fold probabilities finds the label likely wrong (a capped number a retrain, lowest label quality first); spot_check: a share of single-labeled items (init --review-share)" });

export const ReviewDetailsSchema = z
  .strictObject({
    label: z.string().nullable().optional().openapi({ description: "the item's label when it entered review (null: in dispute)" }),
    modelLabel: z.string().optional().openapi({ description: "model: the label the model gives out-of-fold" }),
    probability: z.number().optional().openapi({ description: "model: its out-of-fold probability, 0..1" }),
    quality: z.number().optional().openapi({ description: "model: label quality, the out-of-fold probability of the given label, 0..1 (low = suspect)" }),
    iteration: z.number().int().optional().openapi({ description: "model: the retrain that flagged it" }),
    votes: z.record(z.string(), z.string()).optional().openapi({ description: "disagreement: each annotator's label" }),
  })
  .openapi("ReviewDetails");

export const ReviewSummarySchema = z
  .strictObject({
    id: z.number().int(),
    itemId: z.string(),
    reason: ReviewReasonSchema,
    why: z.string().openapi({ description: "the reason in words" }),
    details: ReviewDetailsSchema,
    openedAt: z.string().openapi({ format: "date-time" }),
    status: z.enum(["open", "resolved"]),
    resolvedAt: time,
    resolvedBy: z.string().nullable(),
    decision: z.string().nullable().openapi({ description: "the reviewer's label: the item's final label" }),
    leasedBy: z.string().nullable().openapi({ description: "open: the reviewer it is leased to right now, if any" }),
  })
  .openapi("ReviewSummary");

export const ReviewListSchema = z
  .strictObject({
    reviews: z.array(ReviewSummarySchema).openapi({ description: "oldest first, at most `limit`; page on with ?after=<last id>" }),
    open: z.number().int().openapi({ description: "open reviews in all" }),
    resolved: z.number().int().openapi({ description: "resolved reviews in all" }),
  })
  .openapi("ReviewList");

export const ItemLabelSchema = z
  .strictObject({
    annotator: z.string(),
    label: z.string(),
    kind: z.enum(["label", "relabel", "import", "review"]),
    at: z.string().openapi({ format: "date-time" }),
    undone: z.boolean().openapi({ description: "taken back by an undo (kept in the history)" }),
  })
  .openapi("ItemLabel");

export const ReviewViewSchema = z
  .strictObject({
    review: ReviewSummarySchema,
    item: z.strictObject({ id: z.string(), data: z.record(z.string(), CellSchema) }),
    labels: z.array(ItemLabelSchema).openapi({ description: "every label record of the item, oldest first, with who and when" }),
    majority: z.string().nullable().openapi({ description: "the label Enter accepts: the annotators' majority, else the item's current label; null when they tie" }),
    model: z
      .strictObject({
        label: z.string(),
        probabilities: z.record(z.string(), z.number()),
        outOfSample: z.boolean().openapi({ description: "false: the current model was trained on this item's label (its view echoes it); the review's details hold the out-of-fold figure" }),
      })
      .nullable()
      .openapi({ description: "the current model's view; null before the first model" }),
    seen: z.number().int().openapi({ description: "the item's version: send it back with the decision (a 409 if the item changed meanwhile)" }),
    leaseExpiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("ReviewView");

export const ReviewNextSchema = z.strictObject({ review: z.union([ReviewViewSchema, z.null()]).openapi({ description: "null: no open review is free for this reviewer" }) }).openapi("ReviewNext");

export const ResolveReplySchema = z
  .strictObject({
    review: ReviewSummarySchema,
    annotationId: z.number().int().openapi({ description: "the history record of kind review holding the decision" }),
    accepted: z.string().nullable().openapi({ description: "the annotator whose label was accepted, null when the reviewer set another" }),
  })
  .openapi("ResolveReply");

export const OverturnedSchema = z
  .strictObject({
    name: z.string(),
    reviewed: z.number().int().openapi({ description: "labels of this annotator on items a reviewer resolved (n)" }),
    overturned: z.number().int().openapi({ description: "of those, labels the reviewer's decision differs from" }),
    share: z.number().nullable().openapi({ description: "overturned / reviewed; null when none was reviewed" }),
    interval: z.tuple([z.number(), z.number()]).nullable().openapi({ description: "95% Wilson interval of the share" }),
  })
  .openapi("Overturned");

export const ReviewFiguresSchema = z
  .strictObject({
    open: z.number().int(),
    resolved: z.number().int(),
    overturned: z.array(OverturnedSchema).openapi({ description: "per annotator; reviews of flagged items (disagreement, model) over-represent errors: the spot checks alone estimate an annotator's error rate without that bias" }),
  })
  .openapi("ReviewFigures");

export type ReviewSummary = z.infer<typeof ReviewSummarySchema>;
export type ReviewView = z.infer<typeof ReviewViewSchema>;
export type ReviewFigures = z.infer<typeof ReviewFiguresSchema>;
