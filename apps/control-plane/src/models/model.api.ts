import { z } from 'zod';
import { modelMetadataSchema, type ModelVersionRecord } from '@polis/contracts';
import { apiSchema, type SameType } from '../common';
import type { ModelSummary, VersionSummary } from './model-listing';

/** Request and response schemas of /models, as the OpenAPI document names them. */
export const modelMetadata = apiSchema('ModelMetadata', modelMetadataSchema);

const smokeTest = z.object({
  sessionCreated: z.literal(true),
  inferenceOk: z.boolean(),
  warning: z.string().optional(),
  latencyMs: z.number(),
});
const deprecation = z.object({ at: z.string().datetime(), reason: z.string() });
const quarantine = z
  .object({
    at: z.string().datetime(),
    reason: z.string(),
    deploymentId: z.string().optional(),
    siteId: z.string().optional(),
  })
  .describe('the version failed at runtime (a rollout rolled it back): not offered as the latest');

export const modelVersion = apiSchema(
  'ModelVersion',
  z.object({
    name: z.string(),
    version: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int(),
    createdAt: z.string().datetime(),
    metadata: modelMetadata,
    insight: z
      .object({})
      .passthrough()
      .describe('what parsing the ONNX graph found: opsets, ports, operators, FLOPs, memory'),
    smokeTest: smokeTest.describe('loading it in onnxruntime in an isolated process and one inference'),
    deprecated: deprecation.optional(),
    quarantined: quarantine.optional(),
  }),
);

const modelSummary = z.object({
  name: z.string(),
  latestVersion: z
    .string()
    .nullable()
    .describe('highest release neither deprecated nor quarantined; null when there is none'),
  task: modelMetadataSchema.shape.task,
  versions: z.number().int(),
  deprecatedVersions: z.number().int(),
  quarantinedVersions: z.number().int(),
  updatedAt: z.string().datetime(),
});
export const modelList = apiSchema('ModelList', z.object({ items: z.array(modelSummary) }));

const versionSummary = z.object({
  version: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  createdAt: z.string().datetime(),
  smokeTest,
  deprecated: deprecation.optional(),
  quarantined: quarantine.optional(),
});
export const modelVersionList = apiSchema(
  'ModelVersionList',
  z.object({ name: z.string(), items: z.array(versionSummary).describe('newest first') }),
);

export const deprecationBody = apiSchema(
  'DeprecateModelVersion',
  z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
);

const inSync: [
  // The record types insight as unknown; the API documents it as an object (what the inspector returns).
  SameType<Omit<z.infer<typeof modelVersion>, 'insight'>, Omit<ModelVersionRecord, 'insight'>>,
  SameType<z.infer<typeof modelSummary>, ModelSummary>,
  SameType<z.infer<typeof versionSummary>, VersionSummary>,
] = [true, true, true];
void inSync;
