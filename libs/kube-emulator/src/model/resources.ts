/** The API resources the emulator serves, and how they are addressed. */

export type Subresource = 'status' | 'scale' | 'log';

export interface ResourceType {
  /** '' for the core ("legacy") group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in URLs. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  subresources: readonly Subresource[];
  /** Field selectors accepted on list/watch besides metadata.name and metadata.namespace. */
  fieldSelectors: readonly string[];
}

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;
export const SUBRESOURCE_VERBS = ['get', 'patch', 'update'] as const;

/** The verbs of a subresource: `log` is read-only. */
export function subresourceVerbs(subresource: Subresource): readonly string[] {
  return subresource === 'log' ? ['get'] : SUBRESOURCE_VERBS;
}

function resource(
  spec: Omit<ResourceType, 'categories' | 'subresources' | 'fieldSelectors' | 'shortNames'> &
    Partial<ResourceType>,
): ResourceType {
  return { categories: [], subresources: [], fieldSelectors: [], shortNames: [], ...spec };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  resource({
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    fieldSelectors: ['status.phase'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    fieldSelectors: ['spec.unschedulable'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log'],
    fieldSelectors: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.phase',
      'status.podIP',
    ],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    fieldSelectors: ['type'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    fieldSelectors: [
      'involvedObject.kind',
      'involvedObject.name',
      'involvedObject.namespace',
      'involvedObject.uid',
      'reason',
      'type',
    ],
  }),
  resource({
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  resource({
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** A stable key for a resource type, e.g. "apps/deployments" or "/pods". */
export function resourceKey(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

export class ResourceCatalog {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor(readonly types: readonly ResourceType[] = RESOURCE_TYPES) {
    for (const type of types) {
      this.byPath.set(`${type.group}/${type.version}/${type.plural}`, type);
      this.byKind.set(`${apiVersionOf(type)}/${type.kind}`, type);
    }
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  findByKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Group name → versions served, core group first. */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.types) {
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    return groups;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.types.filter((type) => type.group === group && type.version === version);
  }
}
