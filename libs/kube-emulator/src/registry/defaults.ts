/** Defaulting the real API server applies on create and update, for the fields clients read back. */
import { asArray, ensureObject, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { parseQuantity, QuantityError } from '@polis/quantity';

function setDefault(target: JsonObject, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function defaultContainers(podSpec: JsonObject): void {
  for (const list of ['containers', 'initContainers']) {
    for (const container of asArray(podSpec[list])) {
      if (!isObject(container)) continue;
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      const image = typeof container.image === 'string' ? container.image : '';
      setDefault(
        container,
        'imagePullPolicy',
        image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent',
      );
      setDefault(container, 'resources', {});
      for (const port of asArray(container.ports)) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
    }
  }
}

function defaultPodSpec(podSpec: JsonObject): void {
  setDefault(podSpec, 'restartPolicy', 'Always');
  setDefault(podSpec, 'terminationGracePeriodSeconds', 30);
  setDefault(podSpec, 'dnsPolicy', 'ClusterFirst');
  setDefault(podSpec, 'schedulerName', 'default-scheduler');
  setDefault(podSpec, 'securityContext', {});
  defaultContainers(podSpec);
}

function defaultWorkload(object: KubeObject, deployment: boolean): void {
  const spec = ensureObject(object, ['spec']);
  setDefault(spec, 'replicas', 1);
  if (deployment) {
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    const strategy = ensureObject(spec, ['strategy']);
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = ensureObject(strategy, ['rollingUpdate']);
      setDefault(rolling, 'maxSurge', '25%');
      setDefault(rolling, 'maxUnavailable', '25%');
    }
  }
  const template = ensureObject(spec, ['template']);
  defaultPodSpec(ensureObject(template, ['spec']));
}

function qosClass(podSpec: JsonObject): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const containers = asArray(podSpec.containers).filter(isObject);
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const container of containers) {
    const resources = isObject(container.resources) ? container.resources : {};
    const requests = isObject(resources.requests) ? resources.requests : {};
    const limits = isObject(resources.limits) ? resources.limits : {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) anySet = true;
    for (const name of ['cpu', 'memory']) {
      const limit = limits[name];
      const request = requests[name] ?? limit;
      if (limit === undefined || !sameQuantity(request, limit)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function sameQuantity(a: unknown, b: unknown): boolean {
  try {
    return (
      (typeof a === 'string' || typeof a === 'number') &&
      (typeof b === 'string' || typeof b === 'number') &&
      parseQuantity(a) === parseQuantity(b)
    );
  } catch (error) {
    if (error instanceof QuantityError) return false;
    throw error;
  }
}

export interface DefaultingContext {
  allocateClusterIp: () => string;
}

/**
 * Applies defaults in place. `previous` is the stored object on update. Only missing values are
 * written: parts of `object` shared with a stored (frozen, already defaulted) object are left alone.
 */
export function applyDefaults(
  object: KubeObject,
  previous: KubeObject | undefined,
  context: DefaultingContext,
): void {
  switch (object.kind) {
    case 'Deployment':
      defaultWorkload(object, true);
      break;
    case 'ReplicaSet':
      defaultWorkload(object, false);
      break;
    case 'Pod': {
      const spec = ensureObject(object, ['spec']);
      defaultPodSpec(spec);
      if (!previous) object.status = { phase: 'Pending', qosClass: qosClass(spec) };
      break;
    }
    case 'Service':
      defaultService(object, previous, context);
      break;
    case 'Secret':
      defaultSecret(object);
      break;
    case 'Namespace': {
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name ?? '',
      };
      setDefault(ensureObject(object, ['spec']), 'finalizers', ['kubernetes']);
      setDefault(ensureObject(object, ['status']), 'phase', 'Active');
      break;
    }
    default:
      break;
  }
}

function defaultService(
  object: KubeObject,
  previous: KubeObject | undefined,
  context: DefaultingContext,
): void {
  const spec = ensureObject(object, ['spec']);
  const before = previous && isObject(previous.spec) ? previous.spec : {};
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  setDefault(spec, 'ipFamilies', ['IPv4']);
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  if (spec.clusterIP === undefined || spec.clusterIP === '') {
    // Like the real API server, an update that omits the allocated IP keeps it.
    spec.clusterIP = typeof before.clusterIP === 'string' ? before.clusterIP : context.allocateClusterIp();
  }
  const clusterIPs = spec.clusterIPs;
  const inSync = Array.isArray(clusterIPs) && clusterIPs.length === 1 && clusterIPs[0] === spec.clusterIP;
  if (spec.clusterIP !== 'None' && !inSync) spec.clusterIPs = [spec.clusterIP];
  for (const port of asArray(spec.ports)) {
    if (!isObject(port)) continue;
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port.port);
  }
  setDefault(object, 'status', { loadBalancer: {} });
}

function defaultSecret(object: KubeObject): void {
  setDefault(object, 'type', 'Opaque');
  if (isObject(object.stringData)) {
    const data: JsonObject = isObject(object.data) ? { ...object.data } : {};
    for (const [key, value] of Object.entries(object.stringData)) {
      data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    }
    object.data = data;
    delete object.stringData;
  }
}
