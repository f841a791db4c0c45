import { firstFitDecreasing, plan } from './index';
import { centralSite, deployment, node, site } from './testing/builders';

describe('firstFitDecreasing baseline', () => {
  it('packs the largest replicas first under the same hard constraints', () => {
    const input = {
      inventory: {
        sites: [site('traffic-01', { nodes: [node('a', { cpu: 3000 }), node('b', { cpu: 2000 })] })],
      },
      deployments: [
        deployment('small', { targets: { ids: ['traffic-01'] }, cpu: 1000, replicasPerSite: 3 }),
        deployment('large', { targets: { ids: ['traffic-01'] }, cpu: 2000, replicasPerSite: 1 }),
        deployment('needs-gpu-node', { targets: { ids: ['traffic-01'] }, nodeSelector: { gpu: 'true' } }),
      ],
    };
    expect(firstFitDecreasing(input)).toEqual({ requested: 5, placed: 4, unplaced: 1 });
    expect(plan(input).stats.placed).toBe(4);
  });

  it('uses central sites only where the policy allows', () => {
    const input = {
      inventory: { sites: [site('traffic-01', { health: 'unreachable' }), centralSite('central-01')] },
      deployments: [
        deployment('only', { targets: { ids: ['traffic-01'] }, policy: 'edge-only' }),
        deployment('preferred', { targets: { ids: ['traffic-01'] }, policy: 'edge-preferred' }),
      ],
    };
    expect(firstFitDecreasing(input)).toMatchObject({ placed: 1, unplaced: 1 });
  });
});
