import fc from 'fast-check';
import { diffPlans, markSiteUnreachable, plan, replanAfterSiteLoss, type PlanInput } from './index';
import { planInputArb, urgentDeploymentArb } from './testing/arbitraries';
import { planViolations, priorityInversions } from './testing/invariants';

// PLACEMENT_PROPERTY_RUNS=5000 for a deeper local search.
const runs = { numRuns: Number(process.env.PLACEMENT_PROPERTY_RUNS ?? 300) };

/** Same fleet and deployments, listed in the reverse order everywhere the order is not meaningful. */
function reversed(input: PlanInput): PlanInput {
  return {
    inventory: {
      sites: [...input.inventory.sites].reverse().map((s) => ({ ...s, nodes: [...s.nodes].reverse() })),
    },
    deployments: [...input.deployments].reverse(),
  };
}

describe('plan (properties)', () => {
  it('respects every hard constraint: capacity, readiness, selectors, taints, locality, policy, SLO', () => {
    fc.assert(
      fc.property(planInputArb, (input) => {
        expect(planViolations(input, plan(input))).toEqual([]);
      }),
      runs,
    );
  });

  it('never leaves a replica unplaced while lower priorities hold what it needs on an admissible node', () => {
    fc.assert(
      fc.property(planInputArb, (input) => {
        expect(priorityInversions(input, plan(input))).toEqual([]);
      }),
      runs,
    );
  });

  it('is deterministic: same input (in any listing order) gives the same plan', () => {
    fc.assert(
      fc.property(planInputArb, (input) => {
        const first = plan(input);
        expect(plan(input)).toEqual(first);
        expect(plan(reversed(input))).toEqual(first);
      }),
      runs,
    );
  });

  it('keeps the whole previous plan when nothing changed', () => {
    fc.assert(
      fc.property(planInputArb, (input) => {
        const first = plan(input);
        const again = plan({ ...input, previousPlan: first });
        expect(diffPlans(first, again)).toMatchObject({ moved: [], added: [], removed: [] });
        expect(again.stats.retained).toBe(first.assignments.length);
      }),
      runs,
    );
  });

  it('after a site loss moves only that site’s replicas unless preemption was needed (incremental and full)', () => {
    fc.assert(
      fc.property(planInputArb, fc.nat(), (input, pick) => {
        const lost = input.inventory.sites[pick % input.inventory.sites.length].id;
        const before = plan(input);
        const degraded = { ...input, inventory: markSiteUnreachable(input.inventory, lost) };
        const incremental = replanAfterSiteLoss(before, input, lost);
        const full = plan({ ...degraded, previousPlan: before });
        for (const after of [incremental, full]) {
          expect(planViolations(degraded, after)).toEqual([]);
          expect(priorityInversions(degraded, after)).toEqual([]);
          expect(after.assignments.some((a) => a.siteId === lost)).toBe(false);
          if (after.stats.preempted > 0) continue;
          const diff = diffPlans(before, after);
          const touched = [...diff.moved.map((m) => m.before), ...diff.removed];
          expect(touched.filter((a) => a.siteId !== lost)).toEqual([]);
        }
      }),
      runs,
    );
  });

  it('a new higher priority preempts only strictly lower ones, records them, and moves nothing else', () => {
    const scenario = planInputArb.chain((input) =>
      fc.tuple(fc.constant(input), urgentDeploymentArb(input.inventory.sites.length)),
    );
    fc.assert(
      fc.property(scenario, ([input, urgent]) => {
        const before = plan(input);
        const grown = { ...input, deployments: [...input.deployments, urgent] };
        const after = plan({ ...grown, previousPlan: before });
        expect(planViolations(grown, after)).toEqual([]);
        expect(priorityInversions(grown, after)).toEqual([]);
        const victims = new Set(
          after.preemptions.map(
            (p) => `${p.victim.deploymentId}|${p.victim.targetSiteId}|${p.victim.replica}`,
          ),
        );
        for (const preemption of after.preemptions) {
          expect(preemption.victim.priority).toBeLessThan(preemption.preemptor.priority);
          expect(preemption.reason).toContain(preemption.preemptor.deploymentId);
        }
        const diff = diffPlans(before, after);
        const touched = [...diff.moved.map((m) => m.before), ...diff.removed];
        expect(
          touched.filter((a) => !victims.has(`${a.deploymentId}|${a.targetSiteId}|${a.replica}`)),
        ).toEqual([]);
        // Evictions may free more than the preemptor takes; a previously unplaced replica may then fit.
        if (after.stats.preempted === 0)
          expect(diff.added.every((a) => a.deploymentId === 'urgent')).toBe(true);
      }),
      runs,
    );
  });
});
