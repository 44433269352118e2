/**
 * The contract's gold item shapes: the dashboard's `gold` figures (present only for projects with
 * gold items, `init --gold COL`) and the gold settings an admin reads and changes.
 *
 * @example
 * GoldSummarySchema.parse(dashboard.gold); // { items, rate, threshold, flagged, annotators, method }
 */
import { z } from "@hono/zod-openapi";

export const GoldAnnotatorSchema = z
  .strictObject({
    name: z.string(),
    answered: z.number().int().openapi({ description: "gold items answered (their latest answer each)" }),
    correct: z.number().int(),
    accuracy: z.number().openapi({ description: "correct / answered" }),
    low: z.number().openapi({ description: "95% Wilson interval of the accuracy, lower end" }),
    high: z.number().openapi({ description: "95% Wilson interval of the accuracy, upper end" }),
    flagged: z.boolean().openapi({ description: "the interval's upper end is below the threshold: an admin should look into it (the annotator is never paused or dropped)" }),
  })
  .openapi("GoldAnnotator");

export const GoldSummarySchema = z
  .strictObject({
    items: z.number().int().openapi({ description: "gold items (known answers, kept outside the pool)" }),
    rate: z.number().openapi({ description: "share of served items that are gold items, 0..1" }),
    threshold: z.number().openapi({ description: "accuracy below which an annotator is flagged (interval-aware)" }),
    flagged: z.number().int().openapi({ description: "annotators flagged" }),
    annotators: z.array(GoldAnnotatorSchema).openapi({ description: "by name; an annotator (own access) sees only their own row" }),
    method: z.string(),
  })
  .openapi("GoldSummary");

export const GoldSettingsSchema = z
  .strictObject({
    column: z.string().openapi({ description: "the column of known answers at init" }),
    rate: z.number().openapi({ description: "share of served items that are gold items, 0..1" }),
    threshold: z.number().openapi({ description: "accuracy below which an annotator is flagged, 0..1" }),
  })
  .openapi("GoldSettings");
