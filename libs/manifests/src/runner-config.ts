import { createHash } from 'node:crypto';
import type { ModelWorkloadSpec } from './input';

/** Where the runner keeps the downloaded artifact: an emptyDir, the only writable path besides /tmp. */
export const MODEL_CACHE_DIR = '/var/cache/polis/models';

/** Environment contract of the model runner image: each key is a ConfigMap key and an env variable. */
export const RUNNER_ENV = {
  deploymentId: 'POLIS_DEPLOYMENT_ID',
  siteId: 'POLIS_SITE_ID',
  modelName: 'POLIS_MODEL_NAME',
  modelVersion: 'POLIS_MODEL_VERSION',
  artifactUrl: 'POLIS_MODEL_ARTIFACT_URL',
  artifactSha256: 'POLIS_MODEL_ARTIFACT_SHA256',
  cacheDir: 'POLIS_MODEL_CACHE_DIR',
  natsUrl: 'POLIS_NATS_URL',
  /** Root of every subject and bucket name (heartbeats, control, model records) the runner uses. */
  subjectPrefix: 'POLIS_SUBJECT_PREFIX',
  natsQueueGroup: 'POLIS_NATS_QUEUE_GROUP',
  subscribeSubjects: 'POLIS_SUBSCRIBE_SUBJECTS',
  publishSubject: 'POLIS_PUBLISH_SUBJECT',
  batchMaxSize: 'POLIS_BATCH_MAX_SIZE',
  batchMaxWaitMs: 'POLIS_BATCH_MAX_WAIT_MS',
  httpPort: 'POLIS_HTTP_PORT',
} as const;

export type RunnerConfig = Record<(typeof RUNNER_ENV)[keyof typeof RUNNER_ENV], string>;

/** `<prefix>.telemetry.<siteId>.<sensorKind>.*`: every sensor of each kind the model reads, on its own site. */
export function subscribeSubjects(spec: ModelWorkloadSpec): string[] {
  return spec.sensorKinds.map((kind) => `${spec.subjectPrefix}.telemetry.${spec.siteId}.${kind}.*`);
}

export function publishSubject(spec: ModelWorkloadSpec): string {
  return `${spec.subjectPrefix}.inference.${spec.siteId}.${spec.model.name}`;
}

export function runnerConfig(spec: ModelWorkloadSpec): RunnerConfig {
  return {
    [RUNNER_ENV.deploymentId]: spec.deploymentId,
    [RUNNER_ENV.siteId]: spec.siteId,
    [RUNNER_ENV.modelName]: spec.model.name,
    [RUNNER_ENV.modelVersion]: spec.model.version,
    [RUNNER_ENV.artifactUrl]: spec.model.artifactUrl,
    [RUNNER_ENV.artifactSha256]: spec.model.artifactSha256,
    [RUNNER_ENV.cacheDir]: MODEL_CACHE_DIR,
    [RUNNER_ENV.natsUrl]: spec.natsUrl,
    [RUNNER_ENV.subjectPrefix]: spec.subjectPrefix,
    // Replicas share the work: without a queue group each replica would infer on every message.
    [RUNNER_ENV.natsQueueGroup]: `runner-${spec.deploymentId}`,
    [RUNNER_ENV.subscribeSubjects]: subscribeSubjects(spec).join(','),
    [RUNNER_ENV.publishSubject]: publishSubject(spec),
    [RUNNER_ENV.batchMaxSize]: String(spec.batching.maxBatchSize),
    [RUNNER_ENV.batchMaxWaitMs]: String(spec.batching.maxWaitMs),
    [RUNNER_ENV.httpPort]: String(spec.runtime.httpPort),
  };
}

/**
 * sha256 of the ConfigMap data, independent of key order. Put on the pod template, it makes a config
 * change a template change, so the Deployment rolls its pods (env from a ConfigMap is read only at start).
 */
export function configHash(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(canonical).digest('hex');
}
