/** The autoscaling/v1 Scale view of deployments and replicasets (`kubectl scale`). */
import { asNumber, getPath, isObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { formatLabelSelector, fromLabelSelectorObject } from '../selectors/label-selector';

export function toScale(object: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: asNumber(getPath(object, ['spec', 'replicas'])) ?? 0 },
    status: {
      replicas: asNumber(getPath(object, ['status', 'replicas'])) ?? 0,
      selector: formatLabelSelector(fromLabelSelectorObject(getPath(object, ['spec', 'selector'])) ?? []),
    },
  };
}

/** Applies a (possibly patched) Scale back onto its object. Returns undefined when replicas is not a valid count. */
export function fromScale(object: KubeObject, scale: unknown): KubeObject | undefined {
  const replicas = getPath(scale, ['spec', 'replicas']);
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0))
    return undefined;
  const spec = isObject(object.spec) ? object.spec : {};
  const resourceVersion = getPath(scale, ['metadata', 'resourceVersion']);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      resourceVersion:
        typeof resourceVersion === 'string' ? resourceVersion : object.metadata.resourceVersion,
    },
    spec: { ...spec, replicas: replicas ?? 0 },
  };
}
