import { z } from 'zod';
import { TOKEN_PATTERN } from './subjects';

/** Semantic version without build metadata ("+..." is not a distinct version and is refused). */
export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export const SITE_KINDS = ['traffic', 'energy', 'safety', 'central'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** Where the registry keeps things in NATS: artifacts in an object store, versions in a key-value bucket. */
export function modelArtifactBucket(prefix: string): string {
  return `${prefix}_model_artifacts`;
}
export function modelVersionBucket(prefix: string): string {
  return `${prefix}_model_versions`;
}
/** Object name of an artifact: its content address. */
export function artifactObjectName(sha256: string): string {
  return `sha256-${sha256}`;
}
/** Model names are tokens (no dots) so `<name>.` prefixes every version key of one model. */
export function modelVersionKey(name: string, version: string): string {
  return `${name}.${version}`;
}

export function inferenceSubject(prefix: string, siteId: string, modelName: string): string {
  return `${prefix}.inference.${siteId}.${modelName}`;
}
export function decisionSubject(prefix: string, siteId: string, modelName: string): string {
  return `${prefix}.decision.${siteId}.${modelName}`;
}
export function heartbeatSubject(prefix: string, siteId: string, instance: string): string {
  return `${prefix}.heartbeat.${siteId}.${instance}`;
}

const portSchema = z
  .object({
    name: z.string().min(1).max(128),
    elementType: z.enum(['float32', 'int64', 'bool']),
    shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1).max(64)])).max(8),
    description: z.string().max(500).default(''),
    columns: z.array(z.string().min(1).max(128)).max(4096).optional(),
    unit: z.string().max(32).optional(),
    labels: z.array(z.string().min(1).max(64)).max(1024).optional(),
  })
  .strict();

/** What operators declare beside an ONNX file: what it is for, what it eats, what it emits, what it needs. */
export const modelMetadataSchema = z
  .object({
    task: z.enum(['forecast', 'classification', 'anomaly-detection', 'regression', 'other']),
    description: z.string().max(2000).default(''),
    siteKinds: z.array(z.enum(SITE_KINDS)).min(1),
    telemetry: z
      .array(
        z
          .object({
            sensorKind: z.string().regex(TOKEN_PATTERN),
            fields: z.array(z.string().min(1).max(64)).min(1).max(64),
            windowLength: z.number().int().min(1).max(10_000),
            intervalSeconds: z.number().positive().max(86_400),
          })
          .strict(),
      )
      .max(16),
    context: z.array(z.string().min(1).max(64)).max(16).default([]),
    inputs: z.array(portSchema).max(64).default([]),
    outputs: z.array(portSchema).max(64).default([]),
    /**
     * What a symbolic dimension of the graph stands for in the ports above, when the ports do not use the
     * graph's own name for it: `{ "sequence": 512 }` fixes it, `{ "N": "batch" }` renames it.
     */
    dimensionBindings: z
      .record(z.string().min(1).max(64), z.union([z.number().int().positive(), z.string().min(1).max(64)]))
      .refine((bindings) => Object.keys(bindings).length <= 64, 'at most 64 bindings')
      .optional(),
    resources: z
      .object({
        cpuMillicores: z.number().int().min(1).max(256_000),
        memoryMiB: z.number().int().min(1).max(1_048_576),
        estimatedFlops: z.number().nonnegative().optional(),
        accelerator: z.string().max(64).optional(),
      })
      .strict(),
    latencySloMs: z.number().positive().max(600_000),
  })
  .strict();
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** One published, immutable model version as the registry stores it. */
export interface ModelVersionRecord {
  name: string;
  version: string;
  sha256: string;
  sizeBytes: number;
  createdAt: string;
  metadata: ModelMetadata;
  /** What parsing the ONNX graph found (opsets, ports, operators, FLOPs, memory). */
  insight: unknown;
  /** Outcome of loading it in onnxruntime in an isolated process and running one inference. */
  smokeTest: { sessionCreated: true; inferenceOk: boolean; warning?: string; latencyMs: number };
  deprecated?: { at: string; reason: string };
  /** The version failed at runtime (a rollout rolled it back on its SLO): not offered as the latest. */
  quarantined?: ModelQuarantine;
}

/** Where and why a version failed at runtime. */
export interface ModelQuarantine {
  at: string;
  reason: string;
  /** The deployment whose rollout found it, and the site whose runners breached. */
  deploymentId?: string;
  siteId?: string;
}

/** Published on the inference subject after each inference. */
export interface InferenceResult {
  ts: number;
  modelVersion: string;
  siteId: string;
  sensorId?: string;
  outputs: Record<string, number[]>;
  latencyMs: number;
}
