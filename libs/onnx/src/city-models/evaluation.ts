/** Held-out metrics shared by the city models; every figure is on data the model never trained on. */

export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / Math.max(1, actual.length);
}

export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i] - predicted[i]) ** 2;
  return Math.sqrt(sum / Math.max(1, actual.length));
}

export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) hits += actual[i] === predicted[i] ? 1 : 0;
  return hits / Math.max(1, actual.length);
}

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
}

export function binaryScores(actual: ArrayLike<boolean>, flagged: ArrayLike<boolean>): BinaryScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < actual.length; i++) {
    if (flagged[i] && actual[i]) tp++;
    else if (flagged[i]) fp++;
    else if (actual[i]) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Unweighted mean of per-class F1: a majority-class guess scores poorly here even when accuracy looks fine. */
export function macroF1(actual: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): number {
  let total = 0;
  for (let c = 0; c < classCount; c++) {
    const isClass = (values: ArrayLike<number>): boolean[] => Array.from(values, (v) => v === c);
    total += binaryScores(isClass(actual), isClass(predicted)).f1;
  }
  return total / classCount;
}

/** One headline figure per model for the report: the model against its naive baseline on held-out data. */
export interface HeadlineMetric {
  metric: string;
  model: number;
  baseline: number;
  baselineName: string;
  lowerIsBetter: boolean;
}

export interface CityModelMetrics {
  trainSamples: number;
  heldOutSamples: number;
  headline: HeadlineMetric;
  /** Further held-out figures by name, e.g. rmse and baselineRmse. */
  details: Record<string, number>;
}

export function beatsBaseline(h: HeadlineMetric): boolean {
  return h.lowerIsBetter ? h.model < h.baseline : h.model > h.baseline;
}
