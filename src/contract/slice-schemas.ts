/**
 * The dashboard's slice monitoring (`init --slice COL`; src/server/slice-figures.ts,
 * src/quality/slices.ts) in the HTTP contract: per slice column a table of its values, and the
 * labels' coverage of the pool's clusters.
 */
import { z } from "@hono/zod-openapi";

export const SliceRowSchema = z
  .strictObject({
    value: z.string().openapi({ description: "the slice value; \"(missing)\" for items without one; numeric columns in quartile ranges" }),
    pool: z.number().int().openapi({ description: "pool items with this value" }),
    pool_share: z.number(),
    labels: z.number().int().openapi({ description: "of them, labeled" }),
    label_share: z.number().openapi({ description: "share of all labeled items" }),
    accuracy: z.number().nullable().openapi({ description: "accuracy on the value's random audit picks (cross-validated at the latest retrain); null without any" }),
    n: z.number().int().openapi({ description: "audit picks it rests on" }),
    low: z.number().nullable(),
    high: z.number().nullable().openapi({ description: "95% Wilson interval" }),
    flags: z.array(z.enum(["under-labeled", "accuracy below the whole"])).openapi({ description: "see method" }),
  })
  .openapi("SliceRow");

export const SliceTableSchema = z
  .strictObject({
    column: z.string(),
    kind: z.enum(["values", "quartiles"]).openapi({ description: "quartiles: a numeric column with many values, cut at its quartiles" }),
    pool: z.number().int(),
    labels: z.number().int(),
    accuracy: z.number().nullable().openapi({ description: "accuracy on all scored audit picks (the whole the slices are compared with)" }),
    n: z.number().int(),
    low: z.number().nullable(),
    high: z.number().nullable(),
    runs: z.number().int().openapi({ description: "always 1 in a served project" }),
    rows: z.array(SliceRowSchema).openapi({ description: "largest share of the pool first; quartiles low to high" }),
    findings: z.array(z.string()).openapi({ description: "each flag in words" }),
  })
  .openapi("SliceTable");

export const ClusterRowSchema = z
  .strictObject({
    cluster: z.number().int(),
    pool: z.number().int(),
    pool_share: z.number(),
    labels: z.number().int(),
    label_share: z.number(),
    under_labeled: z.boolean(),
  })
  .openapi("ClusterRow");

export const ClusterCoverageSchema = z
  .strictObject({
    k: z.number().int(),
    covered: z.number().int().openapi({ description: "clusters with at least one label" }),
    covered_pool_share: z.number().openapi({ description: "share of the pool in those clusters" }),
    under_labeled: z.number().int().openapi({ description: "clusters flagged under-labeled" }),
    clusters: z.array(ClusterRowSchema),
  })
  .openapi("ClusterCoverage");

export const SliceFiguresSchema = z
  .strictObject({
    columns: z.array(SliceTableSchema),
    clusters: ClusterCoverageSchema.nullable().openapi({ description: "null until the first retrain has clustered the pool (or a pool under 40 items)" }),
    method: z.string(),
  })
  .openapi("SliceFigures");
