/**
 * How lists inside built-in objects merge, keyed by the field path (list indices left out).
 * This mirrors the `patchMergeKey` / `listType=map` tags of the Kubernetes Go types that
 * Polis, kubectl and helm actually touch; every other list is atomic (replaced whole).
 */

export type ListStrategy =
  | { kind: 'map'; keys: readonly string[]; defaults: Readonly<Record<string, string>> }
  | { kind: 'set' }
  | { kind: 'atomic' };

const ATOMIC: ListStrategy = { kind: 'atomic' };
const SET: ListStrategy = { kind: 'set' };

function byKey(...keys: string[]): ListStrategy {
  return { kind: 'map', keys, defaults: {} };
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * @param path field names from the object root, e.g. ['spec', 'template', 'spec', 'containers']
 * @param forApply server-side apply uses the full list-map keys (port + protocol); strategic merge uses one.
 */
export function listStrategy(path: readonly string[], forApply: boolean): ListStrategy {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (CONTAINER_LISTS.has(field)) return byKey('name');
  switch (field) {
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return byKey('name');
    case 'volumeMounts':
      return byKey('mountPath');
    case 'volumeDevices':
      return byKey('devicePath');
    case 'hostAliases':
      return byKey('ip');
    case 'conditions':
      return byKey('type');
    case 'ownerReferences':
      return byKey('uid');
    case 'finalizers':
      return SET;
    case 'topologySpreadConstraints':
      return forApply ? byKey('topologyKey', 'whenUnsatisfiable') : byKey('topologyKey');
    case 'ports': {
      const servicePorts = path.length === 2 && parent === 'spec';
      const key = servicePorts ? 'port' : 'containerPort';
      return forApply ? { kind: 'map', keys: [key, 'protocol'], defaults: { protocol: 'TCP' } } : byKey(key);
    }
    default:
      return ATOMIC;
  }
}
