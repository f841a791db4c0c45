import { attr, OnnxGraphBuilder, type ModelOptions } from '../build/graph-builder';
import type { DenseLayer, DenseNetwork } from './dense-network';

export interface AppendNetworkOptions {
  /** 'nodes' keeps the standardisation as Sub/Div (and output scaling as Mul/Add); 'folded' bakes it into Gemm. */
  normalization?: 'nodes' | 'folded';
  /** Prefix for initializer names, so several networks can share one graph. */
  prefix?: string;
  /** Name of the final value; generated when omitted. */
  output?: string;
}

/** First layer with (x - mean) / scale folded in: W'ᵢⱼ = Wᵢⱼ / sᵢ, b'ⱼ = bⱼ − Σᵢ mᵢ Wᵢⱼ / sᵢ. */
function foldInput(layer: DenseLayer, network: DenseNetwork): DenseLayer {
  const { mean, scale } = network.normalizer;
  const weights = new Float32Array(layer.weights.length);
  const bias = Float64Array.from(layer.bias);
  for (let i = 0; i < layer.inputs; i++) {
    for (let j = 0; j < layer.outputs; j++) {
      const w = layer.weights[i * layer.outputs + j] / scale[i];
      weights[i * layer.outputs + j] = w;
      bias[j] -= mean[i] * w;
    }
  }
  return { ...layer, weights, bias: Float32Array.from(bias) };
}

/** Last layer with y·s + o folded in (only valid before an identity head). */
function foldOutput(layer: DenseLayer, network: DenseNetwork): DenseLayer {
  const { scale, offset } = network.outputScale!;
  const weights = layer.weights.map((w, k) => w * scale[k % layer.outputs]);
  const bias = layer.bias.map((b, j) => b * scale[j] + offset[j]);
  return { ...layer, weights, bias };
}

type Step = (input: string, output: string | undefined) => string;

/**
 * Appends the network's forward pass to `builder`, reading `input` of shape [batch, features]; returns the name
 * of the value holding the outputs in model units (probabilities for classifiers).
 */
export function appendNetwork(
  builder: OnnxGraphBuilder,
  network: DenseNetwork,
  input: string,
  options: AppendNetworkOptions = {},
): string {
  const prefix = options.prefix ?? 'net';
  const folded = options.normalization === 'folded';
  const foldScale = folded && network.outputScale !== undefined && network.head === 'identity';
  const last = network.layers.length - 1;
  const layers = network.layers.map((layer, i) => {
    const withInput = folded && i === 0 ? foldInput(layer, network) : layer;
    return foldScale && i === last ? foldOutput(withInput, network) : withInput;
  });
  const constant = (name: string, values: Float32Array, dims: number[]): string =>
    builder.initializer(`${prefix}_${name}`, values, dims);
  const op =
    (opType: string, ...operands: string[]): Step =>
    (x, out) =>
      builder.op(opType, [x, ...operands], undefined, out);

  const steps: Step[] = [];
  if (!folded) {
    const features = network.normalizer.mean.length;
    steps.push(op('Sub', constant('mean', network.normalizer.mean, [features])));
    steps.push(op('Div', constant('scale', network.normalizer.scale, [features])));
  }
  layers.forEach((layer, i) => {
    const weights = constant(`w${i}`, layer.weights, [layer.inputs, layer.outputs]);
    const bias = constant(`b${i}`, layer.bias, [layer.outputs]);
    steps.push(op('Gemm', weights, bias));
    if (layer.activation === 'tanh') steps.push(op('Tanh'));
    if (layer.activation === 'relu') steps.push(op('Relu'));
  });
  if (network.head === 'sigmoid') steps.push(op('Sigmoid'));
  if (network.head === 'softmax') {
    steps.push((x, out) => builder.op('Softmax', [x], { axis: attr.int(-1) }, out));
  }
  if (network.outputScale && !foldScale) {
    const outputs = network.outputScale.scale.length;
    steps.push(op('Mul', constant('out_scale', network.outputScale.scale, [outputs])));
    steps.push(op('Add', constant('out_offset', network.outputScale.offset, [outputs])));
  }
  return steps.reduce(
    (value, step, i) => step(value, i === steps.length - 1 ? options.output : undefined),
    input,
  );
}

export interface ExportNetworkOptions extends ModelOptions {
  graphName: string;
  inputName?: string;
  outputName?: string;
  normalization?: 'nodes' | 'folded';
}

/** A standalone model: input [batch, features] float32 -> output [batch, outputs] float32. */
export function exportNetwork(network: DenseNetwork, options: ExportNetworkOptions): Uint8Array {
  const builder = new OnnxGraphBuilder(options.graphName);
  const features = network.normalizer.mean.length;
  const outputs = network.layers[network.layers.length - 1].outputs;
  const input = builder.input(options.inputName ?? 'input', 'float32', ['batch', features]);
  const output = appendNetwork(builder, network, input, {
    normalization: options.normalization,
    output: options.outputName ?? 'output',
  });
  builder.output(output, 'float32', ['batch', outputs]);
  return builder.build(options);
}
