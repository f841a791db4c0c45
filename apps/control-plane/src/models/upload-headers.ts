import type { ZodType, ZodTypeDef } from 'zod';
import { type ModelMetadata, modelMetadataSchema } from '@polis/contracts';
import { PolisError } from '../common';
import { type SampleInput, sampleInputSchema } from '../../../model-validator/src/protocol';

export const METADATA_HEADER = 'x-polis-model-metadata';
export const SAMPLE_HEADER = 'x-polis-sample-input';

/**
 * Header values are JSON, either as is (when it starts with "{") or base64url-encoded (base64 is accepted
 * too), because JSON with non-ASCII descriptions cannot travel in an HTTP header verbatim.
 */
export function decodeJsonHeader(value: string, field: string): unknown {
  const trimmed = value.trim();
  const text = trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64url').toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PolisError('invalid-input', `${field}: must be JSON or base64url-encoded JSON`, [
      { path: field, message: 'not JSON' },
    ]);
  }
}

function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({
    path: [field, ...i.path].join('.'),
    message: i.message,
  }));
  throw new PolisError('invalid-input', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

export function parseMetadataHeader(value: string | undefined): ModelMetadata {
  if (value === undefined || value.trim() === '') {
    throw new PolisError(
      'invalid-input',
      `metadata: required in the ${METADATA_HEADER} header (JSON or base64url-encoded JSON)`,
      [{ path: 'metadata', message: 'required' }],
    );
  }
  return parseWith(modelMetadataSchema, decodeJsonHeader(value, 'metadata'), 'metadata');
}

export function parseSampleHeader(value: string | undefined): SampleInput | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return parseWith(sampleInputSchema, decodeJsonHeader(value, 'sample'), 'sample');
}

/** Encodes a JSON header value the way clients should: base64url, safe for any content. */
export function encodeJsonHeader(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
