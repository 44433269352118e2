/**
 * The API's types for the browser client, GENERATED from the route schemas (src/contract/) via
 * the served OpenAPI document: do not edit; run `npm run contract:types`.
 */

export type NextReply = {
  readonly item: Item;
};

export type Item = {
  readonly id: string;
  readonly data: Readonly<Record<string, Cell>>;
  /** the current model's prediction; null before the first model */
  readonly suggestion: Suggestion | null;
  /** the strategy's score (higher = more informative); 0 for cold-start and audit picks */
  readonly score: number;
  /** the strategy that picked it (random for cold start and audit picks) */
  readonly strategy: string;
  /** why this item, in words */
  readonly reason: string;
};

export type Cell = string | number | boolean | null;

export type Suggestion = {
  readonly label: string;
  /** the model's probability for the label, 0..1 */
  readonly confidence: number;
};

export type ErrorBody = {
  readonly error: {
    readonly code: string;
    readonly message: string;
  };
};

export type LabelResult = {
  readonly ok: true;
  /** labeled items now */
  readonly labeled: number;
};

export type Ok = {
  readonly ok: true;
};

export type Stats = {
  readonly total: number;
  readonly labeled: number;
  /** labeled items per label */
  readonly byLabel: Readonly<Record<string, number>>;
  /** retrains so far */
  readonly iterations: number;
  /** ISO time; null = never */
  readonly lastRetrainAt: string | null;
  readonly metrics: Metrics;
  readonly accuracy: AccuracyReport;
  readonly advice: Advice;
  readonly overlap?: OverlapSummary;
  readonly reviews: ReviewFigures;
};

export type Metrics = {
  /** test-then-train accuracy on the latest new labels, pooled over the latest models until 50 labels (pessimistic: mostly items the strategy chose); kept across restarts */
  readonly accuracy: number | null;
  readonly accuracyN: number;
  /** 95% Wilson interval [low, high] */
  readonly accuracyInterval: readonly [number, number] | null;
  /** test-then-train accuracy on the last 50 random audit picks (unbiased, noisy) */
  readonly auditAccuracy: number | null;
  readonly auditN: number;
  /** 95% Wilson interval [low, high] */
  readonly auditInterval: readonly [number, number] | null;
  readonly estimate: string;
};

export type AccuracyReport = {
  readonly headline: Figure;
  readonly others: readonly (Figure)[];
  /** why imported labels do or do not count in the headline */
  readonly importedLabels: string;
};

export type Figure = {
  /** pool: the headline (random audit picks); hard_items: test-then-train; imported: cross-validated on imported labels */
  readonly kind: "pool" | "hard_items" | "imported";
  readonly label: string;
  /** null below 10 items */
  readonly value: number | null;
  readonly n: number;
  readonly low: number | null;
  /** 95% Wilson interval */
  readonly high: number | null;
  /** one readable line, or why there is no figure yet */
  readonly text: string;
  readonly method: string;
};

export type Advice = {
  /** true: you can stop now (see the description above) */
  readonly stop: boolean;
  /** keep labeling / you can stop now, which criteria agree, the accuracy with its interval, what the next 100 labels add */
  readonly sentence: string;
  /** as of the last retrain (the budget as of now); empty before the first */
  readonly criteria: readonly (CriterionState)[];
  readonly agree: readonly (string)[];
  readonly accuracy: Figure;
  /** accuracy (0..1) the next 100 labels are expected to add; null = unknown */
  readonly next100: {
    readonly gain: number;
    readonly low: number;
    readonly high: number;
  } | null;
  readonly next100Text: string;
  readonly budget: {
    readonly limit: number;
    readonly spent: number;
    readonly reached: boolean;
  } | null;
  readonly target: {
    readonly accuracy: number;
    readonly reached: boolean;
  } | null;
};

export type CriterionState = {
  /** budget, target_accuracy, stabilizing_predictions, overall_uncertainty, max_uncertainty or classification_change */
  readonly name: string;
  /** off: no budget or target set */
  readonly state: "fired" | "waiting" | "off";
  readonly reason: string;
};

/** present only for projects with overlap (init --overlap N) */
export type OverlapSummary = {
  /** distinct annotators an overlapping item goes to */
  readonly annotators: number;
  /** share of items that overlap, 0..1 */
  readonly share: number;
  /** how overlapping items are chosen: random or uncertain */
  readonly on: string;
  /** most annotators an item in disagreement can get (adaptive overlap) */
  readonly adaptiveMax: number;
  /** overlapping items with at least one label */
  readonly overlapping: number;
  /** overlapping items with all their slots labeled */
  readonly complete: number;
  /** items whose annotators' labels are a dispute (a majority tie; under dawid-skene, a top posterior below 0.7): they do not train the model */
  readonly disputed: number;
  /** items that got an extra annotator because their labels disagreed */
  readonly extended: number;
};

export type ReviewFigures = {
  readonly open: number;
  readonly resolved: number;
  /** per annotator; reviews of flagged items (disagreement, model) over-represent errors: the spot checks alone estimate an annotator's error rate without that bias */
  readonly overturned: readonly (Overturned)[];
};

export type Overturned = {
  readonly name: string;
  /** labels of this annotator on items a reviewer resolved (n) */
  readonly reviewed: number;
  /** of those, labels the reviewer's decision differs from */
  readonly overturned: number;
  /** overturned / reviewed; null when none was reviewed */
  readonly share: number | null;
  /** 95% Wilson interval of the share */
  readonly interval: readonly [number, number] | null;
};

export type Project = {
  readonly name: string;
  readonly labels: readonly (string)[];
  readonly textColumn: string | null;
  /** the column of image paths served by GET /api/items/{id}/image/{field} (init --image COL or --data DIR/); null = none */
  readonly imageColumn: string | null;
  readonly fields: readonly (string)[];
  readonly strategy: string;
  readonly model: string;
  readonly total: number;
  readonly retrainEvery: number;
  /** labels to spend at most (init or serve --budget); null = none */
  readonly budget: number | null;
  /** accuracy that is good enough (init or serve --target-accuracy); null = none */
  readonly targetAccuracy: number | null;
};

export type Dashboard = {
  /** per retrain with at least 10 audit picks (at most 300 points, thinned evenly): accuracy cross-validated on the random audit picks (an estimate over the whole pool), n picks, 95% Wilson interval; see the description above */
  readonly curve: readonly (CurvePoint)[];
  /** imported: every item is labeled, all by import; the curve is accuracy against the number of imported labels trained on */
  readonly curveSource: "audit" | "imported";
  readonly curveMethod: string;
  /** test-then-train accuracy of each model on the labels that arrived while it was current (accuracy on hard items) */
  readonly hardCurve: readonly (CurvePoint)[];
  /** test-then-train accuracy on the last 50 audit picks */
  readonly auditAccuracy: number | null;
  readonly auditN: number;
  /** 95% Wilson interval [low, high] */
  readonly auditInterval: readonly [number, number] | null;
  /** labeled items per label */
  readonly byLabel: Readonly<Record<string, number>>;
  /** see the description above */
  readonly labelsSavedEstimate: number | null;
  /** labelsSavedEstimate at either end of the headline accuracy's 95% interval */
  readonly labelsSavedRange: readonly [number, number] | null;
  readonly labeled: number;
  readonly total: number;
  readonly annotators: readonly (AnnotatorStats)[];
  readonly iterations: number;
  /** ISO time; null = never */
  readonly lastRetrainAt: string | null;
  readonly accuracy: AccuracyReport;
  readonly advice: Advice;
  readonly overlap?: OverlapSummary;
  readonly reviews: ReviewFigures;
  readonly slices?: SliceFigures;
  readonly gold?: GoldSummary;
  readonly consensus?: ConsensusFigures;
  readonly accuracyMethod: string;
  readonly labelsSavedMethod: string;
};

export type CurvePoint = {
  /** labels the model was trained on */
  readonly labels: number;
  readonly accuracy: number;
  /** items it was measured on */
  readonly n: number;
  readonly low: number;
  /** 95% Wilson interval [low, high] */
  readonly high: number;
};

export type AnnotatorStats = {
  readonly name: string;
  readonly labels: number;
  /** labels per hour of labeling time: the summed durationMs sent with the labels (each capped at 5 minutes); labels without one fall back to the gaps between labels (capped the same); 0 when nothing measures it yet */
  readonly perHour: number;
  /** median durationMs sent with the labels (0 when none was sent) */
  readonly medianMs: number;
};

/** present only for projects that watch slices (init --slice COL): labels and audit accuracy per slice value, flags, cluster coverage */
export type SliceFigures = {
  readonly columns: readonly (SliceTable)[];
  readonly clusters: ClusterCoverage;
  readonly method: string;
};

export type SliceTable = {
  readonly column: string;
  /** quartiles: a numeric column with many values, cut at its quartiles */
  readonly kind: "values" | "quartiles";
  readonly pool: number;
  readonly labels: number;
  /** accuracy on all scored audit picks (the whole the slices are compared with) */
  readonly accuracy: number | null;
  readonly n: number;
  readonly low: number | null;
  readonly high: number | null;
  /** always 1 in a served project */
  readonly runs: number;
  /** largest share of the pool first; quartiles low to high */
  readonly rows: readonly (SliceRow)[];
  /** each flag in words */
  readonly findings: readonly (string)[];
};

export type SliceRow = {
  /** the slice value; "(missing)" for items without one; numeric columns in quartile ranges */
  readonly value: string;
  /** pool items with this value */
  readonly pool: number;
  readonly pool_share: number;
  /** of them, labeled */
  readonly labels: number;
  /** share of all labeled items */
  readonly label_share: number;
  /** accuracy on the value's random audit picks (cross-validated at the latest retrain); null without any */
  readonly accuracy: number | null;
  /** audit picks it rests on */
  readonly n: number;
  readonly low: number | null;
  /** 95% Wilson interval */
  readonly high: number | null;
  /** see method */
  readonly flags: readonly ("under-labeled" | "accuracy below the whole")[];
};

/** null until the first retrain has clustered the pool (or a pool under 40 items) */
export type ClusterCoverage = {
  readonly k: number;
  /** clusters with at least one label */
  readonly covered: number;
  /** share of the pool in those clusters */
  readonly covered_pool_share: number;
  /** clusters flagged under-labeled */
  readonly under_labeled: number;
  readonly clusters: readonly (ClusterRow)[];
} | null;

export type ClusterRow = {
  readonly cluster: number;
  readonly pool: number;
  readonly pool_share: number;
  readonly labels: number;
  readonly label_share: number;
  readonly under_labeled: boolean;
};

/** present only for projects with gold items (init --gold COL): each annotator's accuracy on them, flagged below the threshold */
export type GoldSummary = {
  /** gold items (known answers, kept outside the pool) */
  readonly items: number;
  /** share of served items that are gold items, 0..1 */
  readonly rate: number;
  /** accuracy below which an annotator is flagged (interval-aware) */
  readonly threshold: number;
  /** annotators flagged */
  readonly flagged: number;
  /** by name; an annotator (own access) sees only their own row */
  readonly annotators: readonly (GoldAnnotator)[];
  readonly method: string;
};

export type GoldAnnotator = {
  readonly name: string;
  /** gold items answered (their latest answer each) */
  readonly answered: number;
  readonly correct: number;
  /** correct / answered */
  readonly accuracy: number;
  /** 95% Wilson interval of the accuracy, lower end */
  readonly low: number;
  /** 95% Wilson interval of the accuracy, upper end */
  readonly high: number;
  /** the interval's upper end is below the threshold: an admin should look into it (the annotator is never paused or dropped) */
  readonly flagged: boolean;
};

/** present only for projects with overlap (init --overlap N): the consensus method in use and each annotator's accuracy estimated by Dawid-Skene */
export type ConsensusFigures = {
  /** the consensus method chosen (init --consensus, PATCH /api/settings) */
  readonly method: "majority" | "dawid-skene";
  /** the method the training labels come from now: dawid-skene only when chosen and enough items have two or more labels */
  readonly inUse: "majority" | "dawid-skene";
  /** why inUse is what it is, with the numbers */
  readonly reason: string;
  /** items with two or more annotator labels */
  readonly itemsWithOverlap: number;
  /** items with two or more labels Dawid-Skene needs: max(20, 5 per class) */
  readonly minItems: number;
  /** under dawid-skene, an item whose top posterior is below this is a dispute (it does not train until a reviewer decides or more labels settle it) */
  readonly minPosterior: number;
  /** when the votes were last fitted (at load, at every retrain, when the method changes) */
  readonly fittedAt: string | null;
  /** by name; an annotator (own access) sees only their own row */
  readonly annotators: readonly (AnnotatorEstimate)[];
  readonly estimateMethod: string;
};

export type AnnotatorEstimate = {
  readonly name: string;
  /** their labels on items with two or more annotator labels: what the estimate rests on */
  readonly labels: number;
  /** sum over classes c of prior(c) * P(they say c | the truth is c), from the Dawid-Skene fit; null when there is too little overlap to estimate it (see note) */
  readonly estimatedAccuracy: number | null;
  /** why there is no estimate; null when there is one */
  readonly note: string | null;
};

export type PredictReply = {
  readonly predictions: readonly (Prediction)[];
};

export type Prediction = {
  readonly label: string;
  readonly probabilities: Readonly<Record<string, number>>;
};

export type Settings = {
  readonly overlap: OverlapSettings;
  readonly gold?: GoldSettings;
  /** share of single-labeled items a reviewer spot-checks, 0..1 (init --review-share; 0: none) */
  readonly reviewShare: number;
  /** how an overlapping item's labels become the label it trains and exports with (init --consensus; the dashboard's consensus figures say which is in use and why) */
  readonly consensus: "majority" | "dawid-skene";
};

/** null: one annotator per item */
export type OverlapSettings = {
  /** distinct annotators an overlapping item goes to (2 or more) */
  readonly annotators: number;
  /** share of served items that overlap, 0..1 */
  readonly share: number;
  /** random: unbiased agreement figures; uncertain: experts where the model is least sure */
  readonly on: "random" | "uncertain";
  /** most annotators an item whose labels disagree may get (= annotators: adaptive overlap off) */
  readonly adaptiveMax: number;
} | null;

/** present only for projects with gold items (init --gold COL) */
export type GoldSettings = {
  /** the column of known answers at init */
  readonly column: string;
  /** share of served items that are gold items, 0..1 */
  readonly rate: number;
  /** accuracy below which an annotator is flagged, 0..1 */
  readonly threshold: number;
};

export type WebhookList = {
  readonly webhooks: readonly (Webhook)[];
};

export type Webhook = {
  readonly id: string;
  readonly url: string;
  /** the events it receives; "*": every event */
  readonly events: readonly (string)[] | "*";
  readonly createdAt: string;
};

export type WebhookAdded = {
  readonly webhook: Webhook;
  /** the generated signing secret, shown this once (absent when the request gave one) */
  readonly secret?: string;
};

export type DeliveryLog = {
  readonly deliveries: readonly (Delivery)[];
};

export type Delivery = {
  readonly deliveryId: number;
  readonly eventId: string;
  readonly event: string;
  readonly eventCreatedAt: string;
  readonly webhookId: string;
  /** null once the webhook was removed */
  readonly url: string | null;
  readonly state: "delivered" | "pending" | "dead";
  readonly attempts: readonly ({
    readonly attempt: number;
    readonly at: string;
    /** the receiver's HTTP status; null when none came (see error) */
    readonly status: number | null;
    readonly error: string | null;
    readonly durationMs: number;
  })[];
  /** the next attempt while pending */
  readonly nextAt: string | null;
};

export type Caller = {
  /** the account's name; null in open mode (a project without accounts) */
  readonly name: string | null;
  /** the account's role; null in open mode */
  readonly role: "admin" | "reviewer" | "annotator" | "viewer" | null;
  /** how the request was authenticated: an Authorization: Bearer token, the session cookie, or not at all (open mode) */
  readonly via: "token" | "session" | "open";
  /** with a session: the value every state-changing request must send as the X-CSRF-Token header; null otherwise (a Bearer request needs none) */
  readonly csrfToken: string | null;
};

export type ReviewList = {
  /** oldest first, at most `limit`; page on with ?after=<last id> */
  readonly reviews: readonly (ReviewSummary)[];
  /** open reviews in all */
  readonly open: number;
  /** resolved reviews in all */
  readonly resolved: number;
};

export type ReviewSummary = {
  readonly id: number;
  readonly itemId: string;
  /** disagreement: the annotators' labels tie with no slot left; model: after a retrain, confident learning on the labeled items' out-of-fold probabilities finds the label likely wrong (a capped number a retrain, lowest label quality first); spot_check: a share of single-labeled items (init --review-share) */
  readonly reason: "disagreement" | "model" | "spot_check";
  /** the reason in words */
  readonly why: string;
  readonly details: ReviewDetails;
  readonly openedAt: string;
  readonly status: "open" | "resolved";
  /** ISO time; null = not yet */
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  /** the reviewer's label: the item's final label */
  readonly decision: string | null;
  /** open: the reviewer it is leased to right now, if any */
  readonly leasedBy: string | null;
};

export type ReviewDetails = {
  /** the item's label when it entered review (null: in dispute) */
  readonly label?: string | null;
  /** model: the label the model gives out-of-fold */
  readonly modelLabel?: string;
  /** model: its out-of-fold probability, 0..1 */
  readonly probability?: number;
  /** model: label quality, the out-of-fold probability of the given label, 0..1 (low = suspect) */
  readonly quality?: number;
  /** model: the retrain that flagged it */
  readonly iteration?: number;
  /** disagreement: each annotator's label */
  readonly votes?: Readonly<Record<string, string>>;
};

export type ReviewNext = {
  /** null: no open review is free for this reviewer */
  readonly review: ReviewView | null;
};

export type ReviewView = {
  readonly review: ReviewSummary;
  readonly item: {
    readonly id: string;
    readonly data: Readonly<Record<string, Cell>>;
  };
  /** every label record of the item, oldest first, with who and when */
  readonly labels: readonly (ItemLabel)[];
  /** the label Enter accepts: the annotators' majority, else the item's current label; null when they tie */
  readonly majority: string | null;
  /** the current model's view; null before the first model */
  readonly model: {
    readonly label: string;
    readonly probabilities: Readonly<Record<string, number>>;
    /** false: the current model was trained on this item's label (its view echoes it); the review's details hold the out-of-fold figure */
    readonly outOfSample: boolean;
  } | null;
  /** the item's version: send it back with the decision (a 409 if the item changed meanwhile) */
  readonly seen: number;
  readonly leaseExpiresAt: string;
};

export type ItemLabel = {
  readonly annotator: string;
  readonly label: string;
  readonly kind: "label" | "relabel" | "import" | "review";
  readonly at: string;
  /** taken back by an undo (kept in the history) */
  readonly undone: boolean;
};

export type ResolveReply = {
  readonly review: ReviewSummary;
  /** the history record of kind review holding the decision */
  readonly annotationId: number;
  /** the annotator whose label was accepted, null when the reviewer set another */
  readonly accepted: string | null;
};
