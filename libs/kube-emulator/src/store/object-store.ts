/**
 * The in-memory "etcd" of one emulated cluster: objects by resource, namespace and name, one global
 * monotonic resourceVersion, and a bounded history of changes that watches replay from.
 *
 * Stored objects are immutable (deep-frozen when stored): readers get them without copying, and a
 * new version may share unchanged parts of the tree with the version it replaces.
 */
import { deepFreeze } from '../model/json';
import type { KubeObject } from '../model/types';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** resourceKey() of the object's type, e.g. "apps/deployments". */
  resource: string;
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED), to detect selector transitions. */
  previous?: KubeObject;
  revision: number;
}

export type StoreListener = (event: StoreEvent) => void;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function ownerUids(object: KubeObject | undefined): string[] {
  return (object?.metadata.ownerReferences ?? []).map((reference) => reference.uid);
}

/**
 * One resource's objects, by namespace ('' for cluster-scoped) and name, with their names kept
 * sorted, and indexed by the uids in their ownerReferences (what controllers and the garbage
 * collector look objects up by).
 */
class Bucket {
  private readonly namespaces = new Map<string, Map<string, KubeObject>>();
  /** Sorted names per namespace, rebuilt lazily after an object is added or removed. */
  private readonly sortedNames = new Map<string, string[]>();
  /** Every [namespace, name] in key order, rebuilt lazily likewise. */
  private sortedKeys: [string, string][] | undefined;
  /** Owner uid → the objects referring to it (uids are unique, so across namespaces). */
  private readonly owned = new Map<string, Set<KubeObject>>();

  get(namespace: string, name: string): KubeObject | undefined {
    return this.namespaces.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, object: KubeObject): void {
    let objects = this.namespaces.get(namespace);
    if (!objects) {
      objects = new Map();
      this.namespaces.set(namespace, objects);
    }
    const previous = objects.get(name);
    if (!previous) this.forgetOrder(namespace);
    objects.set(name, object);
    this.unindex(previous);
    for (const uid of ownerUids(object)) {
      let dependents = this.owned.get(uid);
      if (!dependents) {
        dependents = new Set();
        this.owned.set(uid, dependents);
      }
      dependents.add(object);
    }
  }

  delete(namespace: string, name: string): void {
    const objects = this.namespaces.get(namespace);
    const previous = objects?.get(name);
    if (!objects || !previous) return;
    objects.delete(name);
    this.unindex(previous);
    this.forgetOrder(namespace);
    if (objects.size === 0) this.namespaces.delete(namespace);
  }

  /** One namespace's objects in name order, i.e. in key order. */
  inNamespace(namespace: string): KubeObject[] {
    const objects = this.namespaces.get(namespace);
    if (!objects) return [];
    let names = this.sortedNames.get(namespace);
    if (!names) {
      names = [...objects.keys()].sort();
      this.sortedNames.set(namespace, names);
    }
    return names.map((name) => objects.get(name) as KubeObject);
  }

  /** Every object in key order (`namespace/name`, or `name` for cluster-scoped ones). */
  all(): KubeObject[] {
    if (!this.sortedKeys) {
      const keyed = [...this.namespaces].flatMap(([namespace, objects]) =>
        [...objects.keys()].map((name) => ({ key: objectKey(namespace, name), namespace, name })),
      );
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sortedKeys = keyed.map(({ namespace, name }) => [namespace, name]);
    }
    return this.sortedKeys.map(([namespace, name]) => this.get(namespace, name) as KubeObject);
  }

  /** Objects whose ownerReferences name `uid`, in no particular order. */
  ownedBy(uid: string): KubeObject[] {
    return [...(this.owned.get(uid) ?? [])];
  }

  private forgetOrder(namespace: string): void {
    this.sortedNames.delete(namespace);
    this.sortedKeys = undefined;
  }

  private unindex(object: KubeObject | undefined): void {
    if (!object) return;
    for (const uid of ownerUids(object)) {
      const dependents = this.owned.get(uid);
      dependents?.delete(object);
      if (dependents?.size === 0) this.owned.delete(uid);
    }
  }
}

export class ObjectStore {
  private revision = 0;
  /** Events with a revision above this are all still in `history`. */
  private compactedRevision = 0;
  private history: StoreEvent[] = [];
  private readonly buckets = new Map<string, Bucket>();
  private readonly listeners = new Set<StoreListener>();
  private readonly resourceListeners = new Map<string, Set<StoreListener>>();

  constructor(private readonly historyLimit = 10_000) {}

  get currentRevision(): number {
    return this.revision;
  }

  get oldestWatchableRevision(): number {
    return this.compactedRevision;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(resource)?.get(namespace ?? '', name);
  }

  /** Objects of a resource, optionally in one namespace, in key order like etcd returns them. */
  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(resource);
    if (!bucket) return [];
    return namespace ? bucket.inNamespace(namespace) : bucket.all();
  }

  /** Objects of a resource whose ownerReferences name the uid, in key order. */
  listOwnedBy(resource: string, ownerUid: string): KubeObject[] {
    const objects = this.buckets.get(resource)?.ownedBy(ownerUid) ?? [];
    const key = (object: KubeObject): string =>
      objectKey(object.metadata.namespace, object.metadata.name ?? '');
    return objects.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /**
   * Stores a new version of an object, stamping its resourceVersion, and freezes it: it must not
   * share mutable parts with anything (frozen parts of stored objects are fine).
   */
  put(resource: string, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    let bucket = this.buckets.get(resource);
    if (!bucket) {
      bucket = new Bucket();
      this.buckets.set(resource, bucket);
    }
    const previous = bucket.get(namespace, name);
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    deepFreeze(object);
    bucket.set(namespace, name, object);
    this.record({
      type: previous ? 'MODIFIED' : 'ADDED',
      resource,
      object,
      previous,
      revision: this.revision,
    });
    return object;
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.buckets.get(resource);
    const previous = bucket?.get(namespace ?? '', name);
    if (!bucket || !previous) return undefined;
    bucket.delete(namespace ?? '', name);
    this.revision += 1;
    const object: KubeObject = deepFreeze({
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(this.revision) },
    });
    this.record({ type: 'DELETED', resource, object, previous, revision: this.revision });
    return object;
  }

  /** Changes after `revision`, or undefined when they are no longer retained (watch must answer 410). */
  eventsSince(revision: number): StoreEvent[] | undefined {
    if (revision < this.compactedRevision) return undefined;
    let low = 0;
    let high = this.history.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.history[mid]?.revision ?? 0) <= revision) low = mid + 1;
      else high = mid;
    }
    return this.history.slice(low);
  }

  /** Forgets all history, as an etcd compaction would: older resourceVersions become "too old". */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  /** Calls `listener` with every change, or only with the changes to one resource (a watch's). */
  subscribe(listener: StoreListener, resource?: string): () => void {
    if (resource === undefined) {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }
    let listeners = this.resourceListeners.get(resource);
    if (!listeners) {
      listeners = new Set();
      this.resourceListeners.set(resource, listeners);
    }
    const scoped = listeners;
    scoped.add(listener);
    return () => scoped.delete(listener);
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit * 2) {
      const dropped = this.history.length - this.historyLimit;
      this.compactedRevision = this.history[dropped - 1]?.revision ?? this.compactedRevision;
      this.history = this.history.slice(dropped);
    }
    for (const listener of this.listeners) listener(event);
    const scoped = this.resourceListeners.get(event.resource);
    if (scoped) for (const listener of scoped) listener(event);
  }
}
