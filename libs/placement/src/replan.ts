import { compileDeployments } from './compile';
import { PlacementInputError } from './errors';
import { buildFleet, requestKey, type CompiledDeployment, type Fleet, type Request } from './fleet';
import type { Inventory, Plan, PlanInput, PlanOptions } from './model';
import { plan } from './plan';
import { PlacementRun } from './placement-run';
import { toPlan } from './plan-output';
import { validatePlanInput } from './validate';

export function markSiteUnreachable(inventory: Inventory, siteId: string): Inventory {
  if (!inventory.sites.some((site) => site.id === siteId)) {
    throw new PlacementInputError([`site ${siteId} is not in the inventory`]);
  }
  return {
    ...inventory,
    sites: inventory.sites.map((site) => (site.id === siteId ? { ...site, health: 'unreachable' } : site)),
  };
}

/**
 * Incremental re-plan after `siteId` is lost (marked unreachable), for an inventory that is otherwise the one
 * `previousPlan` was made for. Assignments elsewhere are adopted as they are — no re-screening — and only
 * the replicas that ran on the lost site, plus the requests that were already unplaced, go through the
 * planner (in priority order, with preemption). Cost is O(previous assignments) bookkeeping plus the work
 * for the displaced replicas.
 *
 * When the previous plan does not cover exactly this inventory's requests (deployments or targets changed,
 * unknown nodes), it falls back to a full {@link plan} with the previous plan for stability.
 */
export function replanAfterSiteLoss(
  previousPlan: Pick<Plan, 'assignments' | 'unplaced'>,
  input: Omit<PlanInput, 'previousPlan'>,
  siteId: string,
  options: PlanOptions = {},
): Plan {
  const inventory = markSiteUnreachable(input.inventory, siteId);
  const fullInput: PlanInput = { ...input, inventory, previousPlan };
  validatePlanInput(fullInput);
  const fleet = buildFleet(inventory, options.defaultNodeGflops);
  const deployments = compileDeployments(input.deployments, fleet);
  const run = new PlacementRun(fleet);
  const requested = deployments.reduce((sum, d) => sum + d.targets.length * d.spec.replicasPerSite, 0);
  const resolver = new RequestResolver(fleet, deployments);
  const displaced: Request[] = [];

  for (const assignment of previousPlan.assignments) {
    const request = resolver.resolve(assignment.deploymentId, assignment.targetSiteId, assignment.replica);
    const slot = fleet.sitesById.get(assignment.siteId)?.nodesByName.get(assignment.nodeName);
    if (request === undefined || slot === undefined || run.placements.has(request.key)) {
      return plan(fullInput, options);
    }
    if (slot.site.site.id === siteId) {
      displaced.push(request);
    } else if (assignment.offloaded && assignment.targetSiteId === siteId) {
      run.adopt(request, slot, assignment, {
        code: 'site-unreachable',
        reason: `site ${siteId} is unreachable`,
      });
    } else {
      run.adopt(request, slot, assignment);
    }
  }
  // Keys of displaced replicas: with the adopted ones (run.placements) they must cover each request once.
  const requeued = new Set(displaced.map((r) => r.key));
  for (const unplaced of previousPlan.unplaced) {
    if (unplaced.targetSiteId === null) continue;
    for (const replica of unplaced.replicas) {
      const request = resolver.resolve(unplaced.deploymentId, unplaced.targetSiteId, replica);
      if (request === undefined || requeued.has(request.key) || run.placements.has(request.key)) {
        return plan(fullInput, options);
      }
      requeued.add(request.key);
      displaced.push(request);
    }
  }
  if (run.placements.size + requeued.size !== requested) return plan(fullInput, options);
  for (const request of displaced) run.enqueue(request);
  run.drain();
  return toPlan(run, deployments, requested);
}

/** Maps a previous plan's references to this run's requests; undefined for stale ones. */
class RequestResolver {
  private readonly byId: ReadonlyMap<string, CompiledDeployment>;

  constructor(
    private readonly fleet: Fleet,
    deployments: readonly CompiledDeployment[],
  ) {
    this.byId = new Map(deployments.map((d) => [d.spec.id, d]));
  }

  resolve(deploymentId: string, targetSiteId: string, replica: number): Request | undefined {
    const deployment = this.byId.get(deploymentId);
    const target = this.fleet.sitesById.get(targetSiteId);
    if (deployment === undefined || target === undefined || !deployment.targetSet.has(target))
      return undefined;
    if (!Number.isSafeInteger(replica) || replica < 0 || replica >= deployment.spec.replicasPerSite)
      return undefined;
    return { key: requestKey(deployment, target, replica), deployment, target, replica };
  }
}
