import { z } from 'zod';
import { apiSchema, type SameType } from '../common';
import { patchSiteSchema, registerSiteSchema, replaceSiteSchema, siteIdSchema } from './site.schema';
import type { SiteStatus } from './site-status';
import { ZONE_LABELS, type SiteWarning } from './site-zone';

/** Request and response schemas of /sites, as the OpenAPI document names them. */
export const registerSiteBody = apiSchema('RegisterSite', registerSiteSchema);
export const replaceSiteBody = apiSchema('ReplaceSite', replaceSiteSchema);
export const patchSiteBody = apiSchema('PatchSite', patchSiteSchema);

export const siteIdParam = siteIdSchema.describe('site id: a DNS-1123 label');

const resourceAmounts = z.object({
  cpuMillicores: z.number(),
  memoryBytes: z.number(),
  pods: z.number(),
  accelerators: z.record(z.number()).describe('extended resources such as nvidia.com/gpu, by name'),
});

export const siteStatusSchema = apiSchema(
  'SiteStatus',
  z.object({
    state: z.enum(['pending', 'ready', 'degraded', 'unreachable', 'credentials-rejected', 'error']),
    reason: z.string().optional().describe('why the site is not ready; absent when it is'),
    checkedAt: z.string().datetime().optional(),
    lastSeenAt: z.string().datetime().optional().describe('last time the cluster answered'),
    kubernetesVersion: z.string().optional(),
    nodes: z.object({ total: z.number().int(), ready: z.number().int() }),
    capacity: z
      .object({
        nodes: z.number().int(),
        readyNodes: z.number().int(),
        allocatable: resourceAmounts,
        requested: resourceAmounts,
      })
      .optional()
      .describe('from the last successful check; kept while the site is unreachable'),
    inventory: z
      .array(
        z.object({
          name: z.string(),
          ready: z.boolean(),
          schedulable: z.boolean().describe('false when cordoned'),
          architecture: z.string(),
          labels: z.record(z.string()),
          taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string() })),
          allocatable: resourceAmounts,
          requested: resourceAmounts,
        }),
      )
      .optional(),
  }),
);

/** A site as the API returns it: its description (never its kubeconfig), revision and status. */
export const siteView = apiSchema(
  'Site',
  registerSiteSchema
    .omit({ kubeconfig: true })
    .strip()
    .extend({
      revision: z.number().int().min(1).describe('KV revision: the ETag, and what If-Match takes'),
      createdAt: z.string().datetime(),
      updatedAt: z.string().datetime(),
      status: siteStatusSchema,
    }),
);
export type SiteView = z.infer<typeof siteView>;

const siteWarning = z.object({
  code: z.literal('zone-mismatch'),
  message: z.string(),
  nodes: z
    .array(z.object({ name: z.string(), label: z.enum(ZONE_LABELS), zone: z.string() }))
    .describe('the nodes that disagree, with the label that says so'),
});

/** What a write (POST, PUT, PATCH) answers: the site, and what looked wrong about its cluster. */
export const writtenSiteView = apiSchema(
  'WrittenSite',
  siteView.extend({
    warnings: z
      .array(siteWarning)
      .describe('e.g. nodes whose zone label disagrees with the site; often empty'),
  }),
);
export type WrittenSiteView = z.infer<typeof writtenSiteView>;

export const siteList = apiSchema('SiteList', z.object({ items: z.array(siteView) }));

const inSync: [
  SameType<z.infer<typeof siteStatusSchema>, SiteStatus>,
  SameType<z.infer<typeof siteWarning>, SiteWarning>,
] = [true, true];
void inSync;
