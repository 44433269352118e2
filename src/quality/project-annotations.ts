/**
 * A project's annotations in the form the quality commands read: for every annotator and item,
 * the annotator's effective label, i.e. their latest live (not undone) label record of kind
 * label, relabel or review. The import's seed labels are not an annotator and are left out.
 *
 * @example
 * const a = projectAnnotations(openStore(db, { readonly: true })); // as readAnnotations gives
 */
import { BadInputError } from "../errors.js";
import { IMPORT_ANNOTATOR } from "../project/init.js";
import type { Store } from "../store/types.js";
import { encodeAnnotations, type AnnotationTriple, type Annotations } from "./annotations.js";

/** @throws BadInputError when no annotator has labeled anything yet */
export function projectAnnotations(store: Store): Annotations {
  const triples: AnnotationTriple[] = [];
  const ids = new Map<number, string>();
  for (const a of store.annotations()) {
    if (a.kind === "import" || a.annotator === IMPORT_ANNOTATOR) continue;
    let id = ids.get(a.itemIdx);
    if (id === undefined) ids.set(a.itemIdx, (id = store.item(a.itemIdx)?.id ?? String(a.itemIdx)));
    // In record order, so encodeAnnotations keeps each annotator's latest label of an item.
    triples.push({ item: id, annotator: a.annotator, label: a.label });
  }
  if (triples.length === 0) throw new BadInputError("no annotator has labeled an item yet (seed labels of the import do not count)", { file: store.path });
  return encodeAnnotations(triples, store.path);
}
