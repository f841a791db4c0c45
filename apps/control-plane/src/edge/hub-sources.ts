import {
  DEFAULT_DATA_POLICY,
  hubSourceFilters,
  siteDomain,
  siteStreamName,
  type SiteDataPolicy,
} from '@polis/contracts';

/** A hub stream source, as JetStream's StreamSource wants it (a subset: what Polis sets). */
export interface HubStreamSource {
  name: string;
  filter_subject: string;
  external: { api: string; deliver: string };
}

export interface HubSourcePlan {
  /** Sources of the hub's telemetry stream: raw readings of `raw` sites. */
  telemetry: HubStreamSource[];
  /** Sources of the hub's rollup stream: 1-minute rollups of `rollup` sites. */
  rollups: HubStreamSource[];
}

export interface SitePolicyView {
  id: string;
  dataPolicy?: SiteDataPolicy;
}

/**
 * What the hub's streams source from the sites, from their data policies. Pure and ordered by site id, so
 * the same registry gives the same plan and an unchanged plan is never written.
 */
export function planHubSources(prefix: string, sites: readonly SitePolicyView[]): HubSourcePlan {
  const plan: HubSourcePlan = { telemetry: [], rollups: [] };
  const sorted = [...sites].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const site of sorted) {
    for (const filter of hubSourceFilters(prefix, site.id, site.dataPolicy ?? DEFAULT_DATA_POLICY)) {
      const source: HubStreamSource = {
        name: siteStreamName(prefix, site.id),
        filter_subject: filter.filterSubject,
        // The site's JetStream, reached across the leaf connection through its domain's API prefix.
        external: { api: `$JS.${siteDomain(site.id)}.API`, deliver: '' },
      };
      (filter.stream === 'telemetry' ? plan.telemetry : plan.rollups).push(source);
    }
  }
  return plan;
}

/** Sources compared by what matters (JetStream adds fields of its own when it reports them). */
export interface ReportedSource {
  name: string;
  filter_subject?: string;
  external?: { api: string; deliver?: string };
}

export function sameSources(
  current: readonly ReportedSource[] | undefined,
  wanted: readonly HubStreamSource[],
): boolean {
  const key = (s: ReportedSource): string => `${s.name}|${s.filter_subject ?? ''}|${s.external?.api ?? ''}`;
  const a = (current ?? []).map(key).sort();
  const b = wanted.map(key).sort();
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
