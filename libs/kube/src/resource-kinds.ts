import type { V1APIResourceList } from '@kubernetes/client-node';

/** The kinds Polis reads or writes, with the REST names the API server knows them by. */
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true },
];

/** True for the kinds of RESOURCE_KINDS, whose REST paths are known without asking the cluster. */
export function isKnownKind(apiVersion: string, kind: string): boolean {
  return RESOURCE_KINDS.some((k) => k.apiVersion === apiVersion && k.kind === kind);
}

export function resourceKind(apiVersion: string, kind: string): ResourceKind {
  const found = RESOURCE_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
  if (!found) throw new RangeError(`Polis does not manage ${apiVersion} ${kind}`);
  return found;
}

/**
 * What `GET /api/v1` and `GET /apis/apps/v1` answer about these kinds, as client-node's KubernetesObjectApi
 * caches it: one resource list per apiVersion. Given to it up front, it builds their paths without asking.
 */
export function knownResourceLists(): Record<string, V1APIResourceList> {
  const lists: Record<string, V1APIResourceList> = {};
  for (const kind of RESOURCE_KINDS) {
    const list = (lists[kind.apiVersion] ??= { groupVersion: kind.apiVersion, resources: [] });
    list.resources.push({
      name: kind.plural,
      kind: kind.kind,
      namespaced: kind.namespaced,
      singularName: kind.kind.toLowerCase(),
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    });
  }
  return lists;
}

/** Path of a collection, e.g. /apis/apps/v1/namespaces/polis-models/deployments. */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const root = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  return kind.namespaced && namespace
    ? `${root}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`
    : `${root}/${kind.plural}`;
}

/** The minimum that identifies an object on one cluster. */
export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** "group/Kind/namespace/name": the version is left out, it names a representation, not an object. */
export function objectKey(object: ObjectRef): string {
  const apiVersion = object.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${group}/${object.kind ?? ''}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
