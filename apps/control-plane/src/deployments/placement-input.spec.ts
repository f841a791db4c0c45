import type { ModelVersionRecord } from '@polis/contracts';
import type { DeploymentSpecBody } from './deployment.schema';
import { modelRequirements } from './model-profile';
import { placementDeployments } from './placement-input';

const MiB = 1024 * 1024;

function record(version: string, insight: unknown, memoryMiB = 64): ModelVersionRecord {
  return {
    name: 'flow',
    version,
    sha256: version.replace(/\./g, '').padEnd(64, '0'),
    sizeBytes: 1,
    createdAt: '',
    insight,
    smokeTest: { sessionCreated: true, inferenceOk: true, latencyMs: 1 },
    metadata: {
      task: 'forecast',
      description: '',
      siteKinds: ['traffic'],
      telemetry: [
        { sensorKind: 'traffic-loop', fields: ['count'], windowLength: 4, intervalSeconds: 60 },
        { sensorKind: 'traffic-loop', fields: ['speed'], windowLength: 4, intervalSeconds: 60 },
      ],
      context: [],
      inputs: [],
      outputs: [],
      resources: { cpuMillicores: 100, memoryMiB, estimatedFlops: 10 },
      latencySloMs: 50,
    },
  };
}

const spec: DeploymentSpecBody = {
  id: 'd',
  model: { name: 'flow', version: '2.0.0' },
  targets: { kinds: ['traffic'] },
  replicasPerSite: 1,
  priority: 3,
  policy: 'edge-preferred',
  rollout: { strategy: 'rolling', analysisMs: 30_000, maxErrorRate: 0.05, minInferences: 20, failFast: true },
};

describe(modelRequirements.name, () => {
  it("prefers the registry's measured figures to the declared ones, and lists each sensor kind once", () => {
    const measured = modelRequirements(
      record('1.0.0', { estimatedFlops: 500, estimatedPeakMemoryBytes: 3 * MiB }),
    );
    expect(measured.profile).toEqual({ flopsPerInference: 500, peakMemoryBytes: 3 * MiB });
    expect(measured.sensorKinds).toEqual(['traffic-loop']);
    const declared = modelRequirements(record('1.0.0', 'not an insight'));
    expect(declared.profile).toEqual({ flopsPerInference: 10, peakMemoryBytes: 64 * MiB });
    expect(declared.defaultResources).toEqual({ cpuMillicores: 100, memoryBytes: 64 * MiB });
    expect(declared.accelerators).toEqual({});
  });

  it('reads the metadata accelerator as one device of that extended resource', () => {
    const withDevice = (accelerator: string) => {
      const r = record('1.0.0', undefined);
      return { ...r, metadata: { ...r.metadata, resources: { ...r.metadata.resources, accelerator } } };
    };
    expect(modelRequirements(withDevice('nvidia.com/gpu')).accelerators).toEqual({ 'nvidia.com/gpu': 1 });
    // Not something a node advertises: Kubernetes could not be asked for it.
    expect(modelRequirements(withDevice('nvidia-t4')).accelerators).toEqual({});
  });
});

describe(placementDeployments.name, () => {
  const models = new Map([
    ['1.0.0', modelRequirements(record('1.0.0', { estimatedFlops: 900, estimatedPeakMemoryBytes: MiB }))],
    [
      '2.0.0',
      modelRequirements(record('2.0.0', { estimatedFlops: 100, estimatedPeakMemoryBytes: 9 * MiB }, 128)),
    ],
  ]);
  const lookup = (_name: string, version: string) => models.get(version);

  it('defaults resources and SLO to the metadata, and plans room for both versions of a rollout', () => {
    const { specs, blocked } = placementDeployments([{ spec, versions: ['2.0.0', '1.0.0'] }], lookup);
    expect(blocked.size).toBe(0);
    expect(specs[0]).toMatchObject({
      id: 'd',
      resources: { cpuMillicores: 100, memoryBytes: 128 * MiB },
      latencySloMs: 50,
      priority: 3,
      profile: { flopsPerInference: 900, peakMemoryBytes: 9 * MiB },
    });
  });

  it('keeps what the deployment sets, and blocks a deployment whose model version is missing', () => {
    const own = { ...spec, resources: { cpuMillicores: 7, memoryBytes: 8 }, latencySloMs: 20 };
    expect(placementDeployments([{ spec: own, versions: ['2.0.0'] }], lookup).specs[0]).toMatchObject({
      resources: { cpuMillicores: 7, memoryBytes: 8 },
      latencySloMs: 20,
    });
    const { specs, blocked } = placementDeployments([{ spec, versions: ['2.0.0', '0.9.0'] }], lookup);
    expect(specs).toEqual([]);
    expect(blocked.get('d')).toBe('model flow@0.9.0 is not in the registry');
  });
});
