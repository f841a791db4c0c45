/** What the liveness tracker needs of a site's last check. */
export interface SiteHealthSample {
  state: 'pending' | 'ready' | 'degraded' | 'unreachable' | 'credentials-rejected' | 'error';
  nodes: { total: number; ready: number };
}

/**
 * A site is in trouble when the hub cannot reach it, or reaches it but none of its nodes is Ready: in both
 * cases nothing it runs can be trusted to serve. Other failures (rejected credentials, API errors) stop
 * Polis from changing the site, not the site from serving, so they do not fail anything over.
 */
export function isInTrouble(sample: SiteHealthSample): boolean {
  if (sample.state === 'unreachable') return true;
  const reachable = sample.state === 'ready' || sample.state === 'degraded';
  return reachable && sample.nodes.total > 0 && sample.nodes.ready === 0;
}

/**
 * When each site got into trouble, and so whether it is lost: in trouble for longer than the grace period.
 * A blip shorter than the grace moves nothing; a lost site's replicas fail over. Pure: the caller passes
 * the clock.
 */
export class SiteLiveness {
  private readonly troubledSince = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  observe(siteId: string, sample: SiteHealthSample, now: number): void {
    if (!isInTrouble(sample)) this.troubledSince.delete(siteId);
    else if (!this.troubledSince.has(siteId)) this.troubledSince.set(siteId, now);
  }

  forget(siteId: string): void {
    this.troubledSince.delete(siteId);
  }

  inTrouble(siteId: string): boolean {
    return this.troubledSince.has(siteId);
  }

  isLost(siteId: string, now: number): boolean {
    const since = this.troubledSince.get(siteId);
    return since !== undefined && now - since >= this.graceMs;
  }

  /** Sites lost at `now`, sorted. */
  lost(now: number): string[] {
    return [...this.troubledSince.keys()].filter((id) => this.isLost(id, now)).sort();
  }

  /** The next time a site in trouble becomes lost, so the caller can look again then. */
  nextLossAt(now: number): number | undefined {
    const pending = [...this.troubledSince.values()]
      .map((since) => since + this.graceMs)
      .filter((at) => at > now);
    return pending.length === 0 ? undefined : Math.min(...pending);
  }
}
