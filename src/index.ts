/**
 * activelearn: the public library API. A curated list: values first, then types.
 *
 * @example
 * import { loadDataset, TableFeaturizer, ActiveLearner, getStrategy, modelFactory } from "activelearn";
 */

// Data
export { loadDataset, readTable, streamTable, toDataset, CsvParser, JsonlParser, parseCsvText } from "./data/index.js";
export type { Column, ColumnKind, Dataset, DatasetOptions, NumericColumn, StringColumn, RawTable, Cell } from "./data/index.js";

// Features
export { TableFeaturizer } from "./features/featurizer.js";
export type { FeaturizerOptions, SavedFeaturizer } from "./features/featurizer.js";
export { Tfidf, tokenize } from "./features/tfidf.js";
export { decodeImage, imageMatrix, listImageFolder } from "./features/image.js";
export type { DecodeOptions, ImageFeature, ImageFolder, ImageMatrix, ImageMatrixOptions, RgbImage } from "./features/image.js";
export { hog } from "./features/hog.js";
export type { HogOptions } from "./features/hog.js";
export { seriesFeatures, seriesMatrix, slidingWindows } from "./features/series.js";
export type { SeriesItem, SeriesMatrixOptions, SeriesOptions } from "./features/series.js";
export { controlCharts } from "./features/control-chart.js";
export type { ControlChartOptions, ControlCharts } from "./features/control-chart.js";
export { datasetFromMatrix } from "./features/matrix-dataset.js";
export type { MatrixDatasetOptions } from "./features/matrix-dataset.js";
export type { AsyncRereadableDocs, RereadableDocs, TfidfOptions } from "./features/tfidf.js";

// Numeric core
export { dense, denseFromRows, takeRows, rowToArray } from "./linalg/matrix.js";
export type { CsrMatrix, DenseMatrix, Matrix } from "./linalg/matrix.js";
export { Rng } from "./linalg/rng.js";
export { kmeans } from "./linalg/kmeans.js";
export { wasmStatus } from "./linalg/wasm.js";
export type { WasmStatus } from "./linalg/wasm.js";
export type { KMeansResult } from "./linalg/kmeans.js";

// Models
export { LogisticRegression } from "./models/logistic.js";
export type { LogisticOptions } from "./models/logistic.js";
export { MultinomialNB } from "./models/naive-bayes.js";
export { modelFactory, modelFromJSON, modelNames } from "./models/registry.js";
export type { Classifier, ClassifierFactory, FitOptions, ProbabilisticModel, SavedModel } from "./models/types.js";

// Strategies
export { getStrategy, registerStrategy, strategyNames } from "./strategies/registry.js";
export type { StrategyFactory } from "./strategies/registry.js";
export { entropy, entropyScores, leastConfidence, leastConfidenceScores, margin, marginScores, selectByScores, uncertaintyStrategy } from "./strategies/uncertainty.js";
export type { UncertaintyMeasure } from "./strategies/uncertainty.js";
export { random } from "./strategies/random.js";
export { topK } from "./strategies/topk.js";
export type { QueryContext, QueryStrategy, Selection } from "./strategies/types.js";

// Loop
export { ActiveLearner } from "./loop/learner.js";
export type { IterationRecord, LearnerOptions } from "./loop/learner.js";

// Evaluation
export { simulate } from "./eval/simulate.js";
export type { SimulateOptions } from "./eval/simulate.js";
export { accuracy, argmaxRows } from "./eval/metrics.js";
export { stratifiedSplit } from "./eval/split.js";
export { renderReport } from "./eval/report.js";
export type { ReferenceResults, SimulationResults, StrategyResult } from "./eval/types.js";

// Errors
export { ActiveLearnError, BadInputError, BadOptionError, EmptyPoolError, NotFittedError, ShapeMismatchError } from "./errors.js";
export type { ErrorCode, InputLocation } from "./errors.js";
