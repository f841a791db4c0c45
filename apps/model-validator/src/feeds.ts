import type { Dim, ElementType, ValueSignature } from '@polis/onnx';
import type { SampleInput, SampleTensor } from './protocol';

/** Element types onnxruntime-node can build an input tensor from, with the array that holds them. */
const NUMERIC_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array, // raw IEEE half bits: zero is 0 either way, samples are refused below
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;
type NumericType = keyof typeof NUMERIC_ARRAYS;
export type FeedType = NumericType | 'int64' | 'uint64' | 'string';

export type FeedData =
  | InstanceType<(typeof NUMERIC_ARRAYS)[NumericType]>
  | BigInt64Array
  | BigUint64Array
  | string[];

/** One input tensor, ready to hand to onnxruntime. */
export interface Feed {
  name: string;
  type: FeedType;
  dims: number[];
  data: FeedData;
}

/** A sample that does not fit the model; the operator learns which input and why. */
export class SampleMismatchError extends Error {
  override readonly name = 'SampleMismatchError';
}

function feedType(input: ValueSignature): FeedType {
  const type: ElementType | undefined = input.elementType;
  if (type === 'int64' || type === 'uint64' || type === 'string') return type;
  if (type !== undefined && type in NUMERIC_ARRAYS) return type as NumericType;
  // inspectModel refuses unfeedable inputs before we get here; reaching this is a bug, not bad input.
  throw new Error(`input "${input.name}" has element type ${String(type)}, which cannot be fed`);
}

/** Symbolic and unknown dimensions become 1: the smallest batch every well-formed model must accept. */
export function concreteDims(shape: readonly Dim[] | undefined): number[] {
  return (shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

function zeros(type: FeedType, count: number): FeedData {
  if (type === 'int64') return new BigInt64Array(count);
  if (type === 'uint64') return new BigUint64Array(count);
  if (type === 'string') return Array.from({ length: count }, () => '');
  return new NUMERIC_ARRAYS[type](count);
}

/** Zero-filled tensors of every input's declared shape. */
export function zeroFeeds(inputs: readonly ValueSignature[]): Feed[] {
  return inputs.map((input) => {
    const dims = concreteDims(input.shape);
    const type = feedType(input);
    return { name: input.name, type, dims, data: zeros(type, elementCount(dims)) };
  });
}

function checkedDims(input: ValueSignature, tensor: SampleTensor): number[] {
  const declared = input.shape ?? [];
  const dims = tensor.dims ?? concreteDims(declared);
  if (dims.length !== declared.length) {
    throw new SampleMismatchError(
      `sample for "${input.name}" has rank ${dims.length}, the model declares rank ${declared.length}`,
    );
  }
  declared.forEach((d, i) => {
    if (typeof d === 'number' && dims[i] !== d) {
      throw new SampleMismatchError(
        `sample for "${input.name}" has dimension ${i} = ${dims[i]}, expected ${d}`,
      );
    }
  });
  const count = elementCount(dims);
  if (count !== tensor.data.length) {
    throw new SampleMismatchError(
      `sample for "${input.name}" has ${tensor.data.length} values, shape [${dims.join(', ')}] needs ${count}`,
    );
  }
  return dims;
}

function numbersOf(input: ValueSignature, tensor: SampleTensor): number[] {
  return tensor.data.map((v) => {
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number') return v;
    throw new SampleMismatchError(`sample for "${input.name}" holds a string, the input is numeric`);
  });
}

function integersOf(input: ValueSignature, tensor: SampleTensor): bigint[] {
  return numbersOf(input, tensor).map((v) => {
    if (!Number.isSafeInteger(v)) {
      throw new SampleMismatchError(`sample for "${input.name}" holds ${v}, the input takes integers`);
    }
    return BigInt(v);
  });
}

function sampleData(input: ValueSignature, type: FeedType, tensor: SampleTensor): FeedData {
  if (type === 'string') return tensor.data.map(String);
  if (type === 'int64') return BigInt64Array.from(integersOf(input, tensor));
  if (type === 'uint64') return BigUint64Array.from(integersOf(input, tensor));
  if (type === 'float16') {
    throw new SampleMismatchError(`sample for "${input.name}": float16 samples are not supported`);
  }
  return NUMERIC_ARRAYS[type].from(numbersOf(input, tensor));
}

/** The operator's sample as tensors; every model input must be given and nothing else. */
export function sampleFeeds(inputs: readonly ValueSignature[], sample: SampleInput): Feed[] {
  const known = new Set(inputs.map((i) => i.name));
  const unknown = Object.keys(sample).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SampleMismatchError(
      `sample names inputs the model does not have: ${unknown.join(', ')} (model inputs: ${[...known].join(', ')})`,
    );
  }
  return inputs.map((input) => {
    const tensor = sample[input.name];
    if (!tensor) throw new SampleMismatchError(`sample does not give input "${input.name}"`);
    const type = feedType(input);
    return {
      name: input.name,
      type,
      dims: checkedDims(input, tensor),
      data: sampleData(input, type, tensor),
    };
  });
}
