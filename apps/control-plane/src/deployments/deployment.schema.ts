import { z } from 'zod';
import { SEMVER_PATTERN, SITE_KINDS } from '@polis/contracts';
import {
  DNS1035_LABEL,
  EXTENDED_RESOURCE,
  NODE_LABEL_SITE,
  isDns1123Label,
  labelKeySchema,
  labelValueSchema,
  tolerationSchema,
} from '@polis/manifests';

/** Kubernetes label values and keys: zones and site labels are both. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * A deployment id names its objects on every site (`<model>-<id>`) and is a label value. `--` is kept for
 * the copies Polis runs at a central site on behalf of another site (`<id>--<target site>`), so no
 * deployment id can collide with a copy of another. 40 characters leave room for the model name.
 */
export const deploymentIdSchema = z
  .string()
  .max(40, 'must be at most 40 characters')
  .refine(isDns1123Label, 'must be a DNS-1123 label (lowercase letters, digits and "-")')
  .refine((id) => !id.includes('--'), 'must not contain "--" (reserved for central copies)');

const siteId = z.string().refine(isDns1123Label, 'site ids are DNS-1123 labels');
const labelValue = z.string().max(63).regex(LABEL_VALUE, 'must be a Kubernetes label value');

export const targetsSchema = z
  .object({
    ids: z.array(siteId).min(1).max(1000).optional(),
    kinds: z.array(z.enum(SITE_KINDS)).min(1).optional(),
    zones: z.array(labelValue).min(1).max(100).optional(),
    labels: z.record(z.string().max(253).regex(LABEL_KEY, 'must be a label key'), labelValue).optional(),
  })
  .strict()
  .refine((t) => Object.values(t).some((v) => v !== undefined), {
    message: 'name at least one of ids, kinds, zones or labels',
  });

/**
 * The runner drives one kind of device, which the manifests request as one extended resource. Counts stop
 * at 8, the most GPUs a node commonly has.
 */
const acceleratorsSchema = z
  .record(
    z.string().max(253).regex(EXTENDED_RESOURCE, 'must be an extended resource such as "nvidia.com/gpu"'),
    z.number().int().min(1).max(8),
  )
  .refine((devices) => Object.keys(devices).length <= 1, 'at most one kind of accelerator')
  .refine((devices) => Object.keys(devices).length >= 1, 'name an accelerator, or leave the field out');

/** How the new version's heartbeats are judged while it rolls out, whatever the strategy. */
const sloFields = {
  /** Share of failed inferences (over what the heartbeats report) that rolls the rollout back. */
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  /** Inferences a site's heartbeats must cover before its error rate is judged. */
  minInferences: z.number().int().min(1).max(1_000_000).default(20),
  /** Stop at the first site that does not become Ready in time (instead of going on without it). */
  failFast: z.boolean().default(true),
};

const rolling = z
  .object({
    strategy: z.literal('rolling'),
    /** How long each site must run the new version Ready and within its SLO before the next one switches. */
    analysisMs: z.number().int().min(0).max(86_400_000).default(30_000),
    ...sloFields,
  })
  .strict();

const canary = z
  .object({
    strategy: z.literal('canary'),
    /** Share of the target sites that run the new version first (at least one site). */
    canaryPercent: z.number().int().min(1).max(100).default(10),
    /** How long the canary sites must run the new version within its SLO before the others follow. */
    analysisMs: z.number().int().min(0).max(86_400_000).default(60_000),
    ...sloFields,
  })
  .strict();

export const rolloutSchema = z.discriminatedUnion('strategy', [rolling, canary]);

const fields = {
  model: z
    .object({
      name: z.string().max(63).regex(DNS1035_LABEL, 'must be a model name'),
      version: z.string().regex(SEMVER_PATTERN, 'must be a semantic version'),
    })
    .strict(),
  targets: targetsSchema,
  replicasPerSite: z.number().int().min(1).max(50).default(1),
  /** Per replica; defaults to what the model's metadata declares. */
  resources: z
    .object({
      cpuMillicores: z.number().int().min(1).max(256_000),
      memoryBytes: z
        .number()
        .int()
        .min(1)
        .max(2 ** 40),
      /** Devices per replica, e.g. `{ "nvidia.com/gpu": 1 }`; replace the model metadata's accelerator. */
      accelerators: acceleratorsSchema.optional(),
    })
    .strict()
    .optional(),
  /** Node labels every replica's node must carry (placement and the pods' nodeSelector). */
  nodeSelector: z
    .record(labelKeySchema, labelValueSchema)
    .refine((selector) => Object.keys(selector).length <= 16, 'at most 16 labels')
    .refine(
      (selector) => !(NODE_LABEL_SITE in selector),
      `${NODE_LABEL_SITE} is set by Polis (use targets to choose sites)`,
    )
    .optional(),
  /** Taints the replicas tolerate; the taint of each requested accelerator is tolerated anyway. */
  tolerations: z.array(tolerationSchema).max(16).optional(),
  /** End-to-end budget; defaults to the model's metadata. */
  latencySloMs: z.number().positive().max(600_000).optional(),
  priority: z.number().int().min(0).max(1000).default(0),
  policy: z.enum(['edge-only', 'edge-preferred', 'central']).default('edge-preferred'),
  rollout: rolloutSchema.default({ strategy: 'rolling' }),
};

/** Body of POST /deployments. */
export const createDeploymentSchema = z.object({ id: deploymentIdSchema, ...fields }).strict();
/** Body of PUT /deployments/:id: every field again (the id may be repeated). */
export const replaceDeploymentSchema = z.object({ id: deploymentIdSchema.optional(), ...fields }).strict();

export type DeploymentSpecBody = z.infer<typeof createDeploymentSchema>;
export type RolloutPolicy = z.infer<typeof rolloutSchema>;
export type DeploymentToleration = z.infer<typeof tolerationSchema>;

/** Entries of a deployment's history kept: the most recent ones. */
export const MAX_HISTORY = 20;

/**
 * A version that was rolled back, and why: the desired state then names the version that runs again, and
 * this entry keeps the failed one. `rolloutStartedAt` identifies the rollout, so recording it is idempotent.
 */
export const historyEntrySchema = z
  .object({
    at: z.string(),
    outcome: z.literal('rolled-back'),
    version: z.string(),
    rolledBackTo: z.string(),
    cause: z.enum(['slo-breach', 'not-ready', 'operator']),
    reason: z.string(),
    /** The site whose runners breached the SLO, when heartbeats were the cause. */
    siteId: z.string().optional(),
    rolloutStartedAt: z.number(),
  })
  .strict();
export type DeploymentHistoryEntry = z.infer<typeof historyEntrySchema>;

/** What the bucket stores per deployment. */
export const storedDeploymentSchema = z
  .object({
    spec: createDeploymentSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    history: z.array(historyEntrySchema).max(MAX_HISTORY).default([]),
  })
  .strict();
export type StoredDeployment = z.infer<typeof storedDeploymentSchema>;

export interface DeploymentRecord {
  spec: DeploymentSpecBody;
  /** Rolled-back versions, oldest first. */
  history: DeploymentHistoryEntry[];
  /** JetStream KV revision of the record: the ETag / If-Match value. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}
