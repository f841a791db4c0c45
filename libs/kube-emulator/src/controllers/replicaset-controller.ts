/** Keeps each ReplicaSet's pod count at spec.replicas and reports its status. */
import { asNumber, deepEqual, getPath, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { controllerReference, isPodReady, ownedBy, tolerateRaces, type ControllerContext } from './context';

/** Pods to remove first: unscheduled, then not ready, then the newest. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (pod: KubeObject): number =>
    getPath(pod, ['spec', 'nodeName']) ? (isPodReady(pod) ? 2 : 1) : 0;
  return (
    rank(a) - rank(b) ||
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '')
  );
}

function podFromTemplate(replicaSet: KubeObject): KubeObject {
  const template = isObject(getPath(replicaSet, ['spec', 'template']))
    ? (getPath(replicaSet, ['spec', 'template']) as JsonObject)
    : {};
  const metadata = isObject(template.metadata) ? template.metadata : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      generateName: `${replicaSet.metadata.name ?? 'pod'}-`,
      namespace: replicaSet.metadata.namespace,
      ownerReferences: [controllerReference(replicaSet)],
    },
    // Shared with the (stored, frozen) ReplicaSet: the pod's spec starts as the template's.
    spec: template.spec,
  };
}

export function reconcileReplicaSet(context: ControllerContext, replicaSet: KubeObject): void {
  const { storage, pods: podType, replicaSets } = context;
  const namespace = replicaSet.metadata.namespace;
  const pods = storage.listOwnedBy(podType, replicaSet).filter(ownedBy(replicaSet));
  const desired = asNumber(getPath(replicaSet, ['spec', 'replicas'])) ?? 1;

  if (pods.length < desired) {
    for (let i = pods.length; i < desired; i += 1) {
      tolerateRaces(() => {
        pods.push(storage.create(podType, namespace, podFromTemplate(replicaSet), {}));
      });
    }
  } else if (pods.length > desired) {
    const surplus = [...pods].sort(deletionOrder).slice(0, pods.length - desired);
    for (const pod of surplus) {
      tolerateRaces(() => {
        storage.delete(podType, namespace, pod.metadata.name ?? '', {});
        pods.splice(pods.indexOf(pod), 1);
      });
    }
  }

  const ready = pods.filter(isPodReady).length;
  const status: JsonObject = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: replicaSet.metadata.generation ?? 1,
  };
  if (deepEqual(replicaSet.status, status)) return;
  tolerateRaces(() => {
    storage.mutate(
      replicaSets,
      namespace,
      replicaSet.metadata.name ?? '',
      (current) => ({ ...current, status }),
      { subresource: 'status' },
    );
  });
}
