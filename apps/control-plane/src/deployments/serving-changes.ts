import type { Assignment, Plan } from '@polis/placement';
import type { ServingChangeEvent } from './deployment-events';

/**
 * How a target site of a deployment is served: by its own replicas (`home`), from a central site because
 * it is lost (`failover`), or from a central site while it is reachable (`offload`: no room, no eligible
 * node). Replicas the `central` policy puts at a central site by design are home for this purpose.
 */
export interface Serving {
  mode: 'home' | 'failover' | 'offload';
  /** Sites the replicas run on, sorted. */
  runsOn: string[];
  reason?: string;
}

const key = (deploymentId: string, siteId: string) => `${deploymentId}\u0000${siteId}`;

/** How every (deployment, target site) with replicas placed is served in this plan. */
export function servingOf(
  plan: Pick<Plan, 'assignments'>,
  lostSites: ReadonlySet<string>,
): Map<string, Serving> {
  const grouped = new Map<string, Assignment[]>();
  for (const a of plan.assignments) {
    const k = key(a.deploymentId, a.targetSiteId);
    const list = grouped.get(k);
    if (list) list.push(a);
    else grouped.set(k, [a]);
  }
  const serving = new Map<string, Serving>();
  for (const [k, assignments] of grouped) {
    const away = assignments.filter((a) => a.offloaded && a.offloadCode !== 'policy-central');
    const runsOn = [...new Set((away.length > 0 ? away : assignments).map((a) => a.siteId))].sort();
    if (away.length === 0) {
      serving.set(k, { mode: 'home', runsOn });
      continue;
    }
    const target = assignments[0].targetSiteId;
    const lost = lostSites.has(target) || away.some((a) => a.offloadCode === 'site-unreachable');
    serving.set(k, {
      mode: lost ? 'failover' : 'offload',
      runsOn,
      reason: away.find((a) => a.offloadReason !== undefined)?.offloadReason ?? `site ${target} is lost`,
    });
  }
  return serving;
}

/**
 * The failovers, offloads and returns between two plans. A (deployment, site) seen for the first time
 * counts only when it is served away from home; one that is no longer placed at all makes no event (its
 * status says why). Pure.
 */
export function servingChanges(
  before: ReadonlyMap<string, Serving>,
  after: ReadonlyMap<string, Serving>,
  versionOf: (deploymentId: string, siteId: string) => string,
): ServingChangeEvent[] {
  const events: ServingChangeEvent[] = [];
  for (const [k, now] of after) {
    const was = before.get(k)?.mode ?? 'home';
    if (was === now.mode) continue;
    const [deploymentId, siteId] = k.split('\u0000');
    const version = versionOf(deploymentId, siteId);
    if (now.mode === 'home')
      events.push({
        type: 'return',
        deploymentId,
        siteId,
        runsOn: now.runsOn,
        version,
        reason: was === 'failover' ? `site ${siteId} is back` : `room at ${siteId} again`,
      });
    else
      events.push({
        type: now.mode,
        deploymentId,
        siteId,
        runsOn: now.runsOn,
        version,
        reason: now.reason ?? now.mode,
      });
  }
  return events.sort((a, b) =>
    a.deploymentId === b.deploymentId
      ? a.siteId.localeCompare(b.siteId)
      : a.deploymentId.localeCompare(b.deploymentId),
  );
}
