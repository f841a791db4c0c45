import { z } from 'zod';
import { apiSchema, type SameType } from '../common';
import { createDeploymentSchema, historyEntrySchema, replaceDeploymentSchema } from './deployment.schema';
import type { RolloutState } from './rollout';
import { DEPLOYMENT_STATES, type DeploymentState, type SiteDeploymentStatus } from './status';
import type { DeploymentStatusView } from './status-board';

/** Request and response schemas of /deployments, as the OpenAPI document names them. */
export const createDeploymentBody = apiSchema('CreateDeployment', createDeploymentSchema);
export const replaceDeploymentBody = apiSchema('ReplaceDeployment', replaceDeploymentSchema);

const state = z.enum(DEPLOYMENT_STATES as [DeploymentState, ...DeploymentState[]]);

export const deploymentView = apiSchema(
  'Deployment',
  createDeploymentSchema.strip().extend({
    revision: z.number().int().min(1).describe('KV revision: the ETag, and what If-Match takes'),
    history: z.array(historyEntrySchema.strip()).describe('rolled-back versions, oldest first'),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
    status: z.object({ state, reason: z.string().optional() }),
  }),
);

/** What GET, POST and PUT answer for one deployment. */
export type DeploymentView = z.infer<typeof deploymentView>;

export const deploymentList = apiSchema('DeploymentList', z.object({ items: z.array(deploymentView) }));

export const rolloutStateSchema = apiSchema(
  'RolloutState',
  z.object({
    fromVersion: z.string().nullable().describe('what ran before; null for a new deployment'),
    toVersion: z.string(),
    phase: z.enum(['complete', 'canary', 'rolling', 'paused', 'rolled-back', 'failed']),
    resumeTo: z.enum(['canary', 'rolling']).optional().describe('where resume goes back to'),
    canarySites: z.array(z.string()),
    updated: z.array(z.string()).describe('target sites switched to toVersion, in order'),
    switchedAt: z.record(z.number()).describe('when each updated site was switched (epoch ms)'),
    failedSites: z.array(z.string()).describe('sites that missed their deadline (failFast false)'),
    canaryReadyAt: z.number().optional(),
    readySince: z
      .record(z.number())
      .optional()
      .describe('rolling: when the site switched last became Ready (epoch ms)'),
    startedAt: z.number(),
    reason: z.string().optional(),
    cause: z
      .enum(['slo-breach', 'not-ready', 'operator'])
      .optional()
      .describe('why it rolled back or stopped'),
    breach: z
      .object({ siteId: z.string(), reason: z.string() })
      .optional()
      .describe('the SLO breach that rolled it back, when heartbeats did'),
  }),
);

const siteStatus = z.object({
  siteId: z.string(),
  state,
  reason: z.string().optional(),
  since: z.string().datetime().optional().describe('when what reason describes was first seen'),
  replicas: z.object({
    desired: z.number().int(),
    placed: z.number().int(),
    ready: z.number().int().describe('replicas seen Ready'),
    unknown: z.number().int().describe('replicas on sites that cannot be observed'),
    offloaded: z.number().int(),
    unplaced: z.number().int(),
  }),
  runningOn: z.array(
    z.object({
      siteId: z.string(),
      version: z.string(),
      replicas: z.number().int(),
      readyReplicas: z.number().int().nullable().describe('null when the site cannot be observed'),
      observed: z.boolean().describe('false while the site it runs on cannot be observed'),
      offloaded: z.boolean(),
      draining: z.boolean(),
    }),
  ),
});

export const deploymentStatusSchema = apiSchema(
  'DeploymentStatus',
  z.object({
    deploymentId: z.string(),
    revision: z.number().int().describe('the revision of the desired state this status was derived for'),
    version: z.string(),
    observedAt: z.string().datetime(),
    state,
    reason: z.string().optional(),
    sites: z.array(siteStatus),
    rollout: rolloutStateSchema.optional(),
  }),
);

// The schemas above describe what the handlers return: these fail the type check when they drift apart.
const rolloutInSync: SameType<z.infer<typeof rolloutStateSchema>, RolloutState> = true;
const siteStatusInSync: SameType<z.infer<typeof siteStatus>, SiteDeploymentStatus> = true;
const statusInSync: SameType<
  Omit<z.infer<typeof deploymentStatusSchema>, 'rollout'>,
  Omit<DeploymentStatusView, 'rollout'>
> = true;
void [rolloutInSync, siteStatusInSync, statusInSync];
