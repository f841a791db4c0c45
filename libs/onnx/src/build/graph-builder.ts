import { encodeModel } from '../proto/codec';
import { elementTypeCode, type ElementType } from '../proto/element-types';
import {
  ATTRIBUTE_TYPE,
  type Attribute,
  type Graph,
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
  | { kind: 'string'; value: string }
  | { kind: 'graph'; value: OnnxGraphBuilder };

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  /** A subgraph made with `builder.subgraph(name)`: an If branch, a Loop or Scan body. */
  graph: (value: OnnxGraphBuilder): AttributeValue => ({ kind: 'graph', value }),
};

/** A declared dimension: a size or a symbolic name such as "batch". */
export type ShapeDim = number | string;

export type InitializerData = Float32Array | Int32Array | BigInt64Array;

export interface NodeOptions {
  attributes?: Record<string, AttributeValue>;
  /** Output names; defaults to one generated name. A number asks for that many generated names. */
  outputs?: readonly string[] | number;
  name?: string;
  /** Operator domain, e.g. "com.microsoft"; the default ONNX domain when absent. */
  domain?: string;
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
  /** Opset versions of the other domains the nodes use; "com.microsoft" defaults to 1. */
  domainOpsets?: Record<string, number>;
}

export const DEFAULT_OPSET = 17;
const DEFAULT_DOMAIN_OPSETS: Readonly<Record<string, number>> = { 'com.microsoft': 1 };
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
    case 'graph':
      return { name, type: ATTRIBUTE_TYPE.GRAPH, g: value.value.toGraph() };
  }
}

/** Without a shape, the value has an unknown rank (allowed for subgraph outputs). */
function valueInfo(name: string, type: ElementType, shape?: readonly ShapeDim[]): ValueInfo {
  const dim = shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return {
    name,
    type: { tensorType: { elemType: elementTypeCode(type), ...(dim ? { shape: { dim } } : {}) } },
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
  private readonly children: OnnxGraphBuilder[] = [];
  private generated = 0;

  /** `parent` is the enclosing graph of a subgraph, whose values the subgraph's nodes may read. */
  constructor(
    readonly graphName: string,
    private readonly parent?: OnnxGraphBuilder,
  ) {}

  /** Whether `name` is visible here: defined in this graph or in an enclosing one. */
  private defines(name: string): boolean {
    return this.values.has(name) || (this.parent?.defines(name) ?? false);
  }

  private declare(name: string): string {
    if (!name) throw new RangeError('value names must not be empty');
    // ONNX forbids a subgraph to shadow a name of its enclosing graphs.
    if (this.defines(name)) throw new RangeError(`value "${name}" is already defined`);
    this.values.add(name);
    return name;
  }

  /** A graph nested in this one (pass it with attr.graph); its nodes may use this graph's values. */
  subgraph(name: string): OnnxGraphBuilder {
    const child = new OnnxGraphBuilder(name, this);
    this.children.push(child);
    return child;
  }

  /** Non-default domains used by the nodes of this graph and of its subgraphs. */
  private domains(): Set<string> {
    const own = this.nodes.map((n) => n.domain ?? '').filter((d) => d !== '' && d !== 'ai.onnx');
    return new Set([...own, ...this.children.flatMap((c) => [...c.domains()])]);
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
      if (input !== '' && !this.defines(input))
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
      name: options.name ?? `${this.parent ? `${this.graphName}_` : ''}${opType}_${index}`,
      opType,
      ...(options.domain ? { domain: options.domain } : {}),
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
    while (this.defines(name));
    return name;
  }

  /** A graph output; a subgraph may leave the shape out (unknown rank) and may output an enclosing value. */
  output(name: string, type: ElementType, shape?: readonly ShapeDim[]): void {
    if (!this.defines(name)) throw new RangeError(`output "${name}" is not produced by the graph`);
    if (!shape && !this.parent) throw new RangeError(`output "${name}" of the main graph needs a shape`);
    this.outputs.push(valueInfo(name, type, shape));
  }

  toGraph(): Graph {
    if (this.outputs.length === 0) throw new RangeError(`graph "${this.graphName}" declares no outputs`);
    return {
      name: this.graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }

  private opsetImports(options: ModelOptions): { domain: string; version: number }[] {
    const versions = { ...DEFAULT_DOMAIN_OPSETS, ...options.domainOpsets };
    const others = [...this.domains()].sort().map((domain) => {
      const version = versions[domain];
      if (version === undefined) throw new RangeError(`no opset version given for domain "${domain}"`);
      return { domain, version };
    });
    return [{ domain: '', version: options.opset ?? DEFAULT_OPSET }, ...others];
  }

  toModel(options: ModelOptions = {}): Model {
    if (this.parent) throw new RangeError(`"${this.graphName}" is a subgraph: build the enclosing graph`);
    const graph = this.toGraph();
    return {
      irVersion: options.irVersion ?? DEFAULT_IR_VERSION,
      producerName: options.producerName ?? 'polis',
      producerVersion: options.producerVersion ?? '0.1.0',
      modelVersion: options.modelVersion,
      docString: options.docString,
      opsetImport: this.opsetImports(options),
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph,
    };
  }

  build(options: ModelOptions = {}): Uint8Array {
    return encodeModel(this.toModel(options));
  }
}
