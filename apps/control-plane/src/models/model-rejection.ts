import type { ValidatorRejection } from '../../../model-validator/src/protocol';

/**
 * Why an upload was refused, beyond plain bad input (PolisError 'invalid-input'): the body itself is too large,
 * of the wrong type, or not a model Polis can run. The reason is the machine-readable `error` of the response.
 */
export type ModelRejectionReason =
  | ValidatorRejection
  | 'too-large'
  | 'unsupported-media-type'
  | 'upload-interrupted'
  | 'validator-timeout'
  | 'validator-crashed'
  | 'metadata-mismatch';

export class ModelRejection extends Error {
  override readonly name = 'ModelRejection';

  constructor(
    readonly reason: ModelRejectionReason,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function rejectionStatus(reason: ModelRejectionReason): number {
  switch (reason) {
    case 'too-large':
      return 413;
    case 'unsupported-media-type':
      return 415;
    case 'upload-interrupted':
      return 400;
    case 'not-onnx':
    case 'truncated':
    case 'empty-graph':
    case 'external-data':
    case 'unsupported-opset':
    case 'unsupported-operator':
    case 'unfeedable-shape':
    case 'session-failed':
    case 'inference-failed':
    case 'sample-mismatch':
    case 'validator-timeout':
    case 'validator-crashed':
    case 'metadata-mismatch':
      return 422;
  }
}
