import { z } from 'zod';
import { isValidToken, TOKEN_PATTERN, type TelemetryAddress } from './subjects';

/**
 * The edge data plane's contract (docs/edge-data-plane.md): each site runs a NATS leaf node with a
 * JetStream domain of its own, keeps its data in a site stream there, and the hub's streams source from it
 * only what the site's data policy lets leave.
 */

/** `<prefix>.rollup.<site>.<kind>.<sensor>`: one 1-minute aggregate of one sensor, published at its site. */
export function rollupSubject(prefix: string, address: TelemetryAddress): string {
  for (const [name, token] of Object.entries(address) as [string, string][]) {
    if (!isValidToken(token))
      throw new RangeError(`${name} "${token}" does not match ${TOKEN_PATTERN.source}`);
  }
  return `${prefix}.rollup.${address.siteId}.${address.sensorKind}.${address.sensorId}`;
}

/** Every rollup of one site: the filter the hub sources a `rollup` site with. */
export function siteRollupWildcard(prefix: string, siteId: string): string {
  return `${prefix}.rollup.${siteId}.>`;
}

/** Every raw reading of one site: the filter the hub sources a `raw` site with. */
export function siteTelemetryWildcard(prefix: string, siteId: string): string {
  return `${prefix}.telemetry.${siteId}.>`;
}

/** The JetStream domain of a site's leaf node: its id (a token, so no dots). */
export function siteDomain(siteId: string): string {
  if (!isValidToken(siteId))
    throw new RangeError(`siteId "${siteId}" does not match ${TOKEN_PATTERN.source}`);
  return siteId;
}

/** The stream in a site's domain that holds the site's own data window (one name per site, so a hub stream's sources are told apart). */
export function siteStreamName(prefix: string, siteId: string): string {
  return `${prefix}_SITE_${siteDomain(siteId)}`.toUpperCase().replace(/-/g, '_');
}

/** What the site stream keeps: raw readings, rollups, results, decisions and heartbeats of that site. */
export function siteStreamSubjects(prefix: string, siteId: string): string[] {
  return ['telemetry', 'rollup', 'inference', 'decision', 'heartbeat'].map(
    (kind) => `${prefix}.${kind}.${siteId}.>`,
  );
}

/** What may leave a site: raw readings, 1-minute rollups only, or nothing. */
export const DATA_EXPORTS = ['raw', 'rollup', 'none'] as const;
export type DataExport = (typeof DATA_EXPORTS)[number];
/** To whom: the hub, the site's zone peers, or nobody. */
export const DATA_AUDIENCES = ['hub', 'zone', 'nobody'] as const;
export type DataAudience = (typeof DATA_AUDIENCES)[number];

export const siteDataPolicySchema = z
  .object({
    exports: z.enum(DATA_EXPORTS),
    to: z.enum(DATA_AUDIENCES),
  })
  .strict()
  .refine(
    (policy) => (policy.exports === 'none') === (policy.to === 'nobody'),
    'exports "none" goes with to "nobody", and only with it',
  );
export type SiteDataPolicy = z.infer<typeof siteDataPolicySchema>;

/** What a site registered without a policy gets: its raw readings go to the hub, as before leaf nodes. */
export const DEFAULT_DATA_POLICY: SiteDataPolicy = { exports: 'raw', to: 'hub' };

/** The site's own data window: the site stream's limits. */
export const siteDataWindowSchema = z
  .object({
    maxAgeHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
    maxBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(2 ** 50),
  })
  .strict();
export type SiteDataWindow = z.infer<typeof siteDataWindowSchema>;
export const DEFAULT_DATA_WINDOW: SiteDataWindow = { maxAgeHours: 72, maxBytes: 1024 ** 3 };

/** Which hub stream a filter feeds: raw readings into the telemetry stream, rollups into the rollup stream. */
export interface HubSourceFilter {
  siteId: string;
  stream: 'telemetry' | 'rollup';
  filterSubject: string;
}

/**
 * The filters the hub sources a site with under its policy: raw telemetry for `raw`, rollups for
 * `rollup`, nothing for `none` or for data that goes to zone peers or nobody. Pure; the adapter turns them
 * into stream sources (`external.api = $JS.<domain>.API`).
 */
export function hubSourceFilters(prefix: string, siteId: string, policy: SiteDataPolicy): HubSourceFilter[] {
  if (policy.to !== 'hub') return [];
  if (policy.exports === 'raw')
    return [{ siteId, stream: 'telemetry', filterSubject: siteTelemetryWildcard(prefix, siteId) }];
  if (policy.exports === 'rollup')
    return [{ siteId, stream: 'rollup', filterSubject: siteRollupWildcard(prefix, siteId) }];
  return [];
}

/**
 * Subjects that never cross a leaf connection as core NATS, in either direction: readings and rollups leave
 * a site only through the hub's sourcing, which follows the policy and can change without a restart.
 */
export function leafDeniedSubjects(prefix: string): string[] {
  return [`${prefix}.telemetry.>`, `${prefix}.rollup.>`];
}
