import { modelMetadataSchema, SHA256_PATTERN, type ModelVersionRecord } from '@polis/contracts';
import { z } from 'zod';

/** The fields of a registry record the runtime relies on, checked before anything trusts them. */
const recordSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    sha256: z.string().regex(SHA256_PATTERN),
    sizeBytes: z.number().int().nonnegative(),
    createdAt: z.string(),
    metadata: modelMetadataSchema,
  })
  .passthrough();

export class ModelRecordError extends Error {
  override readonly name = 'ModelRecordError';
}

export function parseModelRecord(json: string, where: string): ModelVersionRecord {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ModelRecordError(`${where}: not JSON`);
  }
  const result = recordSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ModelRecordError(`${where}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data as unknown as ModelVersionRecord;
}
