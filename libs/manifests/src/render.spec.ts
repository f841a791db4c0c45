import { gpuWithTolerationsInput, minimalCpuInput } from './__golden__/cases';
import type { ModelWorkloadInput } from './input';
import {
  ANNOTATION_ARTIFACT_DIGEST,
  ANNOTATION_CONFIG_HASH,
  ANNOTATION_DEPLOYMENT_ID,
  ANNOTATION_MODEL,
  ANNOTATION_MODEL_VERSION,
  LABEL_DEPLOYMENT_ID,
  LABEL_MANAGED_BY,
  LABEL_MODEL,
  LABEL_RUNS_ON_SITE,
  LABEL_SITE,
  ANNOTATION_OFFLOADED,
  ANNOTATION_SERVES_SITE,
  deploymentMatchLabels,
  polisOwnedMatchLabels,
} from './labels';
import { renderModelWorkload } from './render';
import { RUNNER_ENV } from './runner-config';

function withInput(patch: (input: ModelWorkloadInput) => void): ModelWorkloadInput {
  const input = gpuWithTolerationsInput();
  patch(input);
  return input;
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function podSpecOf(input: ModelWorkloadInput) {
  const pod = renderModelWorkload(input).deployment.spec?.template.spec;
  if (!pod) throw new Error('no pod spec');
  return pod;
}

describe('renderModelWorkload', () => {
  const input = gpuWithTolerationsInput();
  const rendered = renderModelWorkload(input);

  it('labels every object as owned by Polis and on its site', () => {
    for (const object of rendered.objects) {
      expect(object.metadata.labels).toMatchObject({
        [LABEL_MANAGED_BY]: 'polis',
        [LABEL_SITE]: 'harbour-1',
      });
      expect(matches(polisOwnedMatchLabels(), object.metadata.labels)).toBe(true);
    }
  });

  it('labels and annotates each per-deployment object with deployment, model, version and digest', () => {
    expect(rendered.owned.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service']);
    for (const object of rendered.owned) {
      expect(object.metadata.labels).toMatchObject({
        [LABEL_DEPLOYMENT_ID]: 'dep-c91e',
        [LABEL_MODEL]: 'crowd-density',
        [LABEL_SITE]: 'harbour-1',
      });
      expect(object.metadata.annotations).toEqual({
        [ANNOTATION_MODEL]: 'crowd-density',
        [ANNOTATION_MODEL_VERSION]: '3.0.1-rc.2',
        [ANNOTATION_ARTIFACT_DIGEST]: `sha256:${input.model.artifactSha256}`,
        [ANNOTATION_DEPLOYMENT_ID]: 'dep-c91e',
      });
      expect(object.metadata.namespace).toBe(rendered.namespace.metadata.name);
    }
  });

  it('keeps the shared namespace out of the deployment selector, so pruning a deployment never deletes it', () => {
    const selector = deploymentMatchLabels('dep-c91e');
    expect(matches(selector, rendered.namespace.metadata.labels)).toBe(false);
    expect(rendered.owned.every((o) => matches(selector, o.metadata.labels))).toBe(true);
    expect(rendered.objects.filter((o) => matches(selector, o.metadata.labels))).toEqual(rendered.owned);
  });

  it('selects its own pods from the Deployment and the Service, and no pod of another deployment', () => {
    const template = rendered.deployment.spec?.template.metadata?.labels;
    const selector = rendered.deployment.spec?.selector.matchLabels ?? {};
    expect(matches(selector, template)).toBe(true);
    expect(matches(rendered.service.spec?.selector ?? {}, template)).toBe(true);
    const other = renderModelWorkload(withInput((i) => (i.deploymentId = 'dep-other')));
    expect(matches(selector, other.deployment.spec?.template.metadata?.labels)).toBe(false);
  });

  it('feeds the runner its whole config from the rendered ConfigMap', () => {
    const container = podSpecOf(input).containers[0];
    expect(container?.envFrom).toEqual([
      { configMapRef: { name: rendered.configMap.metadata.name, optional: false } },
    ]);
    expect(Object.keys(rendered.configMap.data ?? {}).sort()).toEqual(Object.values(RUNNER_ENV).sort());
  });

  it('subscribes to each sensor kind of its own site and publishes on its own inference subject', () => {
    const data = rendered.configMap.data ?? {};
    expect(data[RUNNER_ENV.subscribeSubjects]?.split(',')).toEqual([
      'polis.telemetry.harbour-1.camera-count.*',
      'polis.telemetry.harbour-1.air-quality.*',
    ]);
    expect(data[RUNNER_ENV.publishSubject]).toBe('polis.inference.harbour-1.crowd-density');
    const prefixed = renderModelWorkload(withInput((i) => (i.subjectPrefix = 'city.staging')));
    expect(prefixed.configMap.data?.[RUNNER_ENV.publishSubject]).toBe(
      'city.staging.inference.harbour-1.crowd-density',
    );
  });

  it('runs the runner unprivileged with a read-only root and a writable cache', () => {
    const pod = podSpecOf(input);
    const container = pod.containers[0];
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container?.securityContext?.runAsUser).toBeGreaterThan(0);
    const volumes = pod.volumes ?? [];
    expect(volumes.every((v) => v.hostPath === undefined)).toBe(true);
    for (const mount of container?.volumeMounts ?? []) {
      expect(volumes.find((v) => v.name === mount.name)?.emptyDir).toBeDefined();
    }
    expect(volumes.find((v) => v.name === 'model-cache')?.emptyDir?.sizeLimit).toBe('8Gi');
  });

  it('probes readiness and liveness on the runtime HTTP port', () => {
    const container = podSpecOf(input).containers[0];
    expect(container?.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(rendered.service.spec?.ports).toEqual([
      { name: 'http', port: 9090, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it('asks for the GPU, its runtime class and the accelerator label, and replaces pods in place', () => {
    const pod = podSpecOf(input);
    expect(pod.containers[0]?.resources?.limits).toMatchObject({ 'nvidia.com/gpu': '1' });
    expect(pod.runtimeClassName).toBe('nvidia');
    const terms =
      pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    expect(terms?.[0]?.matchExpressions).toContainEqual({
      key: 'polis.city/accelerator',
      operator: 'In',
      values: ['nvidia-t4'],
    });
    expect(pod.tolerations).toHaveLength(2);
    expect(rendered.deployment.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  it('surges CPU models without losing capacity, and never asks for a GPU', () => {
    const cpu = renderModelWorkload(minimalCpuInput());
    const pod = cpu.deployment.spec?.template.spec;
    expect(cpu.deployment.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(Object.keys(pod?.containers[0]?.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(pod?.tolerations).toBeUndefined();
    expect(pod?.runtimeClassName).toBeUndefined();
  });

  it('always requires a node of its own site', () => {
    const terms =
      podSpecOf(minimalCpuInput()).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms?.nodeSelectorTerms[0]?.matchExpressions?.[0]).toEqual({
      key: 'polis.city/site',
      operator: 'In',
      values: ['north-3'],
    });
  });

  it('renders the same objects for the same input', () => {
    expect(renderModelWorkload(gpuWithTolerationsInput())).toEqual(rendered);
  });

  it('tells the runner the subject prefix its heartbeats, control subjects and buckets live under', () => {
    const custom = renderModelWorkload({ ...minimalCpuInput(), subjectPrefix: 'city.turin' });
    expect(custom.configMap.data?.[RUNNER_ENV.subjectPrefix]).toBe('city.turin');
    expect(custom.configMap.data?.[RUNNER_ENV.publishSubject]).toMatch(/^city\.turin\./);
    expect(rendered.configMap.data?.[RUNNER_ENV.subjectPrefix]).toBe('polis');
  });

  it('requests the GPU as much as it limits it, so inventories that sum requests count the device', () => {
    const container = podSpecOf(input).containers[0];
    expect(container?.resources?.requests?.['nvidia.com/gpu']).toBe('1');
    expect(container?.resources?.limits?.['nvidia.com/gpu']).toBe('1');
  });
});

describe('a copy running on another site than the one it serves', () => {
  const home = renderModelWorkload(minimalCpuInput());
  const copy = renderModelWorkload({ ...minimalCpuInput(), runsOnSiteId: 'central-1' });

  it('requires the nodes of the site it runs on', () => {
    const terms = copy.deployment.spec?.template.spec?.affinity?.nodeAffinity;
    expect(
      terms?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchExpressions,
    ).toEqual([{ key: 'polis.city/site', operator: 'In', values: ['central-1'] }]);
  });

  it('keeps the served site on its ownership label and subjects, and labels the shared namespace with its cluster', () => {
    for (const object of copy.owned) {
      expect(object.metadata.labels?.[LABEL_SITE]).toBe('north-3');
      expect(object.metadata.labels?.[LABEL_RUNS_ON_SITE]).toBe('central-1');
      expect(object.metadata.annotations?.[ANNOTATION_SERVES_SITE]).toBe('north-3');
      expect(object.metadata.annotations?.[ANNOTATION_OFFLOADED]).toBe('true');
    }
    expect(copy.namespace.metadata.labels?.[LABEL_SITE]).toBe('central-1');
    expect(copy.configMap.data).toEqual(home.configMap.data);
    expect(copy.deployment.spec?.template.metadata?.labels?.[LABEL_RUNS_ON_SITE]).toBe('central-1');
  });

  it('is marked as a copy only when it runs elsewhere', () => {
    for (const object of home.owned) {
      expect(object.metadata.labels?.[LABEL_RUNS_ON_SITE]).toBe('north-3');
      expect(object.metadata.annotations?.[ANNOTATION_SERVES_SITE]).toBeUndefined();
      expect(object.metadata.annotations?.[ANNOTATION_OFFLOADED]).toBeUndefined();
    }
    const explicit = renderModelWorkload({ ...minimalCpuInput(), runsOnSiteId: 'north-3' });
    expect(explicit.objects).toEqual(home.objects);
  });
});

describe('config hash on the pod template', () => {
  const hashOf = (input: ModelWorkloadInput) => {
    const { deployment, configHash } = renderModelWorkload(input);
    expect(deployment.spec?.template.metadata?.annotations?.[ANNOTATION_CONFIG_HASH]).toBe(configHash);
    return configHash;
  };
  const base = hashOf(gpuWithTolerationsInput());

  it.each<[string, (i: ModelWorkloadInput) => void]>([
    ['batching', (i) => (i.batching = { maxBatchSize: 64, maxWaitMs: 51 })],
    ['NATS URL', (i) => (i.natsUrl = 'tls://hub-2.polis.example:4222')],
    ['sensor kinds', (i) => (i.sensorKinds = ['camera-count'])],
    ['artifact digest', (i) => (i.model.artifactSha256 = 'f'.repeat(64))],
    ['model version', (i) => (i.model.version = '3.0.2')],
  ])('changes when the %s changes', (_what, patch) => {
    expect(hashOf(withInput(patch))).not.toBe(base);
  });

  it.each<[string, (i: ModelWorkloadInput) => void]>([
    ['replicas', (i) => (i.replicas = 5)],
    ['resources', (i) => (i.resources = { cpu: { request: '2', limit: '4' } })],
    ['runtime image version', (i) => (i.runtime.version = '0.5.0')],
    ['tolerations', (i) => (i.placement = { tolerations: [] })],
  ])('stays when only the %s changes', (_what, patch) => {
    expect(hashOf(withInput(patch))).toBe(base);
  });
});
