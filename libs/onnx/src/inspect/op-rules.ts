import { elementTypeName } from '../proto/element-types';
import { broadcastDims, elementCount, normaliseAxis, type TensorInfo } from './tensor-info';

import type { NodeView } from './node-view';
import type { Rule, RuleContext } from './rule';
import { SHAPE_VALUE_RULES } from './shape-values';

export type { Rule, RuleContext, RuleResult } from './rule';

function known(inputs: (TensorInfo | undefined)[], count: number): TensorInfo[] | undefined {
  const present = inputs.slice(0, count);
  return present.length === count && present.every((t) => t !== undefined) ? present : undefined;
}

/** Elementwise n-ary ops: one FLOP per output element per combining step. */
function broadcasting(resultType?: 'bool'): Rule {
  return ({ inputs }) => {
    const all = inputs.filter((t): t is TensorInfo => t !== undefined);
    if (all.length !== inputs.length || all.length === 0) return undefined;
    const dims = broadcastDims(all.map((t) => t.dims));
    if (!dims) return undefined;
    const out = { type: resultType ?? all[0].type, dims };
    return { outputs: [out], flops: elementCount(dims) * Math.max(1, all.length - 1) };
  };
}

/** Same-shape ops costing `perElement` FLOPs per element (activations count as one: a deliberate simplification). */
function unary(perElement: number): Rule {
  return ({ inputs }) => {
    const x = inputs[0];
    if (!x) return undefined;
    return { outputs: [{ ...x }], flops: perElement * elementCount(x.dims) };
  };
}

const gemm: Rule = ({ node, inputs }) => {
  const ab = known(inputs, 2);
  if (!ab || ab[0].dims.length !== 2 || ab[1].dims.length !== 2) return undefined;
  const [a, b] = ab as [TensorInfo, TensorInfo];
  const [m, k] = node.int('transA', 0) ? [a.dims[1], a.dims[0]] : [a.dims[0], a.dims[1]];
  const n = node.int('transB', 0) ? b.dims[0] : b.dims[1];
  const bias = node.input(2) ? m * n : 0;
  return { outputs: [{ type: a.type, dims: [m, n] }], flops: 2 * m * k * n + bias };
};

const matMul: Rule = ({ inputs }) => {
  const ab = known(inputs, 2);
  if (!ab) return undefined;
  const [a, b] = ab as [TensorInfo, TensorInfo];
  // Rank-1 operands are promoted to matrices and the added axis removed again (numpy.matmul).
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  if (aDims.length < 2 || bDims.length < 2) return undefined;
  const m = aDims[aDims.length - 2];
  const k = aDims[aDims.length - 1];
  const n = bDims[bDims.length - 1];
  const batch = broadcastDims([aDims.slice(0, -2), bDims.slice(0, -2)]);
  if (!batch) return undefined;
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [m]), ...(b.dims.length === 1 ? [] : [n])];
  return { outputs: [{ type: a.type, dims }], flops: 2 * elementCount(batch) * m * k * n };
};

/** Output spatial sizes of a sliding window (Conv, pools), honouring pads, strides, dilations and auto_pad. */
function windowOutput(node: NodeView, spatial: number[], kernel: number[]): number[] {
  const rank = spatial.length;
  const strides = node.ints('strides') ?? new Array<number>(rank).fill(1);
  const dilations = node.ints('dilations') ?? new Array<number>(rank).fill(1);
  const pads = node.ints('pads') ?? new Array<number>(rank * 2).fill(0);
  const autoPad = node.string('auto_pad', 'NOTSET');
  return spatial.map((size, i) => {
    const stride = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / stride);
    const effectiveKernel = (dilations[i] ?? 1) * ((kernel[i] ?? 1) - 1) + 1;
    const padded = autoPad === 'VALID' ? size : size + (pads[i] ?? 0) + (pads[i + rank] ?? 0);
    return Math.floor((padded - effectiveKernel) / stride) + 1;
  });
}

const conv: Rule = ({ node, inputs }) => {
  const xw = known(inputs, 2);
  if (!xw) return undefined;
  const [x, w] = xw as [TensorInfo, TensorInfo];
  if (x.dims.length < 3 || w.dims.length !== x.dims.length) return undefined;
  const [batch, channels] = x.dims as [number, number];
  const outChannels = w.dims[0];
  const kernel = w.dims.slice(2);
  const group = node.int('group', 1);
  const spatialOut = windowOutput(node, x.dims.slice(2), kernel);
  const outputPositions = batch * outChannels * elementCount(spatialOut);
  const macsPerOutput = (channels / group) * elementCount(kernel);
  const bias = node.input(2) ? outputPositions : 0;
  return {
    outputs: [{ type: x.type, dims: [batch, outChannels, ...spatialOut] }],
    flops: 2 * outputPositions * macsPerOutput + bias,
  };
};

function pool(kind: 'max' | 'average'): Rule {
  return ({ node, inputs }) => {
    const x = inputs[0];
    const kernel = node.ints('kernel_shape');
    if (!x || !kernel || x.dims.length < 3) return undefined;
    const dims = [x.dims[0], x.dims[1], ...windowOutput(node, x.dims.slice(2), kernel)];
    const perOutput = elementCount(kernel) + (kind === 'average' ? 1 : 0);
    return { outputs: [{ type: x.type, dims }], flops: elementCount(dims) * perOutput };
  };
}

const globalPool: Rule = ({ inputs }) => {
  const x = inputs[0];
  if (!x || x.dims.length < 3) return undefined;
  const dims = [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)];
  return { outputs: [{ type: x.type, dims }], flops: elementCount(x.dims) };
};

/**
 * Recurrent cells, per time step, batch row and direction: the gate matmuls cost 2·gates·H·(I+H); the rest is
 * elementwise work per hidden unit (bias adds, activations, state updates) counted as documented below.
 */
const RECURRENT = {
  LSTM: { gates: 4, elementwisePerUnit: 17, states: 2 }, // 8 bias adds, 5 activations, 3 products, 1 sum
  GRU: { gates: 3, elementwisePerUnit: 14, states: 1 }, // 6 bias adds, 3 activations, 5 blend ops
  RNN: { gates: 1, elementwisePerUnit: 3, states: 1 }, // 2 bias adds, 1 activation
} as const;

function recurrent(cell: keyof typeof RECURRENT): Rule {
  const { gates, elementwisePerUnit, states } = RECURRENT[cell];
  return ({ node, inputs }) => {
    const xw = known(inputs, 2);
    if (!xw) return undefined;
    const [x, w] = xw as [TensorInfo, TensorInfo];
    if (x.dims.length !== 3 || w.dims.length !== 3) return undefined;
    const batchFirst = node.int('layout', 0) === 1;
    const [seq, batch, inputSize] = batchFirst ? [x.dims[1], x.dims[0], x.dims[2]] : x.dims;
    const directions = w.dims[0];
    const hidden = node.int('hidden_size', w.dims[1] / gates);
    const perStep = 2 * gates * hidden * (inputSize + hidden) + elementwisePerUnit * hidden;
    const y = batchFirst ? [batch, seq, directions, hidden] : [seq, directions, batch, hidden];
    const state = batchFirst ? [batch, directions, hidden] : [directions, batch, hidden];
    const outputs: TensorInfo[] = [{ type: x.type, dims: y }];
    for (let s = 0; s < states; s++) outputs.push({ type: x.type, dims: state });
    return { outputs, flops: seq * batch * directions * perStep };
  };
}

const flatten: Rule = ({ node, inputs }) => {
  const x = inputs[0];
  if (!x) return undefined;
  const axis = normaliseAxis(node.int('axis', 1), x.dims.length);
  return {
    outputs: [
      { type: x.type, dims: [elementCount(x.dims.slice(0, axis)), elementCount(x.dims.slice(axis))] },
    ],
    flops: 0,
  };
};

const reshape: Rule = ({ inputs, node, constantInts }) => {
  const x = inputs[0];
  const target = constantInts(node.input(1));
  if (!x || !target) return undefined;
  const dims = target.map((d, i) => (d === 0 && node.int('allowzero', 0) === 0 ? (x.dims[i] ?? 0) : d));
  const inferred = dims.indexOf(-1);
  if (inferred >= 0) {
    const rest = elementCount(dims.filter((_, i) => i !== inferred));
    dims[inferred] = rest === 0 ? 0 : elementCount(x.dims) / rest;
  }
  return { outputs: [{ type: x.type, dims }], flops: 0 };
};

const transpose: Rule = ({ node, inputs }) => {
  const x = inputs[0];
  if (!x) return undefined;
  const perm = node.ints('perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
  return { outputs: [{ type: x.type, dims: perm.map((p) => x.dims[p]) }], flops: 0 };
};

const concat: Rule = ({ node, inputs }) => {
  const all = known(inputs, inputs.length);
  if (!all || all.length === 0) return undefined;
  const first = all[0];
  const axis = normaliseAxis(node.int('axis', 0), first.dims.length);
  const dims = [...first.dims];
  dims[axis] = all.reduce((sum, t) => sum + (t.dims[axis] ?? 0), 0);
  return { outputs: [{ type: first.type, dims }], flops: 0 };
};

/** Axes from the attribute (older opsets) or the second input (ReduceSum 13+, all reductions 18+). */
function axesOf(ctx: RuleContext, inputIndex: number): number[] | undefined {
  return ctx.node.ints('axes') ?? ctx.constantInts(ctx.node.input(inputIndex));
}

const reduce: Rule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x) return undefined;
  const rank = x.dims.length;
  const explicit = axesOf(ctx, 1);
  const noop = ctx.node.int('noop_with_empty_axes', 0) === 1;
  if (!explicit && noop) return { outputs: [{ ...x }], flops: 0 };
  const axes = new Set((explicit ?? x.dims.map((_, i) => i)).map((a) => normaliseAxis(a, rank)));
  const keep = ctx.node.int('keepdims', 1) === 1;
  const dims = keep ? x.dims.map((d, i) => (axes.has(i) ? 1 : d)) : x.dims.filter((_, i) => !axes.has(i));
  return { outputs: [{ type: x.type, dims }], flops: elementCount(x.dims) };
};

const argReduce: Rule = ({ node, inputs }) => {
  const x = inputs[0];
  if (!x) return undefined;
  const axis = normaliseAxis(node.int('axis', 0), x.dims.length);
  const keep = node.int('keepdims', 1) === 1;
  const dims = keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis);
  return { outputs: [{ type: 'int64', dims }], flops: elementCount(x.dims) };
};

const unsqueeze: Rule = (ctx) => {
  const x = ctx.inputs[0];
  const axes = axesOf(ctx, 1);
  if (!x || !axes) return undefined;
  const rank = x.dims.length + axes.length;
  const inserted = new Set(axes.map((a) => normaliseAxis(a, rank)));
  const rest = [...x.dims];
  const dims = Array.from({ length: rank }, (_, i) => (inserted.has(i) ? 1 : rest.shift()!));
  return { outputs: [{ type: x.type, dims }], flops: 0 };
};

const squeeze: Rule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x) return undefined;
  const axes = axesOf(ctx, 1);
  const removed = new Set(axes?.map((a) => normaliseAxis(a, x.dims.length)));
  const dims = x.dims.filter((d, i) => (axes ? !removed.has(i) : d !== 1));
  return { outputs: [{ type: x.type, dims }], flops: 0 };
};

const cast: Rule = ({ node, inputs }) => {
  const x = inputs[0];
  const to = elementTypeName(node.int('to', 0));
  if (!x || !to) return undefined;
  return { outputs: [{ type: to, dims: [...x.dims] }], flops: 0 };
};

const shape: Rule = ({ inputs }) => {
  const x = inputs[0];
  return x ? { outputs: [{ type: 'int64', dims: [x.dims.length] }], flops: 0 } : undefined;
};

const constant: Rule = ({ node }) => {
  const tensor = node.attribute('value')?.t;
  if (tensor) {
    const type = elementTypeName(tensor.dataType);
    return type ? { outputs: [{ type, dims: tensor.dims ?? [] }], flops: 0 } : undefined;
  }
  if (node.has('value_float')) return { outputs: [{ type: 'float32', dims: [] }], flops: 0 };
  if (node.has('value_int')) return { outputs: [{ type: 'int64', dims: [] }], flops: 0 };
  const floats = node.attribute('value_floats')?.floats;
  if (floats) return { outputs: [{ type: 'float32', dims: [floats.length] }], flops: 0 };
  const ints = node.attribute('value_ints')?.ints;
  if (ints) return { outputs: [{ type: 'int64', dims: [ints.length] }], flops: 0 };
  return undefined;
};

const where: Rule = ({ inputs }) => {
  const all = known(inputs, 3);
  if (!all) return undefined;
  const dims = broadcastDims(all.map((t) => t.dims));
  return dims ? { outputs: [{ type: all[1].type, dims }], flops: elementCount(dims) } : undefined;
};

const gather: Rule = ({ node, inputs }) => {
  const both = known(inputs, 2);
  if (!both) return undefined;
  const [data, indices] = both as [TensorInfo, TensorInfo];
  const axis = normaliseAxis(node.int('axis', 0), data.dims.length);
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  return { outputs: [{ type: data.type, dims }], flops: 0 };
};

const ELEMENTWISE = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'PRelu'];
const COMPARISONS = ['Greater', 'Less', 'Equal', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor'];
const ONE_FLOP_UNARY = [
  'Relu',
  'Sigmoid',
  'Tanh',
  'Abs',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Reciprocal',
  'Erf',
  'Elu',
  'LeakyRelu',
  'Softplus',
  'Selu',
  'HardSigmoid',
  'Clip',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'Not',
];
const FREE_UNARY = ['Identity', 'Dropout'];

/** Shape and cost rules of the default-domain operators the inspector understands. */
export const OP_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...ELEMENTWISE.map((op): [string, Rule] => [op, broadcasting()]),
  ...COMPARISONS.map((op): [string, Rule] => [op, broadcasting('bool')]),
  ...ONE_FLOP_UNARY.map((op): [string, Rule] => [op, unary(1)]),
  ...FREE_UNARY.map((op): [string, Rule] => [op, unary(0)]),
  ['Softmax', unary(3)], // exp, running sum, divide
  ['LogSoftmax', unary(3)],
  ['BatchNormalization', unary(2)], // folded to one scale and one shift at inference
  ['LayerNormalization', unary(5)], // mean, variance, normalise, scale, shift
  ['InstanceNormalization', unary(5)],
  ['Gemm', gemm],
  ['MatMul', matMul],
  ['Conv', conv],
  ['MaxPool', pool('max')],
  ['AveragePool', pool('average')],
  ['GlobalAveragePool', globalPool],
  ['GlobalMaxPool', globalPool],
  ['LSTM', recurrent('LSTM')],
  ['GRU', recurrent('GRU')],
  ['RNN', recurrent('RNN')],
  ['Flatten', flatten],
  ['Reshape', reshape],
  ['Transpose', transpose],
  ['Concat', concat],
  ['ReduceMean', reduce],
  ['ReduceSum', reduce],
  ['ReduceMax', reduce],
  ['ReduceMin', reduce],
  ['ReduceL2', reduce],
  ['ArgMax', argReduce],
  ['ArgMin', argReduce],
  ['Unsqueeze', unsqueeze],
  ['Squeeze', squeeze],
  ['Cast', cast],
  ['Shape', shape],
  ['Constant', constant],
  ['Where', where],
  ['Gather', gather],
  ...SHAPE_VALUE_RULES,
]);

/** FusedMatMul computes alpha·op(A)·op(B): the MatMul cost once the transposes are applied to the shapes. */
const fusedMatMul: Rule = (ctx) => {
  const ab = known(ctx.inputs, 2);
  if (!ab) return undefined;
  const swap = (t: TensorInfo, flag: string): TensorInfo => {
    if (!ctx.node.int(flag, 0) || t.dims.length < 2) return t;
    const dims = [...t.dims];
    [dims[dims.length - 2], dims[dims.length - 1]] = [dims[dims.length - 1], dims[dims.length - 2]];
    return { ...t, dims };
  };
  return matMul({ ...ctx, inputs: [swap(ab[0], 'transA'), swap(ab[1], 'transB')] });
};

/** Shape and cost rules of common Microsoft contrib operators (domain com.microsoft), as optimised exports use. */
export const CONTRIB_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['Gelu', unary(1)],
  ['FastGelu', unary(1)],
  ['QuickGelu', unary(1)],
  ['BiasGelu', broadcasting()],
  ['FusedMatMul', fusedMatMul],
  ['FusedGemm', gemm],
  ['FusedConv', conv], // Conv with its activation folded in; the activation's one FLOP per element is left out
]);

/** The rule for an operator of a domain, if the inspector knows one. */
export function ruleFor(domain: string | undefined, opType: string): Rule | undefined {
  if (domain === undefined || domain === '' || domain === 'ai.onnx') return OP_RULES.get(opType);
  return domain === 'com.microsoft' ? CONTRIB_RULES.get(opType) : undefined;
}
