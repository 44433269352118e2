/**
 * A project's labeled items as a Dataset with ground truth, featurized with the field kinds fixed
 * at `init`: what `activelearn simulate --project DIR` replays strategies on.
 *
 * The items are the ones labeled so far, so most were picked by the project's strategy, not at
 * random; `audit` and `imported` say how many were not (random audit picks served by the app, and
 * seed labels imported by `init`), for the caveat the CLI prints.
 */
import type { Cell } from "../data/jsonl.js";
import type { Dataset } from "../data/types.js";
import { BadInputError } from "../errors.js";
import { IMPORT_ANNOTATOR } from "./init.js";
import { consensusLabels } from "./consensus.js";
import { labeledItems } from "./export.js";
import { recordsToDataset } from "./records.js";
import type { Store } from "../store/types.js";

export interface LabeledProject {
  readonly dataset: Dataset;
  /** Labeled items that were random audit picks. */
  readonly audit: number;
  /** Labeled items whose current label was imported at `init`. */
  readonly imported: number;
  /** Items in the project, labeled or not. */
  readonly items: number;
  /** The items' stored data, one record per dataset row. */
  readonly records: readonly Record<string, Cell>[];
}

/**
 * The labeled items of the project in `store` (current label = latest annotation; with overlap the
 * consensus, disputed items left out), in pool order.
 */
export function labeledDataset(store: Store, source: string): LabeledProject {
  const meta = store.meta();
  const order: number[] = [];
  const records: Record<string, Cell>[] = [];
  const ids: string[] = [];
  const labels: string[] = [];
  let audit = 0;
  let imported = 0;
  // With overlap: the consensus label; a disputed item is left out (as the served project does).
  const final = consensusLabels(store);
  for (const { idx, item, annotation: a } of labeledItems(store)) {
    const f = final?.get(idx);
    if (f !== undefined && f.label === null) continue;
    order.push(idx);
    records.push(item.data);
    ids.push(item.id);
    labels.push(f?.label ?? a.label);
    if (a.audit) audit++;
    if (a.annotator === IMPORT_ANNOTATOR) imported++;
  }
  if (records.length === 0) throw new BadInputError("the project has no labels yet: label some items first", { file: source });
  // Rows in errors are the items' 1-based pool positions.
  const ds = recordsToDataset(source, records, meta.fields, meta.textColumn, order.map((i) => i + 1));
  return { dataset: { ...ds, ids, labels, labelColumn: "label" }, audit, imported, items: store.itemCount(), records };
}
