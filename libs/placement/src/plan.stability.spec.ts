import {
  diffPlans,
  markSiteUnreachable,
  plan,
  PlacementInputError,
  replanAfterSiteLoss,
  type DeploymentSpec,
  type Inventory,
  type PlanInput,
  type Site,
} from './index';
import { centralSite, deployment, node, site } from './testing/builders';

const twoNodeSite = (id: string): Site => site(id, { nodes: [node(`${id}-a`), node(`${id}-b`)] });

function fleet(): Inventory {
  return {
    sites: [
      twoNodeSite('traffic-01'),
      twoNodeSite('traffic-02'),
      twoNodeSite('traffic-03'),
      centralSite('central-01'),
    ],
  };
}

function input(deployments: DeploymentSpec[], inventory = fleet()): PlanInput {
  return { inventory, deployments };
}

const preferred = deployment('preferred', {
  targets: { kinds: ['traffic'] },
  replicasPerSite: 2,
  policy: 'edge-preferred',
});
const edgeOnly = deployment('edge-only', {
  targets: { kinds: ['traffic'] },
  policy: 'edge-only',
  priority: 1,
});

describe('plan: stability across re-plans', () => {
  it('keeps a still-valid assignment even where the strategy would now choose another node', () => {
    const first = plan(input([deployment('d', { targets: { ids: ['traffic-01'] }, strategy: 'spread' })]));
    expect(first.assignments[0].nodeName).toBe('traffic-01-a');
    // The chosen node now carries foreign load: spread would pick -b for a fresh plan, but -a still fits.
    const loaded = fleet();
    const sites = loaded.sites.map((s) =>
      s.id !== 'traffic-01'
        ? s
        : {
            ...s,
            nodes: [
              node('traffic-01-a', { requested: { cpuMillicores: 2000, memoryBytes: 0 } }),
              node('traffic-01-b'),
            ],
          },
    );
    const again = plan({
      ...input([deployment('d', { targets: { ids: ['traffic-01'] } })], { sites }),
      previousPlan: first,
    });
    expect(again.assignments[0].nodeName).toBe('traffic-01-a');
    expect(again.stats.retained).toBe(1);
  });

  it('moves only the assignments whose node stopped being valid', () => {
    const deployments = [preferred, edgeOnly];
    const first = plan(input(deployments));
    const inventory: Inventory = {
      sites: fleet().sites.map((s) =>
        s.id !== 'traffic-02'
          ? s
          : { ...s, nodes: [node('traffic-02-a', { ready: false }), node('traffic-02-b')] },
      ),
    };
    const second = plan({ ...input(deployments, inventory), previousPlan: first });
    const diff = diffPlans(first, second);
    expect(diff.moved.length).toBeGreaterThan(0);
    expect(diff.moved.every((m) => m.before.nodeName === 'traffic-02-a')).toBe(true);
    expect(diff.removed).toEqual([]);
  });

  it('brings failed-over replicas home once their site is reachable again', () => {
    const deployments = [preferred];
    const during = plan(input(deployments, markSiteUnreachable(fleet(), 'traffic-02')));
    expect(
      during.assignments
        .filter((a) => a.targetSiteId === 'traffic-02')
        .every((a) => a.siteId === 'central-01'),
    ).toBe(true);
    const after = plan({ ...input(deployments), previousPlan: during });
    expect(after.assignments.filter((a) => a.targetSiteId === 'traffic-02').map((a) => a.siteId)).toEqual([
      'traffic-02',
      'traffic-02',
    ]);
    expect(diffPlans(during, after).moved.every((m) => m.before.targetSiteId === 'traffic-02')).toBe(true);
  });

  it('does not pull replicas offloaded for lack of room back and forth', () => {
    const small = {
      sites: [site('traffic-01', { nodes: [node('n', { cpu: 1500 })] }), centralSite('central-01')],
    };
    const d = [
      deployment('d', { targets: { ids: ['traffic-01'] }, replicasPerSite: 2, policy: 'edge-preferred' }),
    ];
    const first = plan(input(d, small));
    expect(first.assignments.map((a) => a.offloadCode)).toEqual([undefined, 'insufficient-resources']);
    const second = plan({ ...input(d, small), previousPlan: first });
    expect(diffPlans(first, second)).toMatchObject({ moved: [], added: [], removed: [] });
  });

  it('drops previous assignments of deployments that no longer exist or no longer target the site', () => {
    const first = plan(input([preferred, edgeOnly]));
    const narrowed = { ...edgeOnly, targets: { ids: ['traffic-01'] } };
    const second = plan({ ...input([narrowed]), previousPlan: first });
    expect(second.assignments.map((a) => [a.deploymentId, a.targetSiteId])).toEqual([
      ['edge-only', 'traffic-01'],
    ]);
    expect(second.stats.retained).toBe(1);
  });
});

describe('replanAfterSiteLoss', () => {
  const deployments = [preferred, edgeOnly];

  it('moves only the lost site’s replicas: edge-preferred fail over, edge-only become unplaced', () => {
    const before = plan(input(deployments));
    const after = replanAfterSiteLoss(before, input(deployments), 'traffic-02');
    const diff = diffPlans(before, after);
    expect(
      diff.moved.map((m) => [m.before.deploymentId, m.before.siteId, m.after.siteId, m.after.offloadReason]),
    ).toEqual([
      ['preferred', 'traffic-02', 'central-01', 'site traffic-02 is unreachable'],
      ['preferred', 'traffic-02', 'central-01', 'site traffic-02 is unreachable'],
    ]);
    expect(diff.removed.map((a) => [a.deploymentId, a.siteId])).toEqual([['edge-only', 'traffic-02']]);
    expect(after.unplaced).toEqual([
      expect.objectContaining({
        deploymentId: 'edge-only',
        targetSiteId: 'traffic-02',
        reason: 'site traffic-02 is unreachable',
      }),
    ]);
    expect(diff.unchanged).toBe(before.assignments.length - 3);
  });

  it('gives the same plan as a full re-plan with the previous plan', () => {
    const before = plan(input(deployments));
    const incremental = replanAfterSiteLoss(before, input(deployments), 'traffic-01');
    const full = plan({
      ...input(deployments, markSiteUnreachable(fleet(), 'traffic-01')),
      previousPlan: before,
    });
    expect(incremental).toEqual(full);
  });

  it('refreshes the offload reason of replicas already running centrally for the lost site', () => {
    const tight = {
      sites: [site('traffic-01', { nodes: [node('n', { cpu: 1000 })] }), centralSite('central-01')],
    };
    const d = [
      deployment('d', { targets: { ids: ['traffic-01'] }, replicasPerSite: 2, policy: 'edge-preferred' }),
    ];
    const before = plan(input(d, tight));
    const after = replanAfterSiteLoss(before, input(d, tight), 'traffic-01');
    const offloadedBefore = before.assignments.find((a) => a.offloaded);
    const same = after.assignments.find((a) => a.replica === offloadedBefore?.replica);
    expect(same).toMatchObject({
      nodeName: offloadedBefore?.nodeName,
      offloadReason: 'site traffic-01 is unreachable',
    });
  });

  it('falls back to a full plan when the previous plan does not match the deployments', () => {
    const before = plan(input(deployments));
    const grown = [{ ...preferred, replicasPerSite: 3 }, edgeOnly];
    const after = replanAfterSiteLoss(before, input(grown), 'traffic-03');
    const full = plan({ ...input(grown, markSiteUnreachable(fleet(), 'traffic-03')), previousPlan: before });
    expect(after).toEqual(full);
    // One more preferred replica per traffic site (3), minus the edge-only replica of the lost site.
    expect(after.stats.placed).toBe(before.stats.placed + 3 - 1);
  });

  it('rejects an unknown site with a typed error', () => {
    const before = plan(input(deployments));
    expect(() => replanAfterSiteLoss(before, input(deployments), 'nowhere')).toThrow(PlacementInputError);
  });
});
