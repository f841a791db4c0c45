import { compileDeployments } from './compile';
import { buildFleet, requestKey, type CompiledDeployment, type Fleet, type Request } from './fleet';
import type { Assignment, Plan, PlanInput, PlanOptions, PreviousPlan } from './model';
import { PlacementRun, compareRequests } from './placement-run';
import { toPlan } from './plan-output';
import { validatePlanInput } from './validate';

/**
 * Plans every deployment onto the fleet. Pure and deterministic: the same input yields the same plan.
 *
 * 1. Assignments of the previous plan that are still admissible and still fit are kept (highest priority
 *    first), so a re-plan only moves what it must.
 * 2. Every other replica is placed in priority order: at its target site, else (edge-preferred / central)
 *    at a central site that meets the SLO, else by preempting strictly lower priorities, else it is reported
 *    unplaced with the reason.
 */
export function plan(input: PlanInput, options: PlanOptions = {}): Plan {
  validatePlanInput(input);
  const fleet = buildFleet(input.inventory, options.defaultNodeGflops);
  const deployments = compileDeployments(input.deployments, fleet);
  const run = new PlacementRun(fleet);

  retainPrevious(run, fleet, deployments, input.previousPlan);
  let requested = 0;
  for (const deployment of deployments) {
    for (const target of deployment.targets) {
      for (let replica = 0; replica < deployment.spec.replicasPerSite; replica++) {
        requested++;
        const key = requestKey(deployment, target, replica);
        if (!run.placements.has(key)) run.enqueue({ key, deployment, target, replica });
      }
    }
  }
  run.drain();
  return toPlan(run, deployments, requested);
}

interface RetentionCandidate {
  readonly request: Request;
  readonly assignment: Assignment;
}

function retainPrevious(
  run: PlacementRun,
  fleet: Fleet,
  deployments: readonly CompiledDeployment[],
  previous: PreviousPlan | undefined,
): void {
  if (previous === undefined || previous.assignments.length === 0) return;
  const byId = new Map(deployments.map((d) => [d.spec.id, d]));
  const seen = new Set<number>();
  const candidates: RetentionCandidate[] = [];
  for (const assignment of previous.assignments) {
    const deployment = byId.get(assignment.deploymentId);
    const target = fleet.sitesById.get(assignment.targetSiteId);
    const { replica } = assignment;
    if (deployment === undefined || target === undefined || !deployment.targetSet.has(target)) continue;
    if (!Number.isSafeInteger(replica) || replica < 0 || replica >= deployment.spec.replicasPerSite) continue;
    const key = requestKey(deployment, target, replica);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push({ request: { key, deployment, target, replica }, assignment });
  }
  candidates.sort((a, b) => compareRequests(a.request, b.request));
  for (const { request, assignment } of candidates) {
    const slot = fleet.sitesById.get(assignment.siteId)?.nodesByName.get(assignment.nodeName);
    if (slot !== undefined) run.tryRetain(request, slot, assignment);
  }
}
