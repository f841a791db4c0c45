import { elementTypeName } from '../proto/element-types';
import type { NodeView } from './node-view';
import type { Rule } from './rule';
import { tensorInts } from './tensor-data';
import { broadcastDims, elementCount, normaliseAxis, type TensorInfo } from './tensor-info';

/**
 * Exporters compute reshape targets, pads and slice bounds at run time from Shape(x) (torch's `x.size(1)`):
 * Shape -> Gather -> Unsqueeze -> Concat -> Reshape. Folding these small integer tensors lets the shape rules
 * see the values, so the operators after them get shapes and costs instead of "unestimated".
 */
export interface FoldContext {
  node: NodeView;
  inputs: (TensorInfo | undefined)[];
  value: (index: number) => number[] | undefined;
}

/** Folded values stay small: these are shape vectors, not data. */
const MAX_FOLDED = 64;

function elementwise(a: number[], b: number[], op: (x: number, y: number) => number): number[] | undefined {
  if (a.length !== b.length && a.length !== 1 && b.length !== 1) return undefined;
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, i) => op(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
}

/** The indices Slice keeps along one axis of `size`, following the ONNX clamping rules. */
export function sliceRange(size: number, start: number, end: number, step: number): number[] | undefined {
  if (step === 0 || size === undefined) return undefined;
  const resolve = (v: number) => (v < 0 ? v + size : v);
  const [from, to] =
    step > 0
      ? [Math.min(size, Math.max(0, resolve(start))), Math.min(size, Math.max(0, resolve(end)))]
      : [Math.min(size - 1, Math.max(-1, resolve(start))), Math.min(size - 1, Math.max(-1, resolve(end)))];
  const out: number[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(i);
  return out;
}

const FOLDS: Record<string, (ctx: FoldContext) => number[] | undefined> = {
  Shape: ({ node, inputs }) => {
    const x = inputs[0];
    if (!x) return undefined;
    const rank = x.dims.length;
    const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
    return x.dims.slice(clamp(node.int('start', 0)), clamp(node.int('end', rank)));
  },
  Size: ({ inputs }) => (inputs[0] ? [elementCount(inputs[0].dims)] : undefined),
  Identity: ({ value }) => value(0),
  Cast: ({ value }) => value(0),
  Unsqueeze: ({ value }) => value(0),
  Squeeze: ({ value }) => value(0),
  Concat: ({ node, value }) => {
    const parts = node.inputs.map((_, i) => value(i));
    return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
  },
  Gather: ({ node, value, inputs }) => {
    const data = value(0);
    const indices = value(1);
    if (!data || !indices || node.int('axis', 0) !== 0 || (inputs[0]?.dims.length ?? 1) > 1) return undefined;
    const picked = indices.map((i) => data[i < 0 ? i + data.length : i]);
    return picked.every((v) => v !== undefined) ? picked : undefined;
  },
  Reshape: ({ value }) => value(0),
  ConstantOfShape: ({ node, value }) => {
    const dims = value(0);
    const fill = node.attribute('value')?.t;
    const filled = fill ? (tensorInts(fill)?.[0] ?? undefined) : 0;
    if (!dims || filled === undefined || elementCount(dims) > MAX_FOLDED) return undefined;
    return new Array<number>(elementCount(dims)).fill(filled);
  },
  Transpose: ({ node, value, inputs }) => {
    const data = value(0);
    const dims = inputs[0]?.dims;
    if (!data || !dims || dims.length !== 2 || data.length !== dims[0] * dims[1]) return undefined;
    const perm = node.ints('perm') ?? [1, 0];
    if (perm[0] === 0) return data;
    const [rows, cols] = dims;
    return Array.from({ length: data.length }, (_, i) => data[(i % rows) * cols + Math.floor(i / rows)]);
  },
  Slice: ({ value, inputs }) => {
    const data = value(0);
    const dims = inputs[0]?.dims ?? (data ? [data.length] : undefined);
    const [starts, ends] = [value(1), value(2)];
    if (!data || !dims || !starts || !ends || data.length !== elementCount(dims)) return undefined;
    const axes = value(3) ?? starts.map((_, i) => i);
    const steps = value(4) ?? starts.map(() => 1);
    // Which indices survive along each axis, then the row-major product of those index lists.
    const kept = dims.map((size) => Array.from({ length: size }, (_, i) => i));
    for (let i = 0; i < starts.length; i++) {
      const axis = normaliseAxis(axes[i] ?? i, dims.length);
      const range = sliceRange(dims[axis], starts[i], ends[i], steps[i] ?? 1);
      if (!range) return undefined;
      kept[axis] = range;
    }
    let flat = [0];
    kept.forEach((indices, axis) => {
      const stride = elementCount(dims.slice(axis + 1));
      flat = flat.flatMap((base) => indices.map((i) => base + i * stride));
    });
    return flat.map((i) => data[i]);
  },
  Add: ({ value }) => {
    const [a, b] = [value(0), value(1)];
    return a && b ? elementwise(a, b, (x, y) => x + y) : undefined;
  },
  Sub: ({ value }) => {
    const [a, b] = [value(0), value(1)];
    return a && b ? elementwise(a, b, (x, y) => x - y) : undefined;
  },
  Mul: ({ value }) => {
    const [a, b] = [value(0), value(1)];
    return a && b ? elementwise(a, b, (x, y) => x * y) : undefined;
  },
  Div: ({ value }) => {
    const [a, b] = [value(0), value(1)];
    return a && b && b.every((y) => y !== 0) ? elementwise(a, b, (x, y) => Math.trunc(x / y)) : undefined;
  },
};

/** The integer values of a node's first output when every value it depends on is known; else undefined. */
export function foldShapeValue(ctx: FoldContext): number[] | undefined {
  // A Cast to a non-integer type is no longer a shape vector.
  if (ctx.node.opType === 'Cast' && ![6, 7].includes(ctx.node.int('to', 0))) return undefined;
  const result = FOLDS[ctx.node.opType]?.(ctx);
  return result && result.length <= MAX_FOLDED && result.every(Number.isFinite) ? result : undefined;
}

const noCost = (info: TensorInfo | undefined) => (info ? { outputs: [info], flops: 0 } : undefined);

/** Shape rules for operators whose output shape is carried by a (folded) integer input. */
export const SHAPE_VALUE_RULES: [string, Rule][] = [
  [
    'ConstantOfShape',
    ({ node, constantInts }) => {
      const dims = constantInts(node.input(0));
      const type = elementTypeName(node.attribute('value')?.t?.dataType) ?? 'float32';
      return noCost(dims ? { type, dims } : undefined);
    },
  ],
  [
    'Expand',
    ({ node, inputs, constantInts }) => {
      const x = inputs[0];
      const target = constantInts(node.input(1));
      if (!x || !target) return undefined;
      const dims = broadcastDims([x.dims, target]);
      return noCost(dims ? { type: x.type, dims } : undefined);
    },
  ],
  [
    'Pad',
    ({ node, inputs, constantInts }) => {
      const x = inputs[0];
      const pads = constantInts(node.input(1)) ?? node.ints('pads');
      if (!x || !pads || pads.length !== 2 * x.dims.length) return undefined;
      const rank = x.dims.length;
      return noCost({ type: x.type, dims: x.dims.map((d, i) => d + pads[i] + pads[i + rank]) });
    },
  ],
  [
    'Slice',
    ({ node, inputs, constantInts }) => {
      const x = inputs[0];
      const [starts, ends] = [constantInts(node.input(1)), constantInts(node.input(2))];
      if (!x || !starts || !ends || starts.length !== ends.length) return undefined;
      const axes = constantInts(node.input(3)) ?? starts.map((_, i) => i);
      const steps = constantInts(node.input(4)) ?? starts.map(() => 1);
      const dims = [...x.dims];
      for (let i = 0; i < starts.length; i++) {
        const axis = normaliseAxis(axes[i] ?? i, dims.length);
        const range = sliceRange(dims[axis], starts[i], ends[i], steps[i] ?? 1);
        if (!range) return undefined;
        dims[axis] = range.length;
      }
      return noCost({ type: x.type, dims });
    },
  ],
  ['Size', () => noCost({ type: 'int64', dims: [] })],
];
