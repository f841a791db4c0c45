import { boundedName } from '@polis/manifests';
import type { Plan } from '@polis/placement';

/**
 * One Kubernetes Deployment Polis wants: the replicas of one deployment that serve one target site (whose
 * telemetry they read) and run on one site. `siteId === targetSiteId` for replicas at home; otherwise a
 * copy running at a central site on the target's behalf (offloaded, or failed over).
 */
export interface WorkloadIntent {
  deploymentId: string;
  targetSiteId: string;
  siteId: string;
  replicas: number;
  version: string;
  /** No longer planned, kept only until what replaces it is Ready (make before break). */
  draining?: boolean;
}

export function workloadKey(w: Pick<WorkloadIntent, 'deploymentId' | 'targetSiteId' | 'siteId'>): string {
  return `${w.deploymentId}/${w.targetSiteId}@${w.siteId}`;
}

/**
 * The deployment id the objects on the cluster carry. At home it is the deployment's own; a copy at a
 * central site carries `<id>--<target>` so copies for several sites (and the central site's own replicas)
 * do not collide, and pruning one never touches another. Deployment ids cannot contain `--`.
 */
export function runnerDeploymentId(
  w: Pick<WorkloadIntent, 'deploymentId' | 'targetSiteId' | 'siteId'>,
): string {
  return w.siteId === w.targetSiteId ? w.deploymentId : boundedName(`${w.deploymentId}--${w.targetSiteId}`);
}

const byKey = (a: WorkloadIntent, b: WorkloadIntent) => workloadKey(a).localeCompare(workloadKey(b));

/** Groups the plan's replica assignments into workloads, each at the version the rollout gives its target. */
export function intentsFromPlan(
  plan: Pick<Plan, 'assignments'>,
  versionOf: (deploymentId: string, targetSiteId: string) => string,
): WorkloadIntent[] {
  const intents = new Map<string, WorkloadIntent>();
  for (const a of plan.assignments) {
    const key = workloadKey(a);
    const existing = intents.get(key);
    if (existing) existing.replicas += 1;
    else
      intents.set(key, {
        deploymentId: a.deploymentId,
        targetSiteId: a.targetSiteId,
        siteId: a.siteId,
        replicas: 1,
        version: versionOf(a.deploymentId, a.targetSiteId),
      });
  }
  return [...intents.values()].sort(byKey);
}

export interface DrainContext {
  isReady: (intent: WorkloadIntent) => boolean;
  /** False for sites that are lost: nothing can be kept (or removed) there until they return. */
  isReachable: (siteId: string) => boolean;
}

/**
 * Adds to the planned workloads those of the previous pass that the plan dropped but must stay a while: a
 * workload that moved (typically a failover copy whose site came back) is removed only once every
 * workload now serving its target is Ready, so the target is never left without a runner. A workload
 * whose target has nothing planned any more (deployment gone, site no longer targeted, unplaceable) goes
 * at once: nothing would ever replace it.
 */
export function withDraining(
  planned: readonly WorkloadIntent[],
  previous: readonly WorkloadIntent[],
  context: DrainContext,
): WorkloadIntent[] {
  const plannedKeys = new Set(planned.map(workloadKey));
  const servingTarget = new Map<string, WorkloadIntent[]>();
  for (const intent of planned) {
    const target = `${intent.deploymentId}/${intent.targetSiteId}`;
    servingTarget.set(target, [...(servingTarget.get(target) ?? []), intent]);
  }
  const kept: WorkloadIntent[] = [];
  for (const old of previous) {
    if (plannedKeys.has(workloadKey(old)) || !context.isReachable(old.siteId)) continue;
    const replacements = servingTarget.get(`${old.deploymentId}/${old.targetSiteId}`) ?? [];
    if (replacements.length > 0 && !replacements.every(context.isReady))
      kept.push({ ...old, draining: true });
  }
  return [...planned, ...kept].sort(byKey);
}
