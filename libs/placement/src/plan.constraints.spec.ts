import { plan, type DeploymentSpec, type Plan, type Site } from './index';
import { centralSite, deployment, GiB, node, site } from './testing/builders';

function planFor(sites: Site[], deployments: DeploymentSpec[]): Plan {
  return plan({ inventory: { sites }, deployments });
}

const at = (p: Plan, deploymentId: string) => p.assignments.filter((a) => a.deploymentId === deploymentId);

describe('plan: hard constraints and the reasons given', () => {
  describe('node resources', () => {
    it('counts what non-Polis workloads already requested', () => {
      const busy = node('busy', { cpu: 4000, requested: { cpuMillicores: 3500, memoryBytes: 0 } });
      const p = planFor(
        [site('traffic-01', { nodes: [busy] })],
        [deployment('d', { targets: { ids: ['traffic-01'] } })],
      );
      expect(p.assignments).toEqual([]);
      expect(p.unplaced).toEqual([
        {
          deploymentId: 'd',
          targetSiteId: 'traffic-01',
          replicas: [0],
          code: 'insufficient-resources',
          reason:
            'no eligible node at traffic-01 has 1 CPU free (most free: busy with 500m CPU, 8 GiB memory)',
        },
      ]);
    });

    it('places replicas until the node is full and names the short resource for the rest', () => {
      const p = planFor(
        [site('traffic-01', { nodes: [node('n', { cpu: 8000, memory: 2 * GiB })] })],
        [
          deployment('d', {
            targets: { ids: ['traffic-01'] },
            replicasPerSite: 3,
            cpu: 1000,
            memory: 1 * GiB,
          }),
        ],
      );
      expect(at(p, 'd').map((a) => a.replica)).toEqual([0, 1]);
      expect(p.unplaced[0].replicas).toEqual([2]);
      expect(p.unplaced[0].reason).toMatch(/^no eligible node at traffic-01 has 1 GiB memory free/);
    });

    it('never over-commits accelerators', () => {
      const gpuNode = node('gpu', { accelerators: { 'nvidia.com/gpu': 1 } });
      const p = planFor(
        [site('safety-01', { kind: 'safety', nodes: [gpuNode, node('cpu-only', { cpu: 16000 })] })],
        [
          deployment('d', {
            targets: { kinds: ['safety'] },
            replicasPerSite: 2,
            accelerators: { 'nvidia.com/gpu': 1 },
          }),
        ],
      );
      expect(at(p, 'd').map((a) => a.nodeName)).toEqual(['gpu']);
      expect(p.unplaced[0].reason).toMatch(/has 1 nvidia\.com\/gpu free/);
    });

    it('reserves the model peak memory when it exceeds the requested memory', () => {
      const p = planFor(
        [site('traffic-01', { nodes: [node('n', { cpu: 16000, memory: 8 * GiB })] })],
        [
          deployment('d', {
            targets: { ids: ['traffic-01'] },
            replicasPerSite: 3,
            memory: 1 * GiB,
            profile: { flopsPerInference: 1e9, peakMemoryBytes: 3 * GiB },
          }),
        ],
      );
      expect(at(p, 'd')).toHaveLength(2);
    });
  });

  describe('node admission', () => {
    it('skips nodes that are not ready, and says so when none is', () => {
      const sites = [
        site('traffic-01', { nodes: [node('down', { ready: false }), node('up')] }),
        site('traffic-02', { nodes: [node('down', { ready: false })] }),
      ];
      const p = planFor(sites, [deployment('d', { targets: { kinds: ['traffic'] } })]);
      expect(at(p, 'd').map((a) => `${a.siteId}/${a.nodeName}`)).toEqual(['traffic-01/up']);
      expect(p.unplaced).toMatchObject([{ targetSiteId: 'traffic-02', code: 'node-not-ready' }]);
      expect(p.unplaced[0].reason).toBe('no node at traffic-02 is ready');
    });

    it('honours the node selector', () => {
      const sites = [
        site('energy-01', {
          kind: 'energy',
          nodes: [node('plain'), node('gpu', { labels: { gpu: 'true' } })],
        }),
        site('energy-02', { kind: 'energy', nodes: [node('plain')] }),
      ];
      const p = planFor(sites, [
        deployment('d', { targets: { kinds: ['energy'] }, nodeSelector: { gpu: 'true' } }),
      ]);
      expect(at(p, 'd').map((a) => a.nodeName)).toEqual(['gpu']);
      expect(p.unplaced).toMatchObject([
        {
          targetSiteId: 'energy-02',
          code: 'node-selector',
          reason: 'node selector gpu=true matches no ready node at energy-02',
        },
      ]);
    });

    it.each([
      [
        'NoSchedule without toleration',
        false,
        { key: 'dedicated', value: 'infra', effect: 'NoSchedule' as const },
        [],
      ],
      [
        'NoExecute without toleration',
        false,
        { key: 'dedicated', value: 'infra', effect: 'NoExecute' as const },
        [],
      ],
      [
        'PreferNoSchedule (soft)',
        true,
        { key: 'dedicated', value: 'infra', effect: 'PreferNoSchedule' as const },
        [],
      ],
      [
        'Equal with the same value',
        true,
        { key: 'dedicated', value: 'infra', effect: 'NoSchedule' as const },
        [{ key: 'dedicated', operator: 'Equal' as const, value: 'infra' }],
      ],
      [
        'Equal with another value',
        false,
        { key: 'dedicated', value: 'infra', effect: 'NoSchedule' as const },
        [{ key: 'dedicated', operator: 'Equal' as const, value: 'video' }],
      ],
      [
        'Exists on the key',
        true,
        { key: 'dedicated', value: 'infra', effect: 'NoExecute' as const },
        [{ key: 'dedicated', operator: 'Exists' as const }],
      ],
      [
        'Exists for another effect',
        false,
        { key: 'dedicated', value: 'infra', effect: 'NoExecute' as const },
        [{ key: 'dedicated', operator: 'Exists' as const, effect: 'NoSchedule' as const }],
      ],
      [
        'keyless Exists (tolerates all)',
        true,
        { key: 'maintenance', effect: 'NoSchedule' as const },
        [{ operator: 'Exists' as const }],
      ],
    ])('taint %s → admitted: %s', (_name, admitted, taint, tolerations) => {
      const p = planFor(
        [site('traffic-01', { nodes: [node('n', { taints: [taint] })] })],
        [deployment('d', { targets: { ids: ['traffic-01'] }, tolerations })],
      );
      expect(p.assignments).toHaveLength(admitted ? 1 : 0);
      if (!admitted) {
        expect(p.unplaced[0].code).toBe('taint');
        expect(p.unplaced[0].reason).toContain(`n has ${taint.key}`);
      }
    });

    it('rejects sites whose nodes cannot hold the model at all', () => {
      const p = planFor(
        [site('traffic-01', { nodes: [node('small', { memory: 8 * GiB })] })],
        [
          deployment('d', {
            targets: { ids: ['traffic-01'] },
            profile: { flopsPerInference: 1e9, peakMemoryBytes: 12 * GiB },
          }),
        ],
      );
      expect(p.unplaced[0]).toMatchObject({ code: 'model-memory' });
      expect(p.unplaced[0].reason).toBe(
        'model d-model@1 needs 12 GiB at peak but the largest eligible node at traffic-01 has 8 GiB memory available',
      );
    });
  });

  describe('locality, policies and the latency model', () => {
    const slowEdge = site('traffic-01', { rttToCentralMs: 10, nodes: [node('slow', { cpuGflops: 20 })] });
    const central = centralSite('central-01', {
      nodes: [node('big', { cpu: 64000, memory: 64 * GiB, cpuGflops: 200 })],
    });
    // 1 GFLOP: 50 ms on 20 GFLOPS at the edge; 10 ms RTT + 5 ms on 200 GFLOPS centrally.
    const heavy = { flopsPerInference: 1e9, peakMemoryBytes: 256 * 1024 ** 2 };

    it('edge-only: a site too slow for the SLO leaves the replica unplaced, with the estimate', () => {
      const p = planFor(
        [slowEdge, central],
        [
          deployment('d', {
            targets: { ids: ['traffic-01'] },
            profile: heavy,
            latencySloMs: 30,
            policy: 'edge-only',
          }),
        ],
      );
      expect(p.assignments).toEqual([]);
      expect(p.unplaced[0]).toMatchObject({ code: 'latency-slo' });
      expect(p.unplaced[0].reason).toBe(
        'estimated inference 50 ms on slow at 20 GFLOPS exceeds the 30 ms SLO at traffic-01',
      );
    });

    it('edge-preferred: a site too slow offloads to central when RTT + inference meets the SLO', () => {
      const p = planFor(
        [slowEdge, central],
        [
          deployment('d', {
            targets: { ids: ['traffic-01'] },
            profile: heavy,
            latencySloMs: 30,
            policy: 'edge-preferred',
          }),
        ],
      );
      expect(p.assignments).toEqual([
        expect.objectContaining({
          targetSiteId: 'traffic-01',
          siteId: 'central-01',
          nodeName: 'big',
          offloaded: true,
          offloadCode: 'latency-slo',
          estimatedLatencyMs: 15,
        }),
      ]);
      expect(p.assignments[0].offloadReason).toContain('exceeds the 30 ms SLO at traffic-01');
    });

    it('edge-preferred: stays unplaced when the central round trip also breaks the SLO', () => {
      const p = planFor(
        [slowEdge, central],
        [
          deployment('d', {
            targets: { ids: ['traffic-01'] },
            profile: heavy,
            latencySloMs: 12,
            policy: 'edge-preferred',
          }),
        ],
      );
      expect(p.unplaced[0].reason).toBe(
        'estimated inference 50 ms on slow at 20 GFLOPS exceeds the 12 ms SLO at traffic-01; central fallback: ' +
          'estimated 15 ms (RTT 10 ms + inference 5 ms on big at 200 GFLOPS) exceeds the 12 ms SLO at central-01',
      );
    });

    it('edge-preferred: offloads only the replicas the site has no room for', () => {
      const p = planFor(
        [site('traffic-01', { nodes: [node('n', { cpu: 1500 })] }), central],
        [deployment('d', { targets: { ids: ['traffic-01'] }, replicasPerSite: 2, policy: 'edge-preferred' })],
      );
      expect(at(p, 'd').map((a) => [a.siteId, a.offloaded, a.offloadCode])).toEqual([
        ['traffic-01', false, undefined],
        ['central-01', true, 'insufficient-resources'],
      ]);
    });

    it('unreachable site: edge-only is unplaced, edge-preferred fails over to central', () => {
      const down = site('traffic-03', { health: 'unreachable' });
      const p = planFor(
        [down, central],
        [
          deployment('only', { targets: { ids: ['traffic-03'] }, policy: 'edge-only' }),
          deployment('preferred', { targets: { ids: ['traffic-03'] }, policy: 'edge-preferred' }),
        ],
      );
      expect(p.unplaced).toEqual([
        expect.objectContaining({
          deploymentId: 'only',
          code: 'site-unreachable',
          reason: 'site traffic-03 is unreachable',
        }),
      ]);
      expect(at(p, 'preferred')).toEqual([
        expect.objectContaining({
          siteId: 'central-01',
          offloaded: true,
          offloadReason: 'site traffic-03 is unreachable',
        }),
      ]);
    });

    it('degraded sites still take workloads', () => {
      const p = planFor(
        [site('traffic-01', { health: 'degraded' })],
        [deployment('d', { targets: { ids: ['traffic-01'] } })],
      );
      expect(p.assignments).toHaveLength(1);
    });

    it('central policy: always runs centrally on behalf of each target site, never at the edge', () => {
      const p = planFor(
        [site('traffic-01'), site('traffic-02'), central],
        [deployment('d', { targets: { kinds: ['traffic'] }, policy: 'central' })],
      );
      expect(at(p, 'd').map((a) => [a.targetSiteId, a.siteId, a.offloaded, a.offloadCode])).toEqual([
        ['traffic-01', 'central-01', true, 'policy-central'],
        ['traffic-02', 'central-01', true, 'policy-central'],
      ]);
    });

    it('central policy without a usable central site explains why', () => {
      const none = planFor(
        [site('traffic-01')],
        [deployment('d', { targets: { ids: ['traffic-01'] }, policy: 'central' })],
      );
      expect(none.unplaced[0]).toMatchObject({ code: 'no-central-site', reason: 'no central site exists' });
      const down = planFor(
        [site('traffic-01'), centralSite('central-01', { health: 'unreachable' })],
        [deployment('d', { targets: { ids: ['traffic-01'] }, policy: 'central' })],
      );
      expect(down.unplaced[0]).toMatchObject({
        code: 'site-unreachable',
        reason: 'site central-01 is unreachable',
      });
    });

    it('prefers a central site in the target’s zone', () => {
      const p = planFor(
        [
          site('traffic-01', { zone: 'south' }),
          centralSite('central-a', { zone: 'north' }),
          centralSite('central-b', { zone: 'south' }),
        ],
        [deployment('d', { targets: { ids: ['traffic-01'] }, policy: 'central' })],
      );
      expect(p.assignments[0].siteId).toBe('central-b');
    });

    it('uses defaultNodeGflops for nodes that do not report their speed', () => {
      const unknownSpeed = site('traffic-01', { nodes: [node('n', { cpuGflops: undefined })] });
      const d = deployment('d', { targets: { ids: ['traffic-01'] }, profile: heavy, latencySloMs: 30 });
      expect(plan({ inventory: { sites: [unknownSpeed] }, deployments: [d] }).assignments).toHaveLength(0);
      const fast = plan(
        { inventory: { sites: [unknownSpeed] }, deployments: [d] },
        { defaultNodeGflops: 100 },
      );
      expect(fast.assignments[0].estimatedLatencyMs).toBe(10);
    });
  });

  describe('targets and strategy', () => {
    it('reports a deployment whose selector matches no site', () => {
      const p = planFor(
        [site('traffic-01')],
        [deployment('d', { targets: { kinds: ['traffic'], zones: ['east'] } })],
      );
      expect(p.unplaced).toEqual([
        {
          deploymentId: 'd',
          targetSiteId: null,
          replicas: [],
          code: 'no-target-site',
          reason: 'no site matches the targets of d (kind traffic, zone east)',
        },
      ]);
    });

    it('selects target sites by ids, kinds, zones and labels together', () => {
      const sites = [
        site('traffic-01', { zone: 'north', labels: { ring: 'inner' } }),
        site('traffic-02', { zone: 'north', labels: { ring: 'outer' } }),
        site('traffic-03', { zone: 'south', labels: { ring: 'inner' } }),
        site('energy-01', { kind: 'energy', zone: 'north', labels: { ring: 'inner' } }),
      ];
      const p = planFor(sites, [
        deployment('d', { targets: { kinds: ['traffic'], zones: ['north'], labels: { ring: 'inner' } } }),
      ]);
      expect(p.assignments.map((a) => a.targetSiteId)).toEqual(['traffic-01']);
    });

    it('spread puts replicas on the least-loaded node, pack on the most-loaded node that fits', () => {
      const sites = [site('traffic-01', { nodes: [node('a'), node('b')] })];
      const nodesOf = (strategy: 'spread' | 'pack') =>
        at(
          planFor(sites, [
            deployment('d', { targets: { ids: ['traffic-01'] }, replicasPerSite: 2, strategy }),
          ]),
          'd',
        ).map((a) => a.nodeName);
      expect(nodesOf('spread')).toEqual(['a', 'b']);
      expect(nodesOf('pack')).toEqual(['a', 'a']);
    });
  });
});
