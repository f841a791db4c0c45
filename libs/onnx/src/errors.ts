export const ONNX_MODEL_ERROR_CODES = [
  'not-onnx',
  'truncated',
  'empty-graph',
  'external-data',
  'unsupported-opset',
  'unsupported-operator',
  'unfeedable-shape',
] as const;
export type OnnxModelErrorCode = (typeof ONNX_MODEL_ERROR_CODES)[number];

/** Why a model cannot be registered; `code` is stable for API responses, `message` is for humans. */
export class OnnxModelError extends Error {
  override readonly name = 'OnnxModelError';

  constructor(
    readonly code: OnnxModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
