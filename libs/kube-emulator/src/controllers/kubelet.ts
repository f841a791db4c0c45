/** Pod status transitions the emulated kubelets and scheduler write. */
import { asArray, asString, getPath, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';

function setCondition(conditions: unknown, next: JsonObject): JsonObject[] {
  const list = asArray(conditions).filter(isObject);
  const before = list.find((c) => c.type === next.type);
  if (
    before &&
    before.status === next.status &&
    before.reason === next.reason &&
    before.message === next.message
  )
    return list;
  const merged = {
    ...next,
    lastTransitionTime:
      before && before.status === next.status ? before.lastTransitionTime : next.lastTransitionTime,
  };
  return [...list.filter((c) => c.type !== next.type), merged];
}

export function scheduledStatus(pod: KubeObject, now: string): JsonObject {
  const status = isObject(pod.status) ? pod.status : {};
  return {
    ...status,
    conditions: setCondition(status.conditions, {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: now,
    }),
  };
}

export function unschedulableStatus(pod: KubeObject, message: string, now: string): JsonObject {
  const status = isObject(pod.status) ? pod.status : {};
  return {
    ...status,
    phase: 'Pending',
    conditions: setCondition(status.conditions, {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: now,
    }),
  };
}

export interface RunningAddresses {
  hostIP: string;
  podIP: string;
}

export function runningStatus(pod: KubeObject, addresses: RunningAddresses, now: string): JsonObject {
  const status = isObject(pod.status) ? pod.status : {};
  let conditions = asArray(status.conditions);
  for (const type of [
    'PodReadyToStartContainers',
    'Initialized',
    'Ready',
    'ContainersReady',
    'PodScheduled',
  ]) {
    conditions = setCondition(conditions, {
      type,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: now,
    });
  }
  const containers = asArray(getPath(pod, ['spec', 'containers'])).filter(isObject);
  return {
    ...status,
    phase: 'Running',
    hostIP: addresses.hostIP,
    hostIPs: [{ ip: addresses.hostIP }],
    podIP: addresses.podIP,
    podIPs: [{ ip: addresses.podIP }],
    startTime: asString(status.startTime) ?? now,
    conditions,
    containerStatuses: containers.map((container) => ({
      name: container.name,
      image: container.image,
      imageID: `emulated://${String(container.image)}`,
      containerID: `emulated://${pod.metadata.uid ?? ''}/${String(container.name)}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}

/** Ready/ContainersReady follow the node: a NotReady node makes its pods unready, as the node controller does. */
export function readinessStatus(pod: KubeObject, ready: boolean, now: string): JsonObject {
  const status = isObject(pod.status) ? pod.status : {};
  let conditions = asArray(status.conditions);
  for (const type of ['Ready', 'ContainersReady']) {
    conditions = setCondition(conditions, {
      type,
      status: ready ? 'True' : 'False',
      ...(ready ? {} : { reason: 'NodeNotReady', message: 'the node this pod runs on is NotReady' }),
      lastProbeTime: null,
      lastTransitionTime: now,
    });
  }
  const containerStatuses = asArray(status.containerStatuses).map((c) => (isObject(c) ? { ...c, ready } : c));
  return { ...status, conditions, containerStatuses };
}
