/** API discovery documents: legacy (/api, /apis, /apis/g/v) and aggregated (apidiscovery.k8s.io/v2). */
import {
  ALL_VERBS,
  subresourceVerbs,
  type ResourceCatalog,
  type ResourceType,
  type Subresource,
} from '../model/resources';
import type { JsonObject } from '../model/json';

function subresourceKind(
  type: ResourceType,
  subresource: Subresource,
): { group: string; version: string; kind: string } {
  return subresource === 'scale'
    ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
    : { group: type.group, version: type.version, kind: type.kind };
}

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versions: string[]): JsonObject {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(catalog: ResourceCatalog): JsonObject {
  const groups = [...catalog.groups()]
    .filter(([name]) => name !== '')
    .map(([name, versions]) => groupEntry(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(catalog: ResourceCatalog, name: string): JsonObject | undefined {
  const versions = catalog.groups().get(name);
  return name && versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name, versions) } : undefined;
}

export function apiResourceList(
  catalog: ResourceCatalog,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = catalog.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((type) => [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: [...ALL_VERBS],
      ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    },
    ...type.subresources.map((subresource) => {
      const { group: subGroup, version: subVersion, kind } = subresourceKind(type, subresource);
      return {
        name: `${type.plural}/${subresource}`,
        singularName: '',
        namespaced: type.namespaced,
        ...(subresource === 'scale' ? { group: subGroup, version: subVersion } : {}),
        kind,
        verbs: [...subresourceVerbs(subresource)],
      };
    }),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** One APIGroupDiscovery entry per group, versions newest first, as kubectl 1.32 prefers. */
export function aggregatedDiscovery(
  catalog: ResourceCatalog,
  legacy: boolean,
  version: 'v2' | 'v2beta1',
): JsonObject {
  const groups = [...catalog.groups()].filter(([name]) => (name === '') === legacy);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map(([name, versions]) => ({
      metadata: { name, creationTimestamp: null },
      versions: versions.map((groupVersion) => ({
        version: groupVersion,
        freshness: 'Current',
        resources: catalog.inGroupVersion(name, groupVersion).map((type) => ({
          resource: type.plural,
          responseKind: { group: type.group, version: type.version, kind: type.kind },
          scope: type.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: type.singular,
          verbs: [...ALL_VERBS],
          ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
          ...(type.categories.length > 0 ? { categories: type.categories } : {}),
          ...(type.subresources.length > 0
            ? {
                subresources: type.subresources.map((subresource) => ({
                  subresource,
                  responseKind: subresourceKind(type, subresource),
                  verbs: [...subresourceVerbs(subresource)],
                })),
              }
            : {}),
        })),
      })),
    })),
  };
}

export const AGGREGATED_DISCOVERY_CONTENT_TYPE = (version: string): string =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
