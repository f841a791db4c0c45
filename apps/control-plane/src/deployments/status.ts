import type { UnplacedRequest } from '@polis/placement';
import type { RolloutState } from './rollout';
import type { WorkloadIntent } from './workloads';

export type DeploymentState =
  | 'Pending'
  | 'Progressing'
  | 'Ready'
  | 'Degraded'
  | 'Offloaded'
  | 'Failed'
  | 'Unknown';
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'Unknown',
  'Pending',
  'Progressing',
  'Ready',
  'Degraded',
  'Offloaded',
  'Failed',
];

/** What the clusters say about one workload. */
export interface WorkloadObservation {
  intent: WorkloadIntent;
  /** The Deployment exists on its cluster (Polis applied it at some point). */
  exists: boolean;
  /** Rolled out at the intended version and replica count, every replica Ready. */
  ready: boolean;
  readyReplicas: number;
  /** Why it could not be rendered or applied. */
  error?: string;
  /** Why it runs away from its target site (offloaded copies). */
  offloadReason?: string;
  /**
   * Set when the site it runs on cannot be observed (its API gives no usable answer): what the informers
   * last saw is not evidence of now, so `ready` and `readyReplicas` are not to be believed.
   */
  unobserved?: SiteTrouble;
}

/** What was seen at a site in trouble, with since when (from the site-liveness engine). */
export interface SiteTrouble {
  reason: string;
  /** Epoch ms. */
  since?: number;
  /** In trouble for the whole grace period: edge-preferred replicas fail over. */
  lost: boolean;
}

export interface StatusInput {
  replicasPerSite: number;
  /** Every target site of the deployment: planned or not. */
  targets: readonly string[];
  workloads: readonly WorkloadObservation[];
  unplaced: readonly UnplacedRequest[];
  rollout?: RolloutState;
  /** The deployment cannot be planned at all (its model version is missing, the plan failed, ...). */
  blocked?: string;
  /** Sites in trouble (unobservable, or no node Ready), by id; the others are manageable. */
  troubledSites?: ReadonlyMap<string, SiteTrouble>;
}

export interface RunningOn {
  siteId: string;
  version: string;
  replicas: number;
  /** Null when the site cannot be observed: nobody knows. */
  readyReplicas: number | null;
  /** False while the site it runs on cannot be observed. */
  observed: boolean;
  offloaded: boolean;
  draining: boolean;
}

export interface SiteDeploymentStatus {
  siteId: string;
  state: DeploymentState;
  reason?: string;
  /** When what `reason` describes at a site in trouble was first seen (ISO 8601). */
  since?: string;
  /** `ready` counts only replicas seen Ready; `unknown` those on sites that cannot be observed. */
  replicas: {
    desired: number;
    placed: number;
    ready: number;
    unknown: number;
    offloaded: number;
    unplaced: number;
  };
  runningOn: RunningOn[];
}

export interface DeploymentStatus {
  state: DeploymentState;
  reason?: string;
  sites: SiteDeploymentStatus[];
}

const iso = (epochMs: number | undefined) =>
  epochMs === undefined ? undefined : new Date(epochMs).toISOString();

function siteStatus(siteId: string, input: StatusInput): SiteDeploymentStatus {
  const serving = input.workloads.filter((w) => w.intent.targetSiteId === siteId);
  const planned = serving.filter((w) => !w.intent.draining);
  const unplaced = input.unplaced.filter((u) => u.targetSiteId === siteId);
  const sum = (ws: readonly WorkloadObservation[], f: (w: WorkloadObservation) => number) =>
    ws.reduce((total, w) => total + f(w), 0);
  const observed = planned.filter((w) => w.unobserved === undefined);
  const unobserved = planned.filter((w) => w.unobserved !== undefined);
  const replicas = {
    desired: input.replicasPerSite,
    placed: sum(planned, (w) => w.intent.replicas),
    ready: sum(observed, (w) => Math.min(w.readyReplicas, w.intent.replicas)),
    unknown: sum(unobserved, (w) => w.intent.replicas),
    offloaded: sum(
      planned.filter((w) => w.intent.siteId !== siteId),
      (w) => w.intent.replicas,
    ),
    unplaced: unplaced.reduce((total, u) => total + u.replicas.length, 0),
  };
  const runningOn = serving.map((w) => ({
    siteId: w.intent.siteId,
    version: w.intent.version,
    replicas: w.intent.replicas,
    readyReplicas: w.unobserved === undefined ? w.readyReplicas : null,
    observed: w.unobserved === undefined,
    offloaded: w.intent.siteId !== siteId,
    draining: w.intent.draining === true,
  }));
  const base = { siteId, replicas, runningOn };
  const failed = planned.find((w) => w.error !== undefined);
  if (failed) return { ...base, state: 'Failed', reason: failed.error };
  if (planned.length === 0) {
    const why = unplaced[0]?.reason ?? 'no replica could be placed';
    const lost = input.troubledSites?.get(siteId);
    if (!lost?.lost) return { ...base, state: 'Failed', reason: why };
    // The placement engine only knows the site is gone; say what was seen there instead.
    const elsewhere = why.endsWith(`${siteId} is unreachable`) ? '' : `; ${why}`;
    return {
      ...base,
      state: 'Failed',
      reason: `${siteId} lost (${lost.reason})${elsewhere}`,
      since: iso(lost.since),
    };
  }
  const blind = unobserved[0];
  if (blind?.unobserved)
    return {
      ...base,
      state: 'Unknown',
      reason: `${blind.intent.siteId} cannot be observed: ${blind.unobserved.reason}`,
      since: iso(blind.unobserved.since),
    };
  if (!planned.every((w) => w.ready)) {
    const state = planned.some((w) => w.exists) ? 'Progressing' : 'Pending';
    const troubled = planned
      .map((w) => ({ at: w.intent.siteId, trouble: input.troubledSites?.get(w.intent.siteId) }))
      .find((t) => t.trouble !== undefined);
    const why = troubled?.trouble ? `; ${troubled.at}: ${troubled.trouble.reason}` : '';
    return {
      ...base,
      state,
      reason: `${replicas.ready} of ${replicas.placed} replicas Ready${why}`,
      ...(troubled?.trouble ? { since: iso(troubled.trouble.since) } : {}),
    };
  }
  if (unplaced.length > 0)
    return {
      ...base,
      state: 'Degraded',
      reason: `${replicas.unplaced} of ${replicas.desired} replicas not placed: ${unplaced[0].reason}`,
    };
  if (replicas.offloaded > 0) {
    const lost = input.troubledSites?.get(siteId);
    if (lost?.lost) {
      const hosts = [
        ...new Set(planned.filter((w) => w.intent.siteId !== siteId).map((w) => w.intent.siteId)),
      ];
      return {
        ...base,
        state: 'Offloaded',
        reason: `${siteId} lost (${lost.reason}): served from ${hosts.join(', ')}`,
        since: iso(lost.since),
      };
    }
    return {
      ...base,
      state: 'Offloaded',
      reason: planned.find((w) => w.offloadReason !== undefined)?.offloadReason ?? 'runs at a central site',
    };
  }
  return { ...base, state: 'Ready' };
}

function rolloutVerdict(
  rollout: RolloutState | undefined,
): { state: DeploymentState; reason: string } | undefined {
  if (!rollout) return undefined;
  switch (rollout.phase) {
    case 'complete':
      return undefined;
    case 'rolled-back':
      return {
        state: 'Degraded',
        reason: `rollout to ${rollout.toVersion} rolled back to ${rollout.fromVersion ?? '?'}: ${rollout.reason ?? ''}`,
      };
    case 'failed':
      return {
        state: 'Degraded',
        reason: `rollout to ${rollout.toVersion} stopped: ${rollout.reason ?? ''}`,
      };
    case 'paused':
      return { state: 'Progressing', reason: `rollout to ${rollout.toVersion} paused` };
    case 'canary':
      return {
        state: 'Progressing',
        reason: `canary of ${rollout.toVersion} on ${rollout.canarySites.join(', ')}`,
      };
    case 'rolling':
      return { state: 'Progressing', reason: `rolling out ${rollout.toVersion}` };
  }
}

/**
 * The state of a deployment, per target site and overall. Overall, the worst wins in this order: Failed
 * (every site failed, or the deployment cannot be planned), Degraded (some site failed or lacks replicas,
 * or a rollout stopped or was rolled back), Unknown (some site's replicas run where Polis cannot see),
 * Progressing, Pending (nothing applied yet anywhere), Offloaded
 * (Ready, but some site is served from a central site), Ready.
 */
export function deriveStatus(input: StatusInput): DeploymentStatus {
  const untargeted = input.unplaced.find((u) => u.targetSiteId === null);
  const sites = input.targets.map((siteId) => siteStatus(siteId, input));
  if (input.blocked !== undefined) return { state: 'Failed', reason: input.blocked, sites };
  if (sites.length === 0)
    return { state: 'Failed', reason: untargeted?.reason ?? 'no site matches the targets', sites };
  const first = (state: DeploymentState) => sites.find((s) => s.state === state);
  const describe = (s: SiteDeploymentStatus) => `${s.siteId}: ${s.reason ?? s.state}`;
  if (sites.every((s) => s.state === 'Failed')) return { state: 'Failed', reason: describe(sites[0]), sites };
  const broken = first('Failed') ?? first('Degraded');
  if (broken) return { state: 'Degraded', reason: describe(broken), sites };
  const rollout = rolloutVerdict(input.rollout);
  if (rollout?.state === 'Degraded') return { ...rollout, sites };
  const unknown = first('Unknown');
  if (unknown) return { state: 'Unknown', reason: describe(unknown), sites };
  const moving = first('Progressing') ?? first('Pending');
  if (moving) {
    const state = sites.every((s) => s.state === 'Pending') ? 'Pending' : 'Progressing';
    return { state, reason: rollout?.reason ?? describe(moving), sites };
  }
  if (rollout) return { ...rollout, sites };
  const offloaded = first('Offloaded');
  if (offloaded) return { state: 'Offloaded', reason: describe(offloaded), sites };
  return { state: 'Ready', sites };
}
