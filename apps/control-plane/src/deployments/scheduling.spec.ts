import { plan, type Inventory, type Site } from '@polis/placement';
import { createDeploymentSchema, type DeploymentSpecBody } from './deployment.schema';
import type { ModelRequirements } from './model-profile';
import { placementDeployments } from './placement-input';
import { deploymentScheduling } from './scheduling';

const MiB = 1024 * 1024;
const GPU = 'nvidia.com/gpu';
const GPU_TOLERATION = { key: GPU, operator: 'Exists', effect: 'NoSchedule' };

function model(accelerators: Record<string, number>): ModelRequirements {
  return {
    profile: { flopsPerInference: 1000, peakMemoryBytes: 64 * MiB },
    defaultResources: { cpuMillicores: 100, memoryBytes: 64 * MiB },
    defaultLatencySloMs: 50,
    sensorKinds: ['camera-count'],
    sha256: 'a'.repeat(64),
    accelerators,
  };
}

const body = (extra: Record<string, unknown> = {}): DeploymentSpecBody =>
  createDeploymentSchema.parse({
    id: 'crowd',
    model: { name: 'crowd-density', version: '1.0.0' },
    targets: { kinds: ['safety'] },
    policy: 'edge-only',
    ...extra,
  });

describe(deploymentScheduling.name, () => {
  it("asks for the model's accelerator and tolerates the taint such nodes carry", () => {
    expect(deploymentScheduling(body(), [model({ [GPU]: 1 })])).toEqual({
      accelerators: { [GPU]: 1 },
      nodeSelector: {},
      tolerations: [GPU_TOLERATION],
    });
  });

  it('adds nothing for a CPU model, and keeps what the deployment says', () => {
    const own = body({
      nodeSelector: { 'polis.city/zone': 'north' },
      tolerations: [{ key: 'polis.city/dedicated', value: 'inference', effect: 'NoExecute' }],
    });
    expect(deploymentScheduling(own, [model({})])).toEqual({
      accelerators: {},
      nodeSelector: { 'polis.city/zone': 'north' },
      tolerations: [
        { key: 'polis.city/dedicated', operator: 'Equal', value: 'inference', effect: 'NoExecute' },
      ],
    });
  });

  it("lets the deployment's accelerators replace the model's, and needs the most any rollout version needs", () => {
    const own = body({
      resources: { cpuMillicores: 500, memoryBytes: MiB, accelerators: { 'amd.com/gpu': 2 } },
    });
    expect(deploymentScheduling(own, [model({ [GPU]: 1 })]).accelerators).toEqual({ 'amd.com/gpu': 2 });
    expect(deploymentScheduling(body(), [model({ [GPU]: 1 }), model({ [GPU]: 2 }), model({})])).toMatchObject(
      {
        accelerators: { [GPU]: 2 },
        tolerations: [GPU_TOLERATION],
      },
    );
  });

  it('does not add a toleration the deployment already has in another form', () => {
    const tolerateAll = body({ tolerations: [{ operator: 'Exists' }] });
    expect(deploymentScheduling(tolerateAll, [model({ [GPU]: 1 })]).tolerations).toEqual([
      { operator: 'Exists' },
    ]);
  });
});

describe('deployment body scheduling fields', () => {
  const problems = (extra: Record<string, unknown>) => {
    const result = createDeploymentSchema.safeParse({ ...body(), ...extra });
    return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
  };

  it.each([
    [
      'resources.accelerators.gpu',
      { resources: { cpuMillicores: 1, memoryBytes: 1, accelerators: { gpu: 1 } } },
    ],
    [
      'resources.accelerators',
      { resources: { cpuMillicores: 1, memoryBytes: 1, accelerators: { [GPU]: 1, 'amd.com/gpu': 1 } } },
    ],
    [
      'resources.accelerators.nvidia.com/gpu',
      { resources: { cpuMillicores: 1, memoryBytes: 1, accelerators: { [GPU]: 0 } } },
    ],
    ['nodeSelector', { nodeSelector: { 'polis.city/site': 'elsewhere' } }],
    ['nodeSelector.bad key!', { nodeSelector: { 'bad key!': 'x' } }],
    ['tolerations.0.value', { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }],
    ['tolerations.0.key', { tolerations: [{ operator: 'Equal', value: 'v' }] }],
  ])('names %s when it is wrong', (path, extra) => {
    expect(problems(extra)).toContain(path);
  });
});

describe('placing a GPU model', () => {
  const site = (id: string, gpus: number): Site => ({
    id,
    kind: 'safety',
    zone: 'north',
    labels: {},
    health: 'healthy',
    rttToCentralMs: 10,
    nodes: [
      {
        name: `${id}-node-0`,
        allocatable: {
          cpuMillicores: 4000,
          memoryBytes: 8192 * MiB,
          accelerators: gpus ? { [GPU]: gpus } : {},
        },
        requested: { cpuMillicores: 0, memoryBytes: 0 },
        labels: {},
        taints: gpus ? [{ key: GPU, value: 'present', effect: 'NoSchedule' }] : [],
        ready: true,
      },
    ],
  });
  const inventory: Inventory = { sites: [site('safety-cpu', 0), site('safety-gpu', 1)] };

  it('runs only where the device is, past its taint, and says why the other site has none', () => {
    const { specs } = placementDeployments([{ spec: body(), versions: ['1.0.0'] }], () =>
      model({ [GPU]: 1 }),
    );
    expect(specs[0]).toMatchObject({
      resources: { accelerators: { [GPU]: 1 } },
      tolerations: [GPU_TOLERATION],
    });
    const result = plan({ inventory, deployments: specs });
    expect(result.assignments.map((a) => [a.targetSiteId, a.siteId])).toEqual([['safety-gpu', 'safety-gpu']]);
    expect(result.unplaced).toHaveLength(1);
    expect(result.unplaced[0]).toMatchObject({ targetSiteId: 'safety-cpu', code: 'insufficient-resources' });
    expect(result.unplaced[0].reason).toContain(GPU);
  });

  it('is kept off the GPU node by its taint when it does not tolerate it (a CPU model)', () => {
    const { specs } = placementDeployments(
      [{ spec: body({ targets: { ids: ['safety-gpu'] } }), versions: ['1.0.0'] }],
      () => model({}),
    );
    const result = plan({ inventory, deployments: specs });
    expect(result.assignments).toEqual([]);
    expect(result.unplaced[0]).toMatchObject({ code: 'taint' });
  });
});
