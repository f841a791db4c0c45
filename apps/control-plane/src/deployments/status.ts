import type { UnplacedRequest } from '@polis/placement';
import type { RolloutState } from './rollout';
import type { WorkloadIntent } from './workloads';

export type DeploymentState = 'Pending' | 'Progressing' | 'Ready' | 'Degraded' | 'Offloaded' | 'Failed';
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
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
}

export interface RunningOn {
  siteId: string;
  version: string;
  replicas: number;
  readyReplicas: number;
  offloaded: boolean;
  draining: boolean;
}

export interface SiteDeploymentStatus {
  siteId: string;
  state: DeploymentState;
  reason?: string;
  replicas: { desired: number; placed: number; ready: number; offloaded: number; unplaced: number };
  runningOn: RunningOn[];
}

export interface DeploymentStatus {
  state: DeploymentState;
  reason?: string;
  sites: SiteDeploymentStatus[];
}

function siteStatus(siteId: string, input: StatusInput): SiteDeploymentStatus {
  const serving = input.workloads.filter((w) => w.intent.targetSiteId === siteId);
  const planned = serving.filter((w) => !w.intent.draining);
  const unplaced = input.unplaced.filter((u) => u.targetSiteId === siteId);
  const sum = (ws: readonly WorkloadObservation[], f: (w: WorkloadObservation) => number) =>
    ws.reduce((total, w) => total + f(w), 0);
  const replicas = {
    desired: input.replicasPerSite,
    placed: sum(planned, (w) => w.intent.replicas),
    ready: sum(planned, (w) => Math.min(w.readyReplicas, w.intent.replicas)),
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
    readyReplicas: w.readyReplicas,
    offloaded: w.intent.siteId !== siteId,
    draining: w.intent.draining === true,
  }));
  const base = { siteId, replicas, runningOn };
  const failed = planned.find((w) => w.error !== undefined);
  if (failed) return { ...base, state: 'Failed', reason: failed.error };
  if (planned.length === 0)
    return { ...base, state: 'Failed', reason: unplaced[0]?.reason ?? 'no replica could be placed' };
  if (!planned.every((w) => w.ready)) {
    const state = planned.some((w) => w.exists) ? 'Progressing' : 'Pending';
    return { ...base, state, reason: `${replicas.ready} of ${replicas.placed} replicas Ready` };
  }
  if (unplaced.length > 0)
    return {
      ...base,
      state: 'Degraded',
      reason: `${replicas.unplaced} of ${replicas.desired} replicas not placed: ${unplaced[0].reason}`,
    };
  if (replicas.offloaded > 0)
    return {
      ...base,
      state: 'Offloaded',
      reason: planned.find((w) => w.offloadReason !== undefined)?.offloadReason ?? 'runs at a central site',
    };
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
 * or a rollout stopped or was rolled back), Progressing, Pending (nothing applied yet anywhere), Offloaded
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
