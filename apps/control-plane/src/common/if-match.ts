import { PolisError } from './errors';

/** The KV revision a conditional write is based on, from `If-Match: "3"` (weak or strong, quoted or not). */
export function revisionFromIfMatch(ifMatch: string | undefined): number {
  const revision = Number((ifMatch ?? '').replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isSafeInteger(revision) || revision < 1) {
    throw new PolisError(
      'invalid-input',
      'If-Match must carry the revision read from GET, e.g. If-Match: "3"',
    );
  }
  return revision;
}
