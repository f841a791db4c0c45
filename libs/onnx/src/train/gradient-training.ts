import {
  applyHead,
  getParameters,
  layerForwardInto,
  setParameters,
  type DenseNetwork,
  type HiddenActivation,
} from './dense-network';
import { row, type Matrix } from './matrix';
import { SeededRandom } from './random';

/** Inputs with targets in model output units (one-hot rows for classifiers). */
export interface Dataset {
  x: Matrix;
  y: Matrix;
}

export interface EpochOptions {
  epochs: number;
  learningRate?: number;
  batchSize?: number;
  /** L2 penalty on weights (not biases). */
  l2?: number;
  /** Seeds the mini-batch order, so the same call gives the same parameters. */
  seed?: number;
}

/** What one round of local training reports; sampleCount is the FedAvg weight. */
export interface LocalUpdate {
  network: DenseNetwork;
  sampleCount: number;
  epochs: number;
  lossBefore: number;
  lossAfter: number;
  /** Mean training loss of each epoch, measured during the epoch. */
  lossHistory: number[];
}

function derivative(pre: number, activation: HiddenActivation): number {
  switch (activation) {
    case 'identity':
      return 1;
    case 'tanh': {
      const t = Math.tanh(pre);
      return 1 - t * t;
    }
    case 'relu':
      return pre > 0 ? 1 : 0;
  }
}

function sampleLoss(head: DenseNetwork['head'], output: Float64Array, target: Float64Array): number {
  let loss = 0;
  const eps = 1e-12;
  output.forEach((p, j) => {
    const t = target[j];
    if (head === 'identity') loss += 0.5 * (p - t) ** 2;
    else if (head === 'softmax') loss -= t * Math.log(p + eps);
    else loss -= t * Math.log(p + eps) + (1 - t) * Math.log(1 - p + eps);
  });
  return loss;
}

/** Offset of each layer's block in the flat parameter vector (weights then bias). */
function layerOffsets(network: DenseNetwork): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const layer of network.layers) {
    offsets.push(at);
    at += layer.weights.length + layer.bias.length;
  }
  return offsets;
}

/** Per-sample buffers, allocated once per training call: the inner loop allocates nothing. */
interface Workspace {
  offsets: number[];
  input: Float64Array;
  target: Float64Array;
  pre: Float64Array[];
  out: Float64Array[];
  delta: Float64Array[];
}

function workspaceFor(network: DenseNetwork): Workspace {
  const outputs = network.layers.map((l) => l.outputs);
  return {
    offsets: layerOffsets(network),
    input: new Float64Array(network.normalizer.mean.length),
    target: new Float64Array(outputs[outputs.length - 1]),
    pre: outputs.map((n) => new Float64Array(n)),
    out: outputs.map((n) => new Float64Array(n)),
    delta: outputs.map((n) => new Float64Array(n)),
  };
}

/**
 * Accumulates the loss gradient of one sample into `grads` (laid out like getParameters) and returns its loss.
 * For all three heads paired with their loss, d loss / d logits = output - target.
 */
function accumulateSample(
  network: DenseNetwork,
  sample: { x: Float64Array; y: Float64Array },
  grads: Float64Array,
  ws: Workspace,
): number {
  const { mean, scale } = network.normalizer;
  for (let i = 0; i < ws.input.length; i++) ws.input[i] = (sample.x[i] - mean[i]) / scale[i];
  network.layers.forEach((layer, l) =>
    layerForwardInto(layer, l === 0 ? ws.input : ws.out[l - 1], ws.pre[l], ws.out[l]),
  );
  const last = network.layers.length - 1;
  const output = ws.out[last];
  applyHead(output, network.head);
  const s = network.outputScale;
  for (let j = 0; j < ws.target.length; j++) {
    ws.target[j] = s ? (sample.y[j] - s.offset[j]) / s.scale[j] : sample.y[j];
    ws.delta[last][j] = output[j] - ws.target[j];
  }

  for (let l = last; l >= 0; l--) {
    const layer = network.layers[l];
    const input = l === 0 ? ws.input : ws.out[l - 1];
    const delta = ws.delta[l];
    const base = ws.offsets[l];
    for (let i = 0; i < layer.inputs; i++) {
      const xi = input[i];
      if (xi === 0) continue;
      for (let j = 0; j < layer.outputs; j++) grads[base + i * layer.outputs + j] += xi * delta[j];
    }
    const biasBase = base + layer.weights.length;
    for (let j = 0; j < layer.outputs; j++) grads[biasBase + j] += delta[j];
    if (l > 0) {
      const below = network.layers[l - 1];
      const pre = ws.pre[l - 1];
      const next = ws.delta[l - 1];
      for (let i = 0; i < layer.inputs; i++) {
        let sum = 0;
        for (let j = 0; j < layer.outputs; j++) sum += layer.weights[i * layer.outputs + j] * delta[j];
        next[i] = sum * derivative(pre[i], below.activation);
      }
    }
  }
  return sampleLoss(network.head, output, ws.target);
}

/** Writes a flat parameter vector into the network's own arrays (the trainer's private copy only). */
function writeParameters(network: DenseNetwork, flat: Float64Array, offsets: readonly number[]): void {
  network.layers.forEach((layer, l) => {
    const base = offsets[l];
    for (let k = 0; k < layer.weights.length; k++) layer.weights[k] = flat[base + k]!;
    for (let k = 0; k < layer.bias.length; k++) layer.bias[k] = flat[base + layer.weights.length + k]!;
  });
}

/** Marks which flat parameters are weights (penalised by L2) rather than biases. */
function weightMask(network: DenseNetwork): Uint8Array {
  const mask = new Uint8Array(getParameters(network).length);
  let at = 0;
  for (const layer of network.layers) {
    mask.fill(1, at, at + layer.weights.length);
    at += layer.weights.length + layer.bias.length;
  }
  return mask;
}

/** Mean loss over a dataset without updating anything. */
export function datasetLoss(network: DenseNetwork, data: Dataset): number {
  const scratch = new Float64Array(getParameters(network).length);
  const ws = workspaceFor(network);
  let total = 0;
  for (let r = 0; r < data.x.rows; r++) {
    total += accumulateSample(network, { x: row(data.x, r), y: row(data.y, r) }, scratch, ws);
  }
  return total / Math.max(1, data.x.rows);
}

function checkDataset(network: DenseNetwork, data: Dataset): void {
  const outputs = network.layers[network.layers.length - 1].outputs;
  if (data.x.rows === 0) throw new RangeError('cannot train on an empty dataset');
  if (data.x.rows !== data.y.rows) throw new RangeError(`x has ${data.x.rows} rows but y has ${data.y.rows}`);
  if (data.x.cols !== network.normalizer.mean.length) {
    throw new RangeError(
      `x has ${data.x.cols} columns, the network expects ${network.normalizer.mean.length}`,
    );
  }
  if (data.y.cols !== outputs)
    throw new RangeError(`y has ${data.y.cols} columns, the network has ${outputs}`);
}

/**
 * Trains `epochs` passes of mini-batch Adam starting from the network's current parameters and returns a new
 * network; the input is not modified. Optimiser state starts fresh on every call, which is what a federated
 * client does between rounds.
 */
export function trainEpochs(network: DenseNetwork, data: Dataset, options: EpochOptions): LocalUpdate {
  checkDataset(network, data);
  const learningRate = options.learningRate ?? 0.01;
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const l2 = options.l2 ?? 0;
  const random = new SeededRandom(options.seed ?? 1);
  const params = Float64Array.from(getParameters(network));
  const mask = weightMask(network);
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  const grads = new Float64Array(params.length);
  // A private copy updated in place: the caller's network is never modified.
  const current = setParameters(network, getParameters(network));
  const ws = workspaceFor(network);
  let step = 0;
  const lossBefore = datasetLoss(network, data);
  const lossHistory: number[] = [];

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = random.permutation(data.x.rows);
    let epochLoss = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(order.length, start + batchSize);
      grads.fill(0);
      for (let k = start; k < end; k++) {
        const sample = { x: row(data.x, order[k]), y: row(data.y, order[k]) };
        epochLoss += accumulateSample(current, sample, grads, ws);
      }
      step++;
      const count = end - start;
      for (let p = 0; p < params.length; p++) {
        const g = grads[p] / count + (mask[p] ? l2 * params[p] : 0);
        m[p] = 0.9 * m[p] + 0.1 * g;
        v[p] = 0.999 * v[p] + 0.001 * g * g;
        const mHat = m[p] / (1 - 0.9 ** step);
        const vHat = v[p] / (1 - 0.999 ** step);
        params[p] -= (learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      writeParameters(current, params, ws.offsets);
    }
    lossHistory.push(epochLoss / order.length);
  }
  return {
    network: current,
    sampleCount: data.x.rows,
    epochs: options.epochs,
    lossBefore,
    lossAfter: datasetLoss(current, data),
    lossHistory,
  };
}

/** Sample-weighted mean of client parameter vectors (FedAvg). */
export function federatedAverage(
  updates: readonly { parameters: Float32Array; sampleCount: number }[],
): Float32Array {
  const total = updates.reduce((sum, u) => sum + u.sampleCount, 0);
  const length = updates[0]?.parameters.length ?? 0;
  if (total <= 0) throw new RangeError('federated average needs at least one sample');
  if (updates.some((u) => u.parameters.length !== length))
    throw new RangeError('parameter vectors differ in length');
  const sum = new Float64Array(length);
  for (const u of updates) u.parameters.forEach((p, i) => (sum[i] += (p * u.sampleCount) / total));
  return Float32Array.from(sum);
}
