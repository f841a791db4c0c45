import type { Matrix } from './matrix';
import { matrix, row } from './matrix';
import { SeededRandom } from './random';
import type { Standardizer } from './standardizer';

export type HiddenActivation = 'identity' | 'tanh' | 'relu';
/** The output head fixes the loss: identity -> squared error, sigmoid -> binary, softmax -> categorical CE. */
export type OutputHead = 'identity' | 'sigmoid' | 'softmax';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** Row-major [inputs x outputs], so y = x W + b matches ONNX Gemm without transposition. */
  weights: Float32Array;
  bias: Float32Array;
  activation: HiddenActivation;
}

/** Affine map applied to raw outputs (y * scale + offset), used to train regressors on standardised targets. */
export interface OutputScale {
  scale: Float32Array;
  offset: Float32Array;
}

/**
 * Every model the trainer makes: input standardisation, dense layers, an output head and an optional output
 * scale. Linear and logistic regression are the one-layer case. Only layer weights and biases are trainable
 * parameters; the standardiser and output scale are fixed when the model is created (and shared in FL).
 */
export interface DenseNetwork {
  normalizer: Standardizer;
  layers: DenseLayer[];
  head: OutputHead;
  outputScale?: OutputScale;
}

export interface NetworkSpec {
  normalizer: Standardizer;
  /** Sizes of hidden layers; [] gives a linear / logistic / softmax model. */
  hidden: readonly number[];
  hiddenActivation?: HiddenActivation;
  outputs: number;
  head: OutputHead;
  outputScale?: OutputScale;
  seed: number;
}

/** Glorot-uniform weights, zero biases: deterministic for a given seed. */
export function createNetwork(spec: NetworkSpec): DenseNetwork {
  const random = new SeededRandom(spec.seed);
  const sizes = [spec.normalizer.mean.length, ...spec.hidden, spec.outputs];
  const layers = sizes.slice(1).map((outputs, i): DenseLayer => {
    const inputs = sizes[i];
    const limit = Math.sqrt(6 / (inputs + outputs));
    return {
      inputs,
      outputs,
      weights: Float32Array.from({ length: inputs * outputs }, () => random.uniform(-limit, limit)),
      bias: new Float32Array(outputs),
      activation: i < spec.hidden.length ? (spec.hiddenActivation ?? 'tanh') : 'identity',
    };
  });
  return { normalizer: spec.normalizer, layers, head: spec.head, outputScale: spec.outputScale };
}

export function parameterCount(network: DenseNetwork): number {
  return network.layers.reduce((sum, l) => sum + l.weights.length + l.bias.length, 0);
}

/** All trainable parameters as one flat vector: layer by layer, weights then bias. */
export function getParameters(network: DenseNetwork): Float32Array {
  const flat = new Float32Array(parameterCount(network));
  let at = 0;
  for (const layer of network.layers) {
    flat.set(layer.weights, at);
    at += layer.weights.length;
    flat.set(layer.bias, at);
    at += layer.bias.length;
  }
  return flat;
}

/** A copy of `network` carrying `flat` (as produced by getParameters, e.g. a federated average). */
export function setParameters(network: DenseNetwork, flat: Float32Array): DenseNetwork {
  const expected = parameterCount(network);
  if (flat.length !== expected) throw new RangeError(`expected ${expected} parameters, got ${flat.length}`);
  let at = 0;
  const layers = network.layers.map((layer) => {
    const weights = flat.slice(at, at + layer.weights.length);
    at += layer.weights.length;
    const bias = flat.slice(at, at + layer.bias.length);
    at += layer.bias.length;
    return { ...layer, weights, bias };
  });
  return { ...network, layers };
}

export function activate(value: number, activation: HiddenActivation): number {
  switch (activation) {
    case 'identity':
      return value;
    case 'tanh':
      return Math.tanh(value);
    case 'relu':
      return value > 0 ? value : 0;
  }
}

/** Applies the head in place to one row of logits. */
export function applyHead(logits: Float64Array, head: OutputHead): void {
  switch (head) {
    case 'identity':
      return;
    case 'sigmoid':
      logits.forEach((z, i) => (logits[i] = 1 / (1 + Math.exp(-z))));
      return;
    case 'softmax': {
      const max = Math.max(...logits);
      let sum = 0;
      logits.forEach((z, i) => (sum += logits[i] = Math.exp(z - max)));
      logits.forEach((p, i) => (logits[i] = p / sum));
      return;
    }
  }
}

/** One layer forward for one sample into caller-owned buffers (the training loop reuses them). */
export function layerForwardInto(
  layer: DenseLayer,
  input: Float64Array,
  pre: Float64Array,
  out: Float64Array,
): void {
  pre.set(layer.bias);
  for (let i = 0; i < layer.inputs; i++) {
    const x = input[i];
    if (x === 0) continue;
    const offset = i * layer.outputs;
    for (let j = 0; j < layer.outputs; j++) pre[j] += x * layer.weights[offset + j];
  }
  for (let j = 0; j < layer.outputs; j++) out[j] = activate(pre[j], layer.activation);
}

export function layerForward(
  layer: DenseLayer,
  input: Float64Array,
): { pre: Float64Array; out: Float64Array } {
  const pre = new Float64Array(layer.outputs);
  const out = new Float64Array(layer.outputs);
  layerForwardInto(layer, input, pre, out);
  return { pre, out };
}

export function normalizeRow(network: DenseNetwork, raw: Float64Array): Float64Array {
  const { mean, scale } = network.normalizer;
  return raw.map((x, i) => (x - mean[i]) / scale[i]);
}

/** Head outputs before the output scale: probabilities for classifiers, standardised values for regressors. */
export function forwardRow(network: DenseNetwork, raw: Float64Array): Float64Array {
  let activation = normalizeRow(network, raw);
  for (const layer of network.layers) activation = layerForward(layer, activation).out;
  applyHead(activation, network.head);
  return activation;
}

/** Model outputs for every row, in the units the exported ONNX graph produces. */
export function predict(network: DenseNetwork, features: Matrix): Matrix {
  const outputs = network.layers[network.layers.length - 1].outputs;
  if (features.cols !== network.normalizer.mean.length) {
    throw new RangeError(`expected ${network.normalizer.mean.length} features, got ${features.cols}`);
  }
  const result = matrix(features.rows, outputs);
  for (let r = 0; r < features.rows; r++) {
    const y = forwardRow(network, row(features, r));
    if (network.outputScale) {
      const { scale, offset } = network.outputScale;
      y.forEach((v, j) => (y[j] = v * scale[j] + offset[j]));
    }
    result.values.set(y, r * outputs);
  }
  return result;
}

/** Class index of the largest output per row (for sigmoid heads: probability >= 0.5). */
export function predictClasses(network: DenseNetwork, features: Matrix): Int32Array {
  const probabilities = predict(network, features);
  return Int32Array.from({ length: features.rows }, (_, r) => {
    const p = row(probabilities, r);
    if (network.head === 'sigmoid') return p[0] >= 0.5 ? 1 : 0;
    let best = 0;
    p.forEach((v, i) => (best = v > p[best] ? i : best));
    return best;
  });
}
