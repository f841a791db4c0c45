import { compileDeployments } from './compile';
import { buildFleet, requestKey, type Request } from './fleet';
import { fits, reserve } from './ledger';
import type { PlanInput, PlanOptions } from './model';
import { StageBook } from './stage-book';
import { validatePlanInput } from './validate';

export interface BaselineResult {
  readonly requested: number;
  readonly placed: number;
  readonly unplaced: number;
}

/**
 * Reference packer for judging placement quality: first-fit-decreasing under the same hard constraints
 * (screens, locality, policy, SLO, capacity) but with no priorities, preemption, spread or stability. It
 * takes the largest replicas (CPU, then memory) first and puts each on the first admissible node with room.
 */
export function firstFitDecreasing(
  input: Omit<PlanInput, 'previousPlan'>,
  options: PlanOptions = {},
): BaselineResult {
  validatePlanInput(input);
  const fleet = buildFleet(input.inventory, options.defaultNodeGflops);
  const stages = new StageBook(fleet);
  const requests: Request[] = [];
  for (const deployment of compileDeployments(input.deployments, fleet)) {
    for (const target of deployment.targets) {
      for (let replica = 0; replica < deployment.spec.replicasPerSite; replica++) {
        requests.push({
          key: requestKey(deployment, target, replica),
          deployment,
          target,
          replica,
        });
      }
    }
  }
  requests.sort(
    (a, b) =>
      b.deployment.demand.cpu - a.deployment.demand.cpu ||
      b.deployment.demand.memory - a.deployment.demand.memory ||
      a.deployment.index - b.deployment.index ||
      a.target.index - b.target.index ||
      a.replica - b.replica,
  );
  let placed = 0;
  for (const request of requests) {
    const demand = request.deployment.demand;
    const slot = stages
      .stagesFor(request)
      .flatMap((stage) => stage.candidates)
      .find((candidate) => fits(candidate.slot, demand))?.slot;
    if (slot === undefined) continue;
    reserve(slot, demand);
    placed++;
  }
  return { requested: requests.length, placed, unplaced: requests.length - placed };
}
