/**
 * fast-check generators for small random fleets and deployments. Value ranges are narrow on purpose
 * (few labels, taints, zones, sizes) so that selectors match, nodes fill up and priorities collide often.
 */
import fc from 'fast-check';
import type {
  DeploymentSpec,
  FleetNode,
  PlacementPolicy,
  PlacementStrategy,
  PlanInput,
  Site,
  SiteHealth,
  SiteKind,
  Taint,
  Toleration,
} from '../model';

const GiB = 1024 ** 3;
const ZONES = ['north', 'south'];
const KINDS: SiteKind[] = ['traffic', 'energy', 'safety', 'central'];

const taintArb: fc.Arbitrary<Taint> = fc.constantFrom<Taint>(
  { key: 'dedicated', value: 'infra', effect: 'NoSchedule' },
  { key: 'dedicated', value: 'video', effect: 'NoExecute' },
  { key: 'maintenance', effect: 'NoSchedule' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
);

const tolerationArb: fc.Arbitrary<Toleration> = fc.constantFrom<Toleration>(
  { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' },
  { key: 'dedicated', operator: 'Exists' },
  { key: 'maintenance', operator: 'Exists', effect: 'NoSchedule' },
  { operator: 'Exists', effect: 'NoExecute' },
);

const nodeArb = (name: string): fc.Arbitrary<FleetNode> =>
  fc
    .record({
      cpu: fc.integer({ min: 2, max: 16 }).map((n) => n * 1000),
      memoryGiB: fc.integer({ min: 2, max: 32 }),
      usedFraction: fc.constantFrom(0, 0, 0.25, 0.5),
      gpus: fc.constantFrom(0, 0, 1, 2),
      gpuLabel: fc.boolean(),
      taints: fc.oneof(
        { weight: 3, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(taintArb, { maxLength: 2 }) },
      ),
      readyRoll: fc.integer({ min: 0, max: 9 }), // 1 in 10 nodes is not ready
      gflops: fc.option(fc.constantFrom(5, 50, 100, 200), { nil: undefined }),
    })
    .map((n) => ({
      name,
      allocatable: {
        cpuMillicores: n.cpu,
        memoryBytes: n.memoryGiB * GiB,
        ...(n.gpus > 0 ? { accelerators: { 'nvidia.com/gpu': n.gpus } } : {}),
      },
      requested: {
        cpuMillicores: Math.floor(n.cpu * n.usedFraction),
        memoryBytes: Math.floor(n.memoryGiB * GiB * n.usedFraction),
      },
      labels: n.gpuLabel ? { gpu: 'true' } : { gpu: 'false' },
      taints: n.taints,
      ready: n.readyRoll > 0,
      ...(n.gflops === undefined ? {} : { cpuGflops: n.gflops }),
    }));

const siteArb = (index: number): fc.Arbitrary<Site> =>
  fc
    .record({
      kind: fc.constantFrom<SiteKind>(...KINDS, 'central'),
      zone: fc.constantFrom(...ZONES),
      health: fc.constantFrom<SiteHealth>(
        'healthy',
        'healthy',
        'healthy',
        'healthy',
        'degraded',
        'unreachable',
      ),
      rtt: fc.constantFrom(2, 10, 40),
      ring: fc.constantFrom('inner', 'outer'),
      nodeCount: fc.constantFrom(0, 1, 1, 2, 2, 2, 3, 3),
    })
    .chain((s) =>
      fc.tuple(...Array.from({ length: s.nodeCount }, (_, n) => nodeArb(`n${n}`))).map(
        (nodes): Site => ({
          id: `site-${index}`,
          kind: s.kind,
          zone: s.zone,
          labels: { ring: s.ring },
          health: s.health,
          rttToCentralMs: s.kind === 'central' ? 0 : s.rtt,
          nodes,
        }),
      ),
    );

const deploymentArb = (index: number, siteCount: number): fc.Arbitrary<DeploymentSpec> =>
  fc
    .record({
      selector: fc.oneof(
        fc.record({ kinds: fc.subarray(KINDS, { minLength: 1 }) }),
        fc.record({ zones: fc.subarray(ZONES, { minLength: 1 }) }),
        fc.record({ labels: fc.constantFrom({ ring: 'inner' }, { ring: 'outer' }) }),
        fc.record({
          ids: fc.subarray(
            Array.from({ length: siteCount }, (_, i) => `site-${i}`),
            { minLength: 1 },
          ),
        }),
      ),
      replicas: fc.constantFrom(0, 1, 2, 2, 3, 4),
      cpu: fc.integer({ min: 1, max: 8 }).map((n) => n * 250),
      memoryGiB: fc.constantFrom(0.25, 0.5, 1, 2, 4, 8),
      peakGiB: fc.constantFrom(0.25, 0.5, 1, 12),
      gpu: fc.constantFrom(0, 0, 0, 1),
      gpuSelector: fc.constantFrom(false, false, false, true),
      tolerations: fc.array(tolerationArb, { maxLength: 2 }),
      gflop: fc.constantFrom(0.1, 0.5, 2),
      slo: fc.option(fc.constantFrom(5, 30, 120, 120), { nil: undefined }),
      priority: fc.integer({ min: 0, max: 3 }),
      policy: fc.constantFrom<PlacementPolicy>('edge-only', 'edge-preferred', 'central'),
      strategy: fc.constantFrom<PlacementStrategy>('spread', 'pack'),
    })
    .map(
      (d): DeploymentSpec => ({
        id: `dep-${index}`,
        model: { name: `model-${index}`, version: '1' },
        profile: { flopsPerInference: d.gflop * 1e9, peakMemoryBytes: d.peakGiB * GiB },
        targets: d.selector,
        replicasPerSite: d.replicas,
        resources: {
          cpuMillicores: d.cpu,
          memoryBytes: d.memoryGiB * GiB,
          ...(d.gpu > 0 ? { accelerators: { 'nvidia.com/gpu': d.gpu } } : {}),
        },
        ...(d.gpuSelector ? { nodeSelector: { gpu: 'true' } } : {}),
        tolerations: d.tolerations,
        ...(d.slo === undefined ? {} : { latencySloMs: d.slo }),
        priority: d.priority,
        policy: d.policy,
        strategy: d.strategy,
      }),
    );

/** A deployment that outranks everything `planInputArb` makes (priorities 0..3), to force preemption. */
export const urgentDeploymentArb = (siteCount: number): fc.Arbitrary<DeploymentSpec> =>
  deploymentArb(99, siteCount).map((d) => ({ ...d, id: 'urgent', priority: 10 }));

export const planInputArb: fc.Arbitrary<PlanInput> = fc
  .record({ siteCount: fc.integer({ min: 1, max: 6 }), deploymentCount: fc.integer({ min: 1, max: 6 }) })
  .chain(({ siteCount, deploymentCount }) =>
    fc.record({
      sites: fc.tuple(...Array.from({ length: siteCount }, (_, i) => siteArb(i))),
      deployments: fc.tuple(
        ...Array.from({ length: deploymentCount }, (_, i) => deploymentArb(i, siteCount)),
      ),
    }),
  )
  .map(({ sites, deployments }) => ({ inventory: { sites }, deployments }));
