import { createNetwork, type DenseNetwork, type HiddenActivation, type OutputScale } from './dense-network';
import { datasetLoss, trainEpochs, type Dataset, type EpochOptions } from './gradient-training';
import { oneHot, solveSpd, type Matrix } from './matrix';
import { fitStandardizer, standardize } from './standardizer';

export interface TrainingMetrics {
  method: 'closed-form' | 'adam';
  sampleCount: number;
  epochs: number;
  lossBefore: number;
  lossAfter: number;
  lossHistory: number[];
}

export interface FittedModel {
  network: DenseNetwork;
  metrics: TrainingMetrics;
}

/** Trains regressors on standardised targets; the output scale maps them back to the caller's units. */
function targetScale(y: Matrix): OutputScale {
  const s = fitStandardizer(y);
  return { scale: s.scale, offset: s.mean };
}

/**
 * Ridge regression in closed form on standardised features and targets:
 * w = (XᵀX / n + λI)⁻¹ Xᵀy / n. Because the columns are centred, the intercept is zero in that space.
 */
export function fitRidgeRegression(x: Matrix, y: Matrix, options: { lambda?: number } = {}): FittedModel {
  const lambda = options.lambda ?? 1e-3;
  if (x.rows !== y.rows) throw new RangeError(`x has ${x.rows} rows but y has ${y.rows}`);
  if (x.rows === 0) throw new RangeError('cannot fit on an empty dataset');
  const normalizer = fitStandardizer(x);
  const outputScale = targetScale(y);
  const xs = standardize(x, normalizer);
  const ys = standardize(y, { mean: outputScale.offset, scale: outputScale.scale });
  const n = x.cols;
  const gram = new Float64Array(n * n);
  for (let r = 0; r < xs.rows; r++) {
    for (let i = 0; i < n; i++) {
      const xi = xs.values[r * n + i];
      for (let j = 0; j <= i; j++) gram[i * n + j] += xi * xs.values[r * n + j];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) gram[j * n + i] = gram[i * n + j] /= xs.rows;
    gram[i * n + i] += lambda;
  }
  const network = createNetwork({
    normalizer,
    hidden: [],
    outputs: y.cols,
    head: 'identity',
    outputScale,
    seed: 0,
  });
  const layer = network.layers[0];
  for (let k = 0; k < y.cols; k++) {
    const rhs = new Float64Array(n);
    for (let r = 0; r < xs.rows; r++) {
      for (let i = 0; i < n; i++) rhs[i] += (xs.values[r * n + i] * ys.values[r * y.cols + k]) / xs.rows;
    }
    solveSpd(gram, rhs, n).forEach((w, i) => (layer.weights[i * y.cols + k] = w));
  }
  const loss = datasetLoss(network, { x, y });
  return {
    network,
    metrics: {
      method: 'closed-form',
      sampleCount: x.rows,
      epochs: 0,
      lossBefore: loss,
      lossAfter: loss,
      lossHistory: [],
    },
  };
}

export interface GradientFitOptions extends EpochOptions {
  /** Seeds weight initialisation (and, unless `seed` is given, the batch order). */
  initSeed: number;
}

function fitByGradient(network: DenseNetwork, data: Dataset, options: GradientFitOptions): FittedModel {
  const update = trainEpochs(network, data, { ...options, seed: options.seed ?? options.initSeed });
  return {
    network: update.network,
    metrics: {
      method: 'adam',
      sampleCount: update.sampleCount,
      epochs: update.epochs,
      lossBefore: update.lossBefore,
      lossAfter: update.lossAfter,
      lossHistory: update.lossHistory,
    },
  };
}

/** Binary logistic regression: one sigmoid output, the probability of label 1. */
export function fitLogisticRegression(
  x: Matrix,
  labels: ArrayLike<number>,
  options: GradientFitOptions,
): FittedModel {
  const network = createNetwork({
    normalizer: fitStandardizer(x),
    hidden: [],
    outputs: 1,
    head: 'sigmoid',
    seed: options.initSeed,
  });
  // oneHot validates that every label is 0 or 1; the sigmoid target is the second column.
  const y = oneHot(labels, 2);
  const positive = {
    rows: y.rows,
    cols: 1,
    values: Float64Array.from({ length: y.rows }, (_, r) => y.values[r * 2 + 1]),
  };
  return fitByGradient(network, { x, y: positive }, options);
}

/** Multinomial logistic regression (softmax over classCount outputs). */
export function fitSoftmaxClassifier(
  x: Matrix,
  labels: ArrayLike<number>,
  classCount: number,
  options: GradientFitOptions,
): FittedModel {
  const network = createNetwork({
    normalizer: fitStandardizer(x),
    hidden: [],
    outputs: classCount,
    head: 'softmax',
    seed: options.initSeed,
  });
  return fitByGradient(network, { x, y: oneHot(labels, classCount) }, options);
}

export interface MlpOptions extends GradientFitOptions {
  hidden: number;
  activation: HiddenActivation;
}

/** One-hidden-layer regressor, trained on standardised targets. */
export function fitMlpRegressor(x: Matrix, y: Matrix, options: MlpOptions): FittedModel {
  const network = createNetwork({
    normalizer: fitStandardizer(x),
    hidden: [options.hidden],
    hiddenActivation: options.activation,
    outputs: y.cols,
    head: 'identity',
    outputScale: targetScale(y),
    seed: options.initSeed,
  });
  return fitByGradient(network, { x, y }, options);
}

/** One-hidden-layer softmax classifier. */
export function fitMlpClassifier(
  x: Matrix,
  labels: ArrayLike<number>,
  classCount: number,
  options: MlpOptions,
): FittedModel {
  const network = createNetwork({
    normalizer: fitStandardizer(x),
    hidden: [options.hidden],
    hiddenActivation: options.activation,
    outputs: classCount,
    head: 'softmax',
    seed: options.initSeed,
  });
  return fitByGradient(network, { x, y: oneHot(labels, classCount) }, options);
}
