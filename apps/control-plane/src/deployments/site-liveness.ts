import type { SiteState, SiteSymptom } from '../sites';

/** What the liveness engine needs of a site's last check (a `SiteStatus` is one). */
export interface SiteHealthSample {
  state: SiteState;
  nodes: { total: number; ready: number };
  /** What a failed check saw; absent after a successful one. */
  symptom?: SiteSymptom;
  /** When the check was made (ISO 8601); the engine dates what it saw by it. */
  checkedAt?: string;
}

/**
 * What Polis can say of a site, from what its checks saw:
 * - `manageable`: the API answered and at least one node is Ready; Polis can change the site and trust it
 *   to run what it is given;
 * - `unobservable`: the API did not give an answer Polis can use (refused, timed out, 5xx, 401/403, TLS,
 *   a kubeconfig that cannot be used): nothing is known of what runs there now;
 * - `no-ready-node`: the API answers, but no node is Ready (or there is none): what is there cannot serve.
 * - `unchecked`: no check has finished since this process started.
 */
export type SiteCondition = 'manageable' | 'unobservable' | 'no-ready-node' | 'unchecked';

export interface SiteLivenessView {
  condition: SiteCondition;
  /** Unmanageable (unobservable or no Ready node): its desired set is frozen, and it is lost after the grace. */
  inTrouble: boolean;
  /** In trouble for the whole grace period: its edge-preferred replicas fail over. */
  lost: boolean;
  /** What was seen, with since when, e.g. `API answers 503 since 19:20:03Z`; absent when manageable. */
  reason?: string;
  /** When what `reason` says was first seen (epoch ms). */
  since?: number;
  /** When the trouble began (epoch ms): the grace period runs from here, across changes of symptom. */
  troubleSince?: number;
}

/** What a symptom says, in words; never a guess at the cause. */
export function describeSymptom(symptom: SiteSymptom): string {
  switch (symptom.kind) {
    case 'http':
      if (symptom.status === 401) return 'API rejects the credentials (401)';
      if (symptom.status === 403) return 'API refuses access (403)';
      return `API answers ${symptom.status}`;
    case 'refused':
      return 'connection refused';
    case 'timeout':
      return `API does not answer (${symptom.detail})`;
    case 'network':
      return `API not reachable (${symptom.detail})`;
    case 'tls':
      return symptom.detail;
    case 'kubeconfig':
      return `kubeconfig unusable (${symptom.detail})`;
    case 'other':
      return `check failed (${symptom.detail})`;
  }
}

interface Seen {
  condition: SiteCondition;
  /** The symptom in words, without the time: a new wording starts a new `since`. */
  what?: string;
}

/** Classifies one check: what Polis can say of the site, and what was seen. */
export function classify(sample: SiteHealthSample): Seen {
  if (sample.state === 'pending') return { condition: 'unchecked', what: 'not checked yet' };
  if (sample.state !== 'ready' && sample.state !== 'degraded')
    return {
      condition: 'unobservable',
      what: sample.symptom ? describeSymptom(sample.symptom) : `check failed (${sample.state})`,
    };
  const { total, ready } = sample.nodes;
  if (total === 0) return { condition: 'no-ready-node', what: 'the cluster has no nodes' };
  if (ready === 0) return { condition: 'no-ready-node', what: `${total} of ${total} nodes NotReady` };
  return { condition: 'manageable' };
}

/** `19:20:03Z`: the time of day an operator compares with logs; the full instant is in `since`. */
export function timeOfDay(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)}Z`;
}

interface Episode {
  troubleSince: number;
  what: string;
  since: number;
  condition: SiteCondition;
}

/**
 * When each site got into trouble and what was seen since when, and so whether it is lost: in trouble for
 * longer than the grace period. A blip shorter than the grace moves nothing; a lost site's replicas fail
 * over. Pure: the caller passes the clock, and the check's own time dates what it saw.
 */
export class SiteLiveness {
  private readonly episodes = new Map<string, Episode>();
  private readonly unchecked = new Set<string>();

  constructor(private readonly graceMs: number) {}

  observe(siteId: string, sample: SiteHealthSample, now: number): void {
    const seen = classify(sample);
    if (seen.condition === 'unchecked') {
      this.unchecked.add(siteId);
      return;
    }
    this.unchecked.delete(siteId);
    if (seen.condition === 'manageable' || seen.what === undefined) {
      this.episodes.delete(siteId);
      return;
    }
    const checkedAt = sample.checkedAt === undefined ? NaN : Date.parse(sample.checkedAt);
    const at = Number.isFinite(checkedAt) ? Math.min(checkedAt, now) : now;
    const episode = this.episodes.get(siteId);
    if (!episode) {
      this.episodes.set(siteId, { troubleSince: at, what: seen.what, since: at, condition: seen.condition });
    } else if (episode.what !== seen.what) {
      this.episodes.set(siteId, { ...episode, what: seen.what, since: at, condition: seen.condition });
    }
  }

  forget(siteId: string): void {
    this.episodes.delete(siteId);
    this.unchecked.delete(siteId);
  }

  view(siteId: string, now: number): SiteLivenessView {
    const episode = this.episodes.get(siteId);
    if (episode)
      return {
        condition: episode.condition,
        inTrouble: true,
        lost: now - episode.troubleSince >= this.graceMs,
        reason: `${episode.what} since ${timeOfDay(episode.since)}`,
        since: episode.since,
        troubleSince: episode.troubleSince,
      };
    if (this.unchecked.has(siteId))
      return { condition: 'unchecked', inTrouble: false, lost: false, reason: 'not checked yet' };
    return { condition: 'manageable', inTrouble: false, lost: false };
  }

  inTrouble(siteId: string): boolean {
    return this.episodes.has(siteId);
  }

  /** Whether Polis knows what runs there now: the API answers (a NotReady node is still reported on). */
  observable(siteId: string): boolean {
    const condition = this.episodes.get(siteId)?.condition;
    return !this.unchecked.has(siteId) && condition !== 'unobservable';
  }

  isLost(siteId: string, now: number): boolean {
    const episode = this.episodes.get(siteId);
    return episode !== undefined && now - episode.troubleSince >= this.graceMs;
  }

  /** Sites lost at `now`, sorted. */
  lost(now: number): string[] {
    return [...this.episodes.keys()].filter((id) => this.isLost(id, now)).sort();
  }

  /** The next time a site in trouble becomes lost, so the caller can look again then. */
  nextLossAt(now: number): number | undefined {
    const pending = [...this.episodes.values()]
      .map((episode) => episode.troubleSince + this.graceMs)
      .filter((at) => at > now);
    return pending.length === 0 ? undefined : Math.min(...pending);
  }
}
