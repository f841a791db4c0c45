import { plan, type DeploymentSpec, type Plan, type Site } from './index';
import { centralSite, deployment, node, site } from './testing/builders';

const oneSlot = (): Site[] => [site('traffic-01', { nodes: [node('n', { cpu: 1000 })] })];
const target = { ids: ['traffic-01'] };

function replan(
  sites: Site[],
  before: DeploymentSpec[],
  after: DeploymentSpec[],
): { first: Plan; second: Plan } {
  const first = plan({ inventory: { sites }, deployments: before });
  const second = plan({ inventory: { sites }, deployments: after, previousPlan: first });
  return { first, second };
}

describe('plan: priorities and preemption', () => {
  it('places higher priorities first when they compete for the same room', () => {
    const p = plan({
      inventory: { sites: oneSlot() },
      deployments: [
        deployment('a-low', { targets: target, priority: 1 }),
        deployment('z-high', { targets: target, priority: 5 }),
      ],
    });
    expect(p.assignments.map((a) => a.deploymentId)).toEqual(['z-high']);
    expect(p.unplaced.map((u) => u.deploymentId)).toEqual(['a-low']);
    expect(p.preemptions).toEqual([]);
  });

  it('preempts a lower-priority assignment kept from the previous plan and records why', () => {
    const low = deployment('low', { targets: target, priority: 1 });
    const high = deployment('high', { targets: target, priority: 10 });
    const { second } = replan(oneSlot(), [low], [low, high]);
    expect(second.assignments.map((a) => a.deploymentId)).toEqual(['high']);
    expect(second.preemptions).toEqual([
      {
        victim: {
          deploymentId: 'low',
          targetSiteId: 'traffic-01',
          replica: 0,
          priority: 1,
          siteId: 'traffic-01',
          nodeName: 'n',
        },
        preemptor: { deploymentId: 'high', targetSiteId: 'traffic-01', replica: 0, priority: 10 },
        reason:
          'evicted from n at traffic-01 for high (priority 10 > 1), which needs 1 CPU, 1 GiB memory there for site traffic-01',
      },
    ]);
    expect(second.unplaced).toEqual([
      expect.objectContaining({
        deploymentId: 'low',
        reason: expect.stringMatching(/^preempted by high \(priority 10\); no eligible node/),
      }),
    ]);
    expect(second.stats.preempted).toBe(1);
  });

  it('re-places a preempted replica elsewhere when there is room', () => {
    const sites = [site('traffic-01', { nodes: [node('n', { cpu: 1000 })] }), centralSite('central-01')];
    const low = deployment('low', { targets: target, priority: 1, policy: 'edge-preferred' });
    const high = deployment('high', { targets: target, priority: 10, policy: 'edge-only' });
    const { second } = replan(sites, [low], [low, high]);
    expect(second.assignments.map((a) => [a.deploymentId, a.siteId])).toEqual([
      ['high', 'traffic-01'],
      ['low', 'central-01'],
    ]);
    expect(second.preemptions).toHaveLength(1);
  });

  it('evicts as little as possible: the lowest priorities, and only as many as needed', () => {
    const sites = [site('traffic-01', { nodes: [node('n', { cpu: 3000 })] })];
    const p0 = deployment('p0', { targets: target, priority: 0 });
    const p1 = deployment('p1', { targets: target, priority: 1 });
    const p2 = deployment('p2', { targets: target, priority: 2 });
    const urgent = deployment('urgent', { targets: target, priority: 9 });
    const { first, second } = replan(sites, [p0, p1, p2], [p0, p1, p2, urgent]);
    expect(first.assignments).toHaveLength(3);
    expect(second.preemptions.map((p) => p.victim.deploymentId)).toEqual(['p0']);
    expect(second.assignments.map((a) => a.deploymentId).sort()).toEqual(['p1', 'p2', 'urgent']);
  });

  it('never preempts an equal priority', () => {
    const a = deployment('a', { targets: target, priority: 3 });
    const b = deployment('b', { targets: target, priority: 3 });
    const { second } = replan(oneSlot(), [a], [a, b]);
    expect(second.assignments.map((x) => x.deploymentId)).toEqual(['a']);
    expect(second.preemptions).toEqual([]);
  });

  it('offloads to a central site with room rather than preempting at the edge', () => {
    const sites = [...oneSlot(), centralSite('central-01')];
    const low = deployment('low', { targets: target, priority: 1, policy: 'edge-only' });
    const high = deployment('high', { targets: target, priority: 10, policy: 'edge-preferred' });
    const { second } = replan(sites, [low], [low, high]);
    expect(second.preemptions).toEqual([]);
    expect(second.assignments.map((a) => [a.deploymentId, a.siteId])).toEqual([
      ['high', 'central-01'],
      ['low', 'traffic-01'],
    ]);
  });
});
