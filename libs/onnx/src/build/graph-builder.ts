import { encodeModel } from '../proto/codec';
import { elementTypeCode, type ElementType } from '../proto/element-types';
import {
  ATTRIBUTE_TYPE,
  type Attribute,
  type Model,
  type Node,
  type Tensor,
  type ValueInfo,
} from '../proto/onnx-types';

/** ONNX attributes are typed: 1 and 1.0 are different attributes, so the caller says which one it means. */
export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
};

/** A declared dimension: a size or a symbolic name such as "batch". */
export type ShapeDim = number | string;

export type InitializerData = Float32Array | Int32Array | BigInt64Array;

export interface NodeOptions {
  attributes?: Record<string, AttributeValue>;
  /** Output names; defaults to one generated name. A number asks for that many generated names. */
  outputs?: readonly string[] | number;
  name?: string;
}

export interface ModelOptions {
  producerName?: string;
  producerVersion?: string;
  /** Default-domain opset; 17 is supported by every onnxruntime since 1.12. */
  opset?: number;
  irVersion?: number;
  modelVersion?: number;
  docString?: string;
  metadata?: Record<string, string>;
}

export const DEFAULT_OPSET = 17;
export const DEFAULT_IR_VERSION = 8;

function encodeAttribute(name: string, value: AttributeValue): Attribute {
  switch (value.kind) {
    case 'int':
      if (!Number.isSafeInteger(value.value)) throw new RangeError(`attribute ${name} must be an integer`);
      return { name, type: ATTRIBUTE_TYPE.INT, i: value.value };
    case 'float':
      return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.value };
    case 'ints':
      return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...value.value] };
    case 'floats':
      return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...value.value] };
    case 'string':
      return { name, type: ATTRIBUTE_TYPE.STRING, s: Buffer.from(value.value, 'utf8') };
  }
}

function valueInfo(name: string, type: ElementType, shape: readonly ShapeDim[]): ValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType: elementTypeCode(type),
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function elementTypeOf(data: InitializerData): ElementType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

/** Little-endian raw bytes, as raw_data requires regardless of the host's byte order. */
function rawBytes(data: InitializerData): Uint8Array {
  const out = new DataView(new ArrayBuffer(data.byteLength));
  if (data instanceof BigInt64Array) data.forEach((v, i) => out.setBigInt64(i * 8, v, true));
  else if (data instanceof Float32Array) data.forEach((v, i) => out.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => out.setInt32(i * 4, v, true));
  return new Uint8Array(out.buffer);
}

/**
 * Builds one ONNX graph. Names are checked as they are added (every node input must already exist) so that a
 * wrong graph fails here with a clear message instead of inside onnxruntime.
 */
export class OnnxGraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly nodes: Node[] = [];
  private readonly values = new Set<string>();
  private generated = 0;

  constructor(readonly graphName: string) {}

  private declare(name: string): string {
    if (!name) throw new RangeError('value names must not be empty');
    if (this.values.has(name)) throw new RangeError(`value "${name}" is already defined`);
    this.values.add(name);
    return name;
  }

  input(name: string, type: ElementType, shape: readonly ShapeDim[]): string {
    this.inputs.push(valueInfo(this.declare(name), type, shape));
    return name;
  }

  initializer(name: string, data: InitializerData, dims: readonly number[]): string {
    const expected = dims.reduce((product, d) => product * d, 1);
    if (expected !== data.length) {
      throw new RangeError(`initializer "${name}" has ${data.length} values but dims [${dims.join(', ')}]`);
    }
    this.initializers.push({
      name: this.declare(name),
      dims: [...dims],
      dataType: elementTypeCode(elementTypeOf(data)),
      rawData: rawBytes(data),
    });
    return name;
  }

  /** Adds a node; returns its output names. Pass "" as an input to omit an optional input. */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.values.has(input))
        throw new RangeError(`${opType} input "${input}" is not defined`);
    }
    const index = this.nodes.length;
    const requested = options.outputs ?? 1;
    const outputs =
      typeof requested === 'number'
        ? Array.from({ length: requested }, (_, i) => `${opType.toLowerCase()}_${index}_out${i}`)
        : [...requested];
    outputs.forEach((o) => this.declare(o));
    this.nodes.push({
      name: options.name ?? `${opType}_${index}`,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(options.attributes ?? {}).map(([n, v]) => encodeAttribute(n, v)),
    });
    return outputs;
  }

  /** Single-output shorthand for node(). */
  op(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    output?: string,
  ): string {
    return this.node(opType, inputs, { attributes, outputs: output ? [output] : 1 })[0];
  }

  /** A fresh initializer name with a readable prefix. */
  uniqueName(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.generated++}`;
    while (this.values.has(name));
    return name;
  }

  output(name: string, type: ElementType, shape: readonly ShapeDim[]): void {
    if (!this.values.has(name)) throw new RangeError(`output "${name}" is not produced by the graph`);
    this.outputs.push(valueInfo(name, type, shape));
  }

  toModel(options: ModelOptions = {}): Model {
    if (this.outputs.length === 0) throw new RangeError(`graph "${this.graphName}" declares no outputs`);
    return {
      irVersion: options.irVersion ?? DEFAULT_IR_VERSION,
      producerName: options.producerName ?? 'polis',
      producerVersion: options.producerVersion ?? '0.1.0',
      modelVersion: options.modelVersion,
      docString: options.docString,
      opsetImport: [{ domain: '', version: options.opset ?? DEFAULT_OPSET }],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }

  build(options: ModelOptions = {}): Uint8Array {
    return encodeModel(this.toModel(options));
  }
}
