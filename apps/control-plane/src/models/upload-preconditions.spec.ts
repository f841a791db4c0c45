import { ModelRejection } from './model-rejection';
import { checkUploadPreconditions } from './upload-preconditions';

const request = (headers: Record<string, string>, readableEnded = false) => ({ headers, readableEnded });

function reasonOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelRejection) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe(checkUploadPreconditions.name, () => {
  it('accepts raw bytes within the limit, with or without a declared length', () => {
    expect(
      reasonOf(() => checkUploadPreconditions(request({ 'content-type': 'application/octet-stream' }), 10)),
    ).toBe('accepted');
    const declared = request({ 'content-type': 'Application/Octet-Stream; x=1', 'content-length': '10' });
    expect(reasonOf(() => checkUploadPreconditions(declared, 10))).toBe('accepted');
  });

  it('refuses other content types, naming the one expected', () => {
    expect(
      reasonOf(() => checkUploadPreconditions(request({ 'content-type': 'application/json' }), 10)),
    ).toBe('unsupported-media-type');
    expect(() => checkUploadPreconditions(request({}), 10)).toThrow(
      /Content-Type: application\/octet-stream \(got none\)/,
    );
  });

  it('refuses a declared length over the limit before reading anything', () => {
    const big = request({ 'content-type': 'application/octet-stream', 'content-length': '11' });
    expect(reasonOf(() => checkUploadPreconditions(big, 10))).toBe('too-large');
  });

  it('fails loudly when a body parser already drained the stream', () => {
    const drained = request({ 'content-type': 'application/octet-stream' }, true);
    expect(() => checkUploadPreconditions(drained, 10)).toThrow(/consumed before/);
  });
});
