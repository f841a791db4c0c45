/**
 * What the edge runtime (onnxruntime CPU execution provider) is trusted to run. A model outside this policy is
 * rejected at registration rather than failing on a site at load time.
 */
export interface OnnxSupportPolicy {
  /** Default-domain ("" or "ai.onnx") opset versions accepted, inclusive. */
  minOpset: number;
  maxOpset: number;
  /** Default-domain operators accepted. */
  operators: ReadonlySet<string>;
  /** Whether tensors stored outside the model file are accepted (Polis ships one file per model). */
  allowExternalData: boolean;
}

/** Common default-domain operators with onnxruntime CPU kernels. */
export const ORT_CPU_COMMON_OPERATORS: ReadonlySet<string> = new Set([
  'Abs',
  'Add',
  'And',
  'ArgMax',
  'ArgMin',
  'AveragePool',
  'BatchNormalization',
  'Cast',
  'Ceil',
  'Clip',
  'Concat',
  'Constant',
  'ConstantOfShape',
  'Conv',
  'ConvTranspose',
  'Cos',
  'CumSum',
  'Div',
  'Dropout',
  'Einsum',
  'Elu',
  'Equal',
  'Erf',
  'Exp',
  'Expand',
  'Flatten',
  'Floor',
  'GRU',
  'Gather',
  'GatherElements',
  'Gemm',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Greater',
  'GreaterOrEqual',
  'HardSigmoid',
  'Identity',
  'InstanceNormalization',
  'LSTM',
  'LayerNormalization',
  'LeakyRelu',
  'Less',
  'LessOrEqual',
  'Log',
  'LogSoftmax',
  'MatMul',
  'Max',
  'MaxPool',
  'Mean',
  'Min',
  'Mul',
  'Neg',
  'Not',
  'Or',
  'Pad',
  'Pow',
  'PRelu',
  'RNN',
  'Range',
  'Reciprocal',
  'ReduceL2',
  'ReduceMax',
  'ReduceMean',
  'ReduceMin',
  'ReduceSum',
  'Relu',
  'Reshape',
  'Resize',
  'Round',
  'Selu',
  'Shape',
  'Sigmoid',
  'Sign',
  'Sin',
  'Slice',
  'Softmax',
  'Softplus',
  'Split',
  'Sqrt',
  'Squeeze',
  'Sub',
  'Sum',
  'Tanh',
  'Tile',
  'TopK',
  'Transpose',
  'Unsqueeze',
  'Where',
  'Xor',
]);

export const DEFAULT_ONNX_SUPPORT: OnnxSupportPolicy = {
  minOpset: 7,
  maxOpset: 21,
  operators: ORT_CPU_COMMON_OPERATORS,
  allowExternalData: false,
};

/** The default ONNX domain is spelled "" or "ai.onnx". */
export function isDefaultDomain(domain: string | undefined): boolean {
  return domain === undefined || domain === '' || domain === 'ai.onnx';
}
