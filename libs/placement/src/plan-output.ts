import { byString, type CompiledDeployment, type Placement } from './fleet';
import type { Assignment, Plan, UnplacedRequest } from './model';
import type { PlacementRun } from './placement-run';
import { describeSiteSelector } from './predicates';

function toAssignment(placement: Placement): Assignment {
  if (placement.source !== undefined) return placement.source;
  const { request, slot } = placement;
  return {
    deploymentId: request.deployment.spec.id,
    targetSiteId: request.target.site.id,
    replica: request.replica,
    siteId: slot.site.site.id,
    nodeName: slot.node.name,
    offloaded: placement.offloaded,
    ...(placement.offloaded
      ? { offloadCode: placement.offloadCode, offloadReason: placement.offloadReason }
      : {}),
    estimatedLatencyMs: placement.latencyMs,
  };
}

export function toPlan(
  run: PlacementRun,
  deployments: readonly CompiledDeployment[],
  requested: number,
): Plan {
  const placements = [...run.placements.values()].sort(
    (a, b) =>
      a.request.deployment.index - b.request.deployment.index ||
      a.request.target.index - b.request.target.index ||
      a.request.replica - b.request.replica,
  );
  const untargeted: UnplacedRequest[] = deployments
    .filter((d) => d.targets.length === 0 && d.spec.replicasPerSite > 0)
    .map((d) => ({
      deploymentId: d.spec.id,
      targetSiteId: null,
      replicas: [],
      code: 'no-target-site',
      reason: `no site matches the targets of ${d.spec.id} (${describeSiteSelector(d.spec.targets)})`,
    }));
  const unplaced = [...untargeted, ...run.unplacedRequests()].sort(
    (a, b) =>
      byString(a.deploymentId, b.deploymentId) || byString(a.targetSiteId ?? '', b.targetSiteId ?? ''),
  );
  return {
    assignments: placements.map(toAssignment),
    unplaced,
    preemptions: run.preemptions,
    stats: {
      requested,
      placed: placements.length,
      offloaded: placements.filter((p) => p.offloaded).length,
      unplaced: requested - placements.length,
      retained: run.retained.size,
      preempted: run.preemptions.length,
    },
  };
}
