import type { ModelWorkloadInput } from '../input';

/** Inputs of the golden files and the base the unit specs vary. Test support only, not part of the lib's API. */
export function minimalCpuInput(): ModelWorkloadInput {
  return {
    deploymentId: 'dep-7f3a',
    siteId: 'north-3',
    natsUrl: 'nats://hub.polis.example:4222',
    model: {
      name: 'traffic-anomaly',
      version: '1.2.0',
      artifactUrl: 'https://hub.polis.example/artifacts/traffic-anomaly/1.2.0/model.onnx',
      artifactSha256: '3b1f7a9c0e5d2f4a6b8c1d3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a',
    },
    sensorKinds: ['traffic-loop'],
    runtime: { image: 'ghcr.io/polis-city/model-runner', version: '0.4.1' },
  };
}

export function gpuWithTolerationsInput(): ModelWorkloadInput {
  return {
    deploymentId: 'dep-c91e',
    siteId: 'harbour-1',
    subjectPrefix: 'polis',
    natsUrl: 'tls://hub.polis.example:4222',
    model: {
      name: 'crowd-density',
      version: '3.0.1-rc.2',
      artifactUrl: 'https://hub.polis.example/artifacts/crowd-density/3.0.1-rc.2/model.onnx',
      artifactSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    },
    sensorKinds: ['camera-count', 'air-quality'],
    runtime: {
      image: 'registry.polis.example:5000/edge/model-runner-cuda',
      version: '0.4.1-cuda12',
      httpPort: 9090,
    },
    replicas: 2,
    batching: { maxBatchSize: 64, maxWaitMs: 50 },
    resources: { cpu: { request: '1', limit: '4' }, memory: { request: '2Gi', limit: '6Gi' } },
    cacheSizeLimit: '8Gi',
    gpu: { count: 1, accelerator: 'nvidia-t4', runtimeClassName: 'nvidia' },
    placement: {
      nodeSelector: { 'polis.city/site-kind': 'safety' },
      requiredNodeLabels: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }],
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        {
          key: 'polis.city/dedicated',
          operator: 'Equal',
          value: 'inference',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    },
  };
}

export function longNamesInput(): ModelWorkloadInput {
  return {
    ...minimalCpuInput(),
    deploymentId: '5f0c6d2e-8a41-4b7e-9c3d-2e1f0a9b8c7d',
    siteId: 'energy-substation-riverside-industrial-park-feeder-north-07',
    model: {
      ...minimalCpuInput().model,
      name: 'substation-transformer-thermal-anomaly-detector-v2',
    },
    sensorKinds: ['energy-meter'],
  };
}

/** A copy at a central site serving north-3: north-3's subjects and labels, central-1's nodes. */
export function centralCopyInput(): ModelWorkloadInput {
  return {
    ...minimalCpuInput(),
    deploymentId: 'dep-7f3a--north-3',
    runsOnSiteId: 'central-1',
    subjectPrefix: 'city.turin',
  };
}

export const GOLDEN_CASES: ReadonlyArray<{ file: string; input: () => ModelWorkloadInput }> = [
  { file: 'cpu-minimal.yaml', input: minimalCpuInput },
  { file: 'gpu-with-tolerations.yaml', input: gpuWithTolerationsInput },
  { file: 'long-names.yaml', input: longNamesInput },
  { file: 'central-copy.yaml', input: centralCopyInput },
];
