import type {
  V1Container,
  V1Deployment,
  V1DeploymentStrategy,
  V1EnvVar,
  V1PodSpec,
  V1Probe,
  V1ResourceRequirements,
} from '@kubernetes/client-node';
import type { ModelWorkloadSpec } from './input';
import { ANNOTATION_CONFIG_HASH, deploymentMatchLabels } from './labels';
import type { Rendered } from './manifest';
import { nodeAffinity, tolerations, zoneSpread } from './pod-placement';
import { MODEL_CACHE_DIR } from './runner-config';
import { workloadAnnotations, workloadLabels } from './workload-metadata';
import type { WorkloadNames } from './workload-names';

/** UID/GID the runner image is built to run as; any non-zero id works with runAsNonRoot. */
export const RUNNER_UID = 10001;
export const RUNNER_CONTAINER = 'runner';
const HTTP_PORT_NAME = 'http';

export interface DeploymentInputs {
  spec: ModelWorkloadSpec;
  names: WorkloadNames;
  configHash: string;
}

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): V1Probe {
  return { httpGet: { path, port: HTTP_PORT_NAME }, periodSeconds, timeoutSeconds: 2, failureThreshold };
}

/** Identity of the pod, for the runner to stamp on what it publishes. Its config comes whole from the ConfigMap. */
function downwardEnv(): V1EnvVar[] {
  return [
    { name: 'POLIS_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POLIS_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  ];
}

function resources(spec: ModelWorkloadSpec): V1ResourceRequirements {
  const { cpu, memory } = spec.resources;
  const requests: Record<string, string> = { cpu: cpu.request, memory: memory.request };
  const limits: Record<string, string> = { cpu: cpu.limit, memory: memory.limit };
  // Extended resources cannot be overcommitted (request = limit). The API server would default the request
  // from the limit, but writing it out keeps what is read back equal to what was applied, and tools that
  // sum requests (inventories, emulators) see the device as taken.
  if (spec.gpu) {
    requests[spec.gpu.resourceName] = String(spec.gpu.count);
    limits[spec.gpu.resourceName] = String(spec.gpu.count);
  }
  return { requests, limits };
}

/**
 * Surge a pod during a rollout so capacity never drops, except for GPU models: a site usually has no
 * spare GPU, so a surge pod would stay Pending and the rollout would never finish; replace in place.
 */
function strategy(spec: ModelWorkloadSpec): V1DeploymentStrategy {
  const rollingUpdate = spec.gpu ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 };
  return { type: 'RollingUpdate', rollingUpdate };
}

function runnerContainer({ spec, names }: DeploymentInputs): V1Container {
  return {
    name: RUNNER_CONTAINER,
    image: `${spec.runtime.image}:${spec.runtime.version}`,
    imagePullPolicy: spec.runtime.pullPolicy,
    ports: [{ name: HTTP_PORT_NAME, containerPort: spec.runtime.httpPort, protocol: 'TCP' }],
    // Not optional: a pod whose ConfigMap is missing must fail to start rather than run unconfigured.
    envFrom: [{ configMapRef: { name: names.configMap, optional: false } }],
    env: downwardEnv(),
    resources: resources(spec),
    // The first start downloads and verifies the artifact: allow up to 5 minutes before liveness applies.
    startupProbe: httpProbe('/healthz', 5, 60),
    readinessProbe: httpProbe('/readyz', 5, 3),
    livenessProbe: httpProbe('/healthz', 10, 3),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUNNER_UID,
      runAsGroup: RUNNER_UID,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'model-cache', mountPath: MODEL_CACHE_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

function podSpec(inputs: DeploymentInputs): V1PodSpec {
  const { spec } = inputs;
  const { nodeSelector, tolerations: podTolerations } = spec.placement;
  const spread = zoneSpread(spec);
  return {
    // The runner talks to NATS, never to the Kubernetes API.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(spec.gpu?.runtimeClassName !== undefined ? { runtimeClassName: spec.gpu.runtimeClassName } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUNNER_UID,
      runAsGroup: RUNNER_UID,
      fsGroup: RUNNER_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector: { ...nodeSelector } } : {}),
    affinity: nodeAffinity(spec),
    ...(podTolerations.length > 0 ? { tolerations: tolerations(spec) } : {}),
    ...(spread ? { topologySpreadConstraints: spread } : {}),
    containers: [runnerContainer(inputs)],
    terminationGracePeriodSeconds: 30,
    volumes: [
      { name: 'model-cache', emptyDir: { sizeLimit: spec.cacheSizeLimit } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    ],
  };
}

export function renderDeployment(inputs: DeploymentInputs): Rendered<V1Deployment> {
  const { spec, names, configHash } = inputs;
  const labels = workloadLabels(spec, names.workload);
  const annotations = workloadAnnotations(spec);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.workload, namespace: names.namespace, labels, annotations },
    spec: {
      replicas: spec.replicas,
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { ...deploymentMatchLabels(spec.deploymentId) } },
      strategy: strategy(spec),
      template: {
        metadata: {
          labels: { ...labels },
          annotations: {
            ...annotations,
            [ANNOTATION_CONFIG_HASH]: configHash,
            'kubectl.kubernetes.io/default-container': RUNNER_CONTAINER,
          },
        },
        spec: podSpec(inputs),
      },
    },
  };
}
