/**
 * Slice monitoring in a served project (`init --slice COL`): per slice column, each value's share
 * of the pool against its share of the labels, and the model's accuracy on the value's random
 * audit picks with its 95% Wilson interval, flagged by the rules of quality/slices.ts; and how
 * well the labels cover the pool's k-means clusters.
 *
 * The accuracies rest on the latest retrain's 5-fold cross-validation of the audit picks (the one
 * behind the dashboard's headline accuracy): each audit pick is right or wrong as predicted by a
 * model fitted on every label but its fold's audit picks. The audit picks are a uniform sample of
 * the pool, so a slice's accuracy on them estimates its accuracy over the pool; the interval
 * counts each pick once. Labels are every item's current label (imported ones included).
 *
 * The slice values are read from the items once, when the project opens.
 *
 * @example
 * const monitor = SliceMonitor.open(store, meta, log);
 * monitor?.figures(state.labelOf, loop.iterations.at(-1), loop.clusters).columns[0].rows;
 */
import { countSlices, sliceTable, SLICE_RULES, type SliceTable } from "../quality/slices.js";
import { clusterCoverage, type ClusterCoverage } from "../quality/slices-clusters.js";
import { sliceValues, TooManySliceValues, type SliceColumnValues } from "../quality/slices-values.js";
import type { Iteration, ProjectMeta, Store } from "../store/types.js";

/** What the dashboard shows of the slices. */
export interface SliceFigures {
  /** One table per slice column, in `init --slice` order. */
  readonly columns: (SliceTable & { readonly kind: "values" | "quartiles" })[];
  /** Coverage of the pool's clusters by the labels; null until the first retrain has clustered the pool. */
  readonly clusters: ClusterCoverage | null;
  /** How the figures are computed and flagged. */
  readonly method: string;
}

const METHOD =
  "Per slice value: its share of the pool and of the labeled items (current labels, imported ones included); accuracy on its random audit picks, each scored by the latest retrain's 5-fold cross-validation " +
  "(a model fitted on every label but that fold's audit picks), with its 95% Wilson interval on n picks. Clusters: the pool cut into k clusters by seeded k-means on the features. " +
  SLICE_RULES;

export class SliceMonitor {
  private constructor(private readonly columns: readonly SliceColumnValues[]) {}

  /** The monitor of a project with slice columns (null without any). A column that cannot be sliced is logged and left out. */
  static open(store: Store, meta: ProjectMeta, log: (line: string) => void): SliceMonitor | null {
    const names = meta.slices ?? [];
    if (names.length === 0) return null;
    const cells = new Map(names.map((n) => [n, [] as (string | number | boolean | null)[]]));
    for (const it of store.items()) for (const n of names) cells.get(n)?.push(it.data[n] ?? null);
    const columns: SliceColumnValues[] = [];
    for (const n of names) {
      try {
        columns.push({ column: n, ...sliceValues(n, cells.get(n) ?? []) });
      } catch (e) {
        if (!(e instanceof TooManySliceValues)) throw e;
        log(`slice column left out: ${e.message}`);
      }
    }
    return new SliceMonitor(columns);
  }

  /**
   * The figures for the dashboard.
   * @param labelOf class index of every item's current label (-1 = unlabeled)
   * @param latest the latest retrain (its audit-pick scores), if any
   */
  figures(labelOf: Int32Array, latest: Iteration | undefined, clusters: { readonly k: number; readonly assignment: Int32Array } | null): SliceFigures {
    const labeled = Uint8Array.from(labelOf, (c) => (c >= 0 ? 1 : 0));
    const picks = latest?.assessment?.auditPicks;
    const items = picks?.items ?? [];
    const wrong = new Set(picks?.wrong ?? []);
    // A pick undone since the retrain is still scored as it was then; one past the pool (never) is dropped.
    const scored = items.filter((i) => i >= 0 && i < labelOf.length);
    const correct = scored.map((i) => (wrong.has(i) ? 0 : 1));
    return {
      columns: this.columns.map((c) => ({
        ...sliceTable(c.column, countSlices({ pool: c.values, labeled, evaluated: scored.map((i) => c.values[i]), correct }), c.order === undefined ? {} : { order: c.order }),
        kind: c.kind,
      })),
      clusters: clusters === null || clusters.assignment.length !== labelOf.length ? null : clusterCoverage(clusters.assignment, clusters.k, labeled),
      method: METHOD,
    };
  }
}
