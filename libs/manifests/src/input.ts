import { DEFAULT_SUBJECT_PREFIX } from '@polis/contracts';
import { z } from 'zod';
import {
  dnsLabel,
  modelName,
  siteId,
  sensorKind,
  labelKey,
  labelValue,
  quantity,
  resourcePair,
  nodeRequirement,
  toleration,
  urlWithProtocols,
  SUBJECT_PREFIX,
  IMAGE_REPOSITORY,
  IMAGE_TAG,
  EXTENDED_RESOURCE,
} from './field-schemas';
import { NODE_LABEL_SITE } from './labels';

export const modelWorkloadInputSchema = z
  .object({
    /** Polis's id of this deployment of a model on a site; stable across rollouts of new versions. */
    deploymentId: dnsLabel,
    /** The site the model serves: whose telemetry it reads and on whose subjects it publishes. */
    siteId,
    /**
     * The site whose nodes run the pods; defaults to siteId. A copy running at a central site on behalf of
     * another site serves `siteId` but runs on `runsOnSiteId`.
     */
    runsOnSiteId: siteId.optional(),
    subjectPrefix: z
      .string()
      .regex(SUBJECT_PREFIX, 'must be 1-4 dot-separated tokens of [a-z0-9-]')
      .default(DEFAULT_SUBJECT_PREFIX),
    natsUrl: urlWithProtocols(['nats:', 'tls:']),
    model: z
      .object({
        name: modelName,
        version: labelValue.min(1, 'must not be empty'),
        artifactUrl: urlWithProtocols(['https:', 'http:']),
        artifactSha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters'),
      })
      .strict(),
    /** Kinds of sensor whose telemetry on this site the model reads. */
    sensorKinds: z
      .array(sensorKind)
      .min(1, 'needs at least one sensor kind')
      .max(16)
      .refine((kinds) => new Set(kinds).size === kinds.length, 'must not repeat a sensor kind'),
    runtime: z
      .object({
        image: z
          .string()
          .max(200)
          .regex(IMAGE_REPOSITORY, 'must be an image repository without tag, e.g. "ghcr.io/org/runner"'),
        version: z.string().regex(IMAGE_TAG, 'must be an image tag such as "0.4.1"'),
        pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent'),
        // Unprivileged: the runner is not root, so it cannot bind below 1024.
        httpPort: z.number().int().min(1024).max(65_535).default(8080),
      })
      .strict(),
    replicas: z.number().int().min(0).max(50).default(1),
    batching: z
      .object({
        maxBatchSize: z.number().int().min(1).max(4096).default(32),
        maxWaitMs: z.number().int().min(0).max(60_000).default(20),
      })
      .strict()
      .default({}),
    resources: z
      .object({ cpu: resourcePair('250m', '1'), memory: resourcePair('256Mi', '512Mi') })
      .strict()
      .default({}),
    /** Upper bound of the emptyDir the runner caches the downloaded artifact in. */
    cacheSizeLimit: quantity.default('2Gi'),
    gpu: z
      .object({
        resourceName: z
          .string()
          .regex(EXTENDED_RESOURCE, 'must be an extended resource such as "nvidia.com/gpu"')
          .default('nvidia.com/gpu'),
        count: z.number().int().min(1).max(8),
        /** Required value of the node label polis.city/accelerator, e.g. "nvidia-t4". */
        accelerator: labelValue.min(1).optional(),
        /** K3s registers the "nvidia" RuntimeClass when it finds the NVIDIA container runtime. */
        runtimeClassName: dnsLabel.optional(),
      })
      .strict()
      .optional(),
    placement: z
      .object({
        nodeSelector: z.record(labelKey, labelValue).default({}),
        requiredNodeLabels: z.array(nodeRequirement).max(16).default([]),
        tolerations: z.array(toleration).max(16).default([]),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((input, ctx) => {
    const pinned = input.placement.nodeSelector[NODE_LABEL_SITE];
    const runsOn = input.runsOnSiteId ?? input.siteId;
    if (pinned !== undefined && pinned !== runsOn) {
      const field = input.runsOnSiteId === undefined ? 'siteId' : 'runsOnSiteId';
      ctx.addIssue({
        code: 'custom',
        path: ['placement', 'nodeSelector', NODE_LABEL_SITE],
        message: `"${pinned}" contradicts ${field} "${runsOn}"`,
      });
    }
  })
  .transform((input) => ({ ...input, runsOnSiteId: input.runsOnSiteId ?? input.siteId }));

/** What callers pass (defaults may be left out). */
export type ModelWorkloadInput = z.input<typeof modelWorkloadInputSchema>;
/** The validated input with every default filled in: what the renderers read. */
export type ModelWorkloadSpec = z.output<typeof modelWorkloadInputSchema>;

export interface InputIssue {
  /** Dotted path of the offending field, e.g. `model.artifactSha256` or `placement.tolerations.0.value`. */
  path: string;
  message: string;
}

export class ManifestInputError extends Error {
  override readonly name = 'ManifestInputError';
  constructor(readonly issues: readonly InputIssue[]) {
    super(`invalid model workload: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`);
  }
}

export function parseModelWorkloadInput(input: unknown): ModelWorkloadSpec {
  const parsed = modelWorkloadInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ManifestInputError(
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}
