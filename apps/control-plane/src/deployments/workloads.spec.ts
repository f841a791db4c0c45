import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { ANNOTATION_SERVES_SITE } from '@polis/manifests';
import type { Assignment } from '@polis/placement';
import type { ModelRequirements } from './model-profile';
import { renderIntents, type RenderContext } from './render-workloads';
import {
  intentsFromPlan,
  runnerDeploymentId,
  withDraining,
  workloadKey,
  type WorkloadIntent,
} from './workloads';

function assignment(targetSiteId: string, siteId: string, replica = 0, deploymentId = 'flow'): Assignment {
  return {
    deploymentId,
    targetSiteId,
    replica,
    siteId,
    nodeName: `${siteId}-node-0`,
    offloaded: siteId !== targetSiteId,
    estimatedLatencyMs: 1,
  };
}

const MODEL: ModelRequirements = {
  profile: { flopsPerInference: 1000, peakMemoryBytes: 300 * 1024 * 1024 },
  defaultResources: { cpuMillicores: 100, memoryBytes: 64 * 1024 * 1024 },
  defaultLatencySloMs: 50,
  sensorKinds: ['traffic-loop'],
  sha256: 'a'.repeat(64),
  accelerators: {},
};

const CONTEXT: RenderContext = {
  subjectPrefix: 'polis',
  runner: { image: 'ghcr.io/polis-city/edge-runtime', version: '0.1.0', natsUrl: 'nats://hub:4222' },
  publicUrl: 'https://hub.polis.test',
  deployment: (id) =>
    id === 'flow'
      ? {
          modelName: 'traffic-flow',
          resources: { cpuMillicores: 250, memoryBytes: 128 * 1024 * 1024 },
          spec: {},
        }
      : undefined,
  model: (name, version) => (name === 'traffic-flow' && version !== '9.9.9' ? MODEL : undefined),
};

describe(intentsFromPlan.name, () => {
  it('groups replicas per (deployment, target, running site), each at the version its target is given', () => {
    const intents = intentsFromPlan(
      {
        assignments: [
          assignment('t1', 't1', 0),
          assignment('t1', 't1', 1),
          assignment('t2', 't2', 0),
          assignment('t2', 'c1', 1),
        ],
      },
      (_id, target) => (target === 't1' ? '2.0.0' : '1.0.0'),
    );
    expect(intents).toEqual([
      { deploymentId: 'flow', targetSiteId: 't1', siteId: 't1', replicas: 2, version: '2.0.0' },
      { deploymentId: 'flow', targetSiteId: 't2', siteId: 'c1', replicas: 1, version: '1.0.0' },
      { deploymentId: 'flow', targetSiteId: 't2', siteId: 't2', replicas: 1, version: '1.0.0' },
    ]);
  });

  it('names a central copy <id>--<target>, which no deployment id can be, and stays a DNS label when long', () => {
    expect(runnerDeploymentId({ deploymentId: 'flow', targetSiteId: 't1', siteId: 't1' })).toBe('flow');
    expect(runnerDeploymentId({ deploymentId: 'flow', targetSiteId: 't1', siteId: 'c1' })).toBe('flow--t1');
    const long = runnerDeploymentId({
      deploymentId: 'd'.repeat(40),
      targetSiteId: 't'.repeat(63),
      siteId: 'c',
    });
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.startsWith(`${'d'.repeat(40)}--`)).toBe(true);
  });
});

describe(withDraining.name, () => {
  const home: WorkloadIntent = {
    deploymentId: 'flow',
    targetSiteId: 't1',
    siteId: 't1',
    replicas: 1,
    version: '1',
  };
  const copy: WorkloadIntent = { ...home, siteId: 'c1' };
  const reachable = () => true;

  it('keeps a copy the plan dropped until what now serves its target is Ready', () => {
    const notYet = withDraining([home], [copy], { isReady: () => false, isReachable: reachable });
    expect(notYet.map((i) => [workloadKey(i), i.draining === true])).toEqual([
      ['flow/t1@c1', true],
      ['flow/t1@t1', false],
    ]);
    expect(withDraining([home], notYet, { isReady: () => true, isReachable: reachable })).toEqual([home]);
  });

  it('drops at once a workload nothing replaces, or one on a site that is lost', () => {
    expect(withDraining([], [copy], { isReady: () => false, isReachable: reachable })).toEqual([]);
    expect(withDraining([home], [copy], { isReady: () => false, isReachable: (s) => s !== 'c1' })).toEqual([
      home,
    ]);
  });
});

describe(renderIntents.name, () => {
  const intents: WorkloadIntent[] = [
    { deploymentId: 'flow', targetSiteId: 't1', siteId: 't1', replicas: 2, version: '1.0.0' },
    { deploymentId: 'flow', targetSiteId: 't2', siteId: 'c1', replicas: 1, version: '1.0.0' },
    { deploymentId: 'flow', targetSiteId: 'c1', siteId: 'c1', replicas: 1, version: '1.0.0' },
  ];

  it('puts each workload on the cluster it runs on, with the namespace first and labelled for that cluster', () => {
    const { objectsBySite, errors } = renderIntents(intents, CONTEXT);
    expect(errors.size).toBe(0);
    const kinds = (site: string) => objectsBySite.get(site)?.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(kinds('t1')).toEqual([
      'Namespace/polis-models',
      'ConfigMap/traffic-flow-flow-config',
      'Deployment/traffic-flow-flow',
      'Service/traffic-flow-flow',
    ]);
    expect(kinds('c1')).toEqual([
      'Namespace/polis-models',
      'ConfigMap/traffic-flow-flow--t2-config',
      'Deployment/traffic-flow-flow--t2',
      'Service/traffic-flow-flow--t2',
      'ConfigMap/traffic-flow-flow-config',
      'Deployment/traffic-flow-flow',
      'Service/traffic-flow-flow',
    ]);
    expect(objectsBySite.get('c1')?.[0].metadata?.labels?.['polis.city/site']).toBe('c1');
  });

  it('renders a central copy with the subjects of the site it serves, pinned to the nodes it runs on', () => {
    const objects = renderIntents(intents, CONTEXT).objectsBySite.get('c1') ?? [];
    const config = objects.find((o) => o.metadata?.name === 'traffic-flow-flow--t2-config') as V1ConfigMap;
    expect(config.data?.POLIS_SUBSCRIBE_SUBJECTS).toBe('polis.telemetry.t2.traffic-loop.*');
    expect(config.data?.POLIS_PUBLISH_SUBJECT).toBe('polis.inference.t2.traffic-flow');
    const copy = objects.find((o) => o.metadata?.name === 'traffic-flow-flow--t2') as V1Deployment;
    const expressions =
      copy.spec?.template.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms[0].matchExpressions;
    expect(expressions).toContainEqual({ key: 'polis.city/site', operator: 'In', values: ['c1'] });
    expect(copy.metadata?.annotations?.[ANNOTATION_SERVES_SITE]).toBe('t2');
    // The central site's own replica is not a copy.
    const own = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'traffic-flow-flow');
    expect(own?.metadata?.annotations?.[ANNOTATION_SERVES_SITE]).toBeUndefined();
  });

  it('requests the larger of the memory asked for and the model peak, and points at the artifact', () => {
    const objects = renderIntents(intents.slice(0, 1), CONTEXT).objectsBySite.get('t1') ?? [];
    const deployment = objects.find((o) => o.kind === 'Deployment') as V1Deployment;
    const container = deployment.spec?.template.spec?.containers[0];
    expect(deployment.spec?.replicas).toBe(2);
    expect(container?.resources).toMatchObject({
      requests: { cpu: '250m', memory: '300Mi' },
      limits: { cpu: '500m', memory: '300Mi' },
    });
    expect(container?.image).toBe('ghcr.io/polis-city/edge-runtime:0.1.0');
    const config = objects.find((o) => o.kind === 'ConfigMap') as V1ConfigMap;
    expect(config.data?.POLIS_MODEL_ARTIFACT_URL).toBe(
      'https://hub.polis.test/api/v1/models/traffic-flow/versions/1.0.0/download',
    );
  });

  it("asks for the model's GPU with its toleration and the deployment's node selector, and names the prefix", () => {
    const gpuContext: RenderContext = {
      ...CONTEXT,
      subjectPrefix: 'city-a',
      model: () => ({ ...MODEL, accelerators: { 'nvidia.com/gpu': 1 } }),
      deployment: (id) => {
        const base = CONTEXT.deployment(id);
        return base && { ...base, spec: { nodeSelector: { 'polis.city/zone': 'north' } } };
      },
    };
    const objects = renderIntents(intents.slice(0, 1), gpuContext).objectsBySite.get('t1') ?? [];
    const pod = (objects.find((o) => o.kind === 'Deployment') as V1Deployment).spec?.template.spec;
    expect(pod?.containers[0]?.resources).toMatchObject({
      requests: { 'nvidia.com/gpu': '1' },
      limits: { 'nvidia.com/gpu': '1' },
    });
    expect(pod?.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod?.nodeSelector).toEqual({ 'polis.city/zone': 'north' });
    const config = objects.find((o) => o.kind === 'ConfigMap') as V1ConfigMap;
    expect(config.data?.POLIS_SUBJECT_PREFIX).toBe('city-a');
  });

  it('reports a workload it cannot render instead of failing the others', () => {
    const { objectsBySite, errors } = renderIntents(
      [{ ...intents[0], version: '9.9.9' }, intents[1], { ...intents[0], deploymentId: 'gone' }],
      CONTEXT,
    );
    expect([...errors.entries()]).toEqual([
      ['flow/t1@t1', 'model traffic-flow@9.9.9 is not in the registry'],
      ['gone/t1@t1', 'deployment gone is gone'],
    ]);
    expect(objectsBySite.get('t1')).toBeUndefined();
    expect(objectsBySite.get('c1')).toHaveLength(4);
  });
});
