import type { IncomingHttpHeaders } from 'node:http';
import { ModelRejection } from './model-rejection';

export const MODEL_CONTENT_TYPE = 'application/octet-stream';

export interface UploadRequestView {
  headers: IncomingHttpHeaders;
  /** True when something (a body parser) already read the body: the stream would then be empty. */
  readableEnded: boolean;
}

/**
 * What can be refused before reading a byte of the body: the wrong content type (only raw bytes are
 * streamed; JSON and form bodies would be buffered by the global parsers) and a declared length over the limit.
 */
export function checkUploadPreconditions(request: UploadRequestView, maxBytes: number): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== MODEL_CONTENT_TYPE) {
    throw new ModelRejection(
      'unsupported-media-type',
      `send the ONNX file as the raw body with Content-Type: ${MODEL_CONTENT_TYPE} (got ${type || 'none'})`,
    );
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ModelRejection(
      'too-large',
      `the model is larger than the limit of ${maxBytes} bytes (Content-Length: ${declared})`,
    );
  }
  if (request.readableEnded) {
    throw new Error(
      `the ${MODEL_CONTENT_TYPE} body was consumed before the models controller could stream it`,
    );
  }
}
