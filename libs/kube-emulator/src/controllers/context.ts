/** What the simulated controllers share: the registry and the types they act on. */
import { ApiError } from '../model/api-error';
import { asArray, getPath, isObject } from '../model/json';
import type { ResourceCatalog, ResourceType } from '../model/resources';
import type { KubeObject, OwnerReference } from '../model/types';
import type { ResourceStorage } from '../registry/storage';

export interface ControllerContext {
  storage: ResourceStorage;
  pods: ResourceType;
  replicaSets: ResourceType;
  deployments: ResourceType;
  nodes: ResourceType;
  events: ResourceType;
  now: () => string;
}

function required(catalog: ResourceCatalog, group: string, plural: string): ResourceType {
  const type = catalog.find(group, 'v1', plural);
  if (!type) throw new Error(`the controllers need ${plural} in the resource catalog`);
  return type;
}

export function controllerContext(storage: ResourceStorage, now: () => string): ControllerContext {
  const { catalog } = storage;
  return {
    storage,
    pods: required(catalog, '', 'pods'),
    replicaSets: required(catalog, 'apps', 'replicasets'),
    deployments: required(catalog, 'apps', 'deployments'),
    nodes: required(catalog, '', 'nodes'),
    events: required(catalog, '', 'events'),
    now,
  };
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller === true);
}

export function ownedBy(owner: KubeObject): (object: KubeObject) => boolean {
  return (object) => controllerOf(object)?.uid === owner.metadata.uid;
}

export function controllerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isPodReady(pod: KubeObject): boolean {
  return asArray(getPath(pod, ['status', 'conditions'])).some(
    (c) => isObject(c) && c.type === 'Ready' && c.status === 'True',
  );
}

/** Runs a controller write, ignoring the races a real controller would retry on the next sync. */
export function tolerateRaces(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (error instanceof ApiError && (error.code === 404 || error.code === 409)) return;
    throw error;
  }
}
