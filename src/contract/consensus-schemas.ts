/**
 * The contract's consensus shapes: the dashboard's `consensus` figures (projects with overlap):
 * the method chosen and the one in use with the reason, and per annotator the accuracy
 * Dawid-Skene estimates with the labels it rests on (src/quality/vote-consensus.ts).
 *
 * @example
 * ConsensusFiguresSchema.parse(dashboard.consensus); // { method, inUse, reason, annotators, ... }
 */
import { z } from "@hono/zod-openapi";

const methods = z.enum(["majority", "dawid-skene"]);

export const AnnotatorEstimateSchema = z
  .strictObject({
    name: z.string(),
    labels: z.number().int().openapi({ description: "their labels on items with two or more annotator labels: what the estimate rests on" }),
    estimatedAccuracy: z.number().nullable().openapi({ description: "sum over classes c of prior(c) * P(they say c | the truth is c), from the Dawid-Skene fit; null when there is too little overlap to estimate it (see note)" }),
    note: z.string().nullable().openapi({ description: "why there is no estimate; null when there is one" }),
  })
  .openapi("AnnotatorEstimate");

export const ConsensusFiguresSchema = z
  .strictObject({
    method: methods.openapi({ description: "the consensus method chosen (init --consensus, PATCH /api/settings)" }),
    inUse: methods.openapi({ description: "the method the training labels come from now: dawid-skene only when chosen and enough items have two or more labels" }),
    reason: z.string().openapi({ description: "why inUse is what it is, with the numbers" }),
    itemsWithOverlap: z.number().int().openapi({ description: "items with two or more annotator labels" }),
    minItems: z.number().int().openapi({ description: "items with two or more labels Dawid-Skene needs: max(20, 5 per class)" }),
    minPosterior: z.number().openapi({ description: "under dawid-skene, an item whose top posterior is below this is a dispute (it does not train until a reviewer decides or more labels settle it)" }),
    fittedAt: z.string().nullable().openapi({ format: "date-time", description: "when the votes were last fitted (at load, at every retrain, when the method changes)" }),
    annotators: z.array(AnnotatorEstimateSchema).openapi({ description: "by name; an annotator (own access) sees only their own row" }),
    estimateMethod: z.string(),
  })
  .openapi("ConsensusFigures");

export type ConsensusFigures = z.infer<typeof ConsensusFiguresSchema>;
