/**
 * Plain-object views of the ONNX messages, as protobufjs produces them with `longs: Number`. Every field is
 * optional because proto2 readers must tolerate absent fields; the inspector decides what is required.
 */
export interface StringStringEntry {
  key?: string;
  value?: string;
}

export interface OperatorSetId {
  domain?: string;
  version?: number;
}

export interface Dimension {
  dimValue?: number;
  dimParam?: string;
}

export interface TensorShape {
  dim?: Dimension[];
}

export interface TensorTypeInfo {
  elemType?: number;
  shape?: TensorShape;
}

export interface TypeInfo {
  tensorType?: TensorTypeInfo;
  sequenceType?: unknown;
  mapType?: unknown;
  optionalType?: unknown;
  sparseTensorType?: unknown;
}

export interface ValueInfo {
  name?: string;
  type?: TypeInfo;
  docString?: string;
}

export const DATA_LOCATION_EXTERNAL = 1;

export interface Tensor {
  name?: string;
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  uint64Data?: number[];
  stringData?: Uint8Array[];
  rawData?: Uint8Array;
  externalData?: StringStringEntry[];
  dataLocation?: number;
  docString?: string;
}

/** AttributeProto.AttributeType values used by the builder and the shape rules. */
export const ATTRIBUTE_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  GRAPHS: 10,
} as const;

export interface Attribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Tensor;
  /** A subgraph: the branches of If, the bodies of Loop and Scan. */
  g?: Graph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  graphs?: Graph[];
}

export interface Node {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: Attribute[];
  docString?: string;
}

export interface Graph {
  node?: Node[];
  name?: string;
  initializer?: Tensor[];
  docString?: string;
  input?: ValueInfo[];
  output?: ValueInfo[];
  valueInfo?: ValueInfo[];
}

export interface Model {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: Graph;
  opsetImport?: OperatorSetId[];
  metadataProps?: StringStringEntry[];
}
