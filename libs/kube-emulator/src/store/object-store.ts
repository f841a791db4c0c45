/**
 * The in-memory "etcd" of one emulated cluster: objects by resource and key, one global monotonic
 * resourceVersion, and a bounded history of changes that watches replay from.
 */
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

export class ObjectStore {
  private revision = 0;
  /** Events with a revision above this are all still in `history`. */
  private compactedRevision = 0;
  private history: StoreEvent[] = [];
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit = 10_000) {}

  get currentRevision(): number {
    return this.revision;
  }

  get oldestWatchableRevision(): number {
    return this.compactedRevision;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(resource)?.get(objectKey(namespace, name));
  }

  /** Objects of a resource, optionally in one namespace, in key order like etcd returns them. */
  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(resource);
    if (!bucket) return [];
    const prefix = namespace ? `${namespace}/` : undefined;
    const keys = [...bucket.keys()].filter((key) => prefix === undefined || key.startsWith(prefix)).sort();
    return keys.map((key) => bucket.get(key)).filter((object): object is KubeObject => object !== undefined);
  }

  /** Stores a new version of an object, stamping its resourceVersion. The object must not be mutated afterwards. */
  put(resource: string, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    let bucket = this.buckets.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(resource, bucket);
    }
    const previous = bucket.get(key);
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    bucket.set(key, object);
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
    const key = objectKey(namespace, name);
    const previous = bucket?.get(key);
    if (!bucket || !previous) return undefined;
    bucket.delete(key);
    this.revision += 1;
    const object: KubeObject = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(this.revision) },
    };
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

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit * 2) {
      const dropped = this.history.length - this.historyLimit;
      this.compactedRevision = this.history[dropped - 1]?.revision ?? this.compactedRevision;
      this.history = this.history.slice(dropped);
    }
    for (const listener of this.listeners) listener(event);
  }
}
