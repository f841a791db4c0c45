import type { KubeObject } from '../model/types';
import { ObjectStore, type StoreEvent } from './object-store';

const object = (name: string, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
});

describe('ObjectStore', () => {
  it('stamps a global monotonic resourceVersion and lists in key order', () => {
    const store = new ObjectStore();
    store.put('/configmaps', object('b'));
    store.put('/pods', object('x'));
    store.put('/configmaps', object('a'));
    expect(store.list('/configmaps').map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual([
      'a@3',
      'b@1',
    ]);
    expect(store.list('/configmaps', 'other')).toEqual([]);
    expect(store.currentRevision).toBe(3);
  });

  it('replays events after a revision and notifies listeners with the previous object', () => {
    const store = new ObjectStore();
    const seen: StoreEvent[] = [];
    store.subscribe((event) => seen.push(event));
    store.put('/configmaps', object('a'));
    store.put('/configmaps', { ...object('a'), data: { k: 'v' } });
    store.remove('/configmaps', 'default', 'a');
    expect(seen.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(seen[2]?.previous?.data).toEqual({ k: 'v' });
    expect(seen[2]?.object.metadata.resourceVersion).toBe('3');
    expect(store.eventsSince(1)?.map((event) => event.revision)).toEqual([2, 3]);
    expect(store.eventsSince(3)).toEqual([]);
  });

  it('freezes what it stores, so readers can share it without copying', () => {
    const store = new ObjectStore();
    const stored = store.put('/configmaps', { ...object('a'), data: { k: 'v' } });
    expect(Object.isFrozen(stored.data)).toBe(true);
    expect(() => {
      (stored.data as Record<string, string>).k = 'changed';
    }).toThrow(TypeError);
    const removed = store.remove('/configmaps', 'default', 'a');
    expect(Object.isFrozen(removed?.metadata)).toBe(true);
  });

  it('lists by namespace and across namespaces in key order as objects come and go', () => {
    const store = new ObjectStore();
    for (const [name, namespace] of [
      ['b', 'ns1'],
      ['a', 'ns2'],
      ['c', 'ns1'],
      ['a', 'ns1'],
    ] as const)
      store.put('/configmaps', object(name, namespace));
    const keys = (objects: KubeObject[]): string[] =>
      objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    expect(keys(store.list('/configmaps'))).toEqual(['ns1/a', 'ns1/b', 'ns1/c', 'ns2/a']);
    expect(keys(store.list('/configmaps', 'ns1'))).toEqual(['ns1/a', 'ns1/b', 'ns1/c']);
    store.remove('/configmaps', 'ns1', 'b');
    store.put('/configmaps', object('0', 'ns1'));
    store.put('/configmaps', { ...object('a', 'ns1'), data: {} });
    expect(keys(store.list('/configmaps', 'ns1'))).toEqual(['ns1/0', 'ns1/a', 'ns1/c']);
    expect(store.list('/configmaps', 'ns1')[1]?.data).toEqual({});
  });

  it('finds objects by the owners they refer to, following updates and removals', () => {
    const store = new ObjectStore();
    const ownedBy = (name: string, ...uids: string[]): KubeObject => ({
      ...object(name),
      metadata: {
        name,
        namespace: 'default',
        ownerReferences: uids.map((uid) => ({ apiVersion: 'v1', kind: 'Owner', name: uid, uid })),
      },
    });
    store.put('/pods', ownedBy('p2', 'u1'));
    store.put('/pods', ownedBy('p1', 'u1', 'u2'));
    store.put('/pods', ownedBy('p3', 'u2'));
    const names = (uid: string): string[] =>
      store.listOwnedBy('/pods', uid).map((o) => o.metadata.name ?? '');
    expect(names('u1')).toEqual(['p1', 'p2']);
    store.put('/pods', ownedBy('p1', 'u2'));
    store.remove('/pods', 'default', 'p3');
    expect(names('u1')).toEqual(['p2']);
    expect(names('u2')).toEqual(['p1']);
    expect(store.listOwnedBy('/configmaps', 'u1')).toEqual([]);
  });

  it('tells resource-scoped listeners about their resource only', () => {
    const store = new ObjectStore();
    const pods: string[] = [];
    const all: string[] = [];
    const stop = store.subscribe((event) => pods.push(event.object.metadata.name ?? ''), '/pods');
    store.subscribe((event) => all.push(event.object.metadata.name ?? ''));
    store.put('/pods', object('p'));
    store.put('/configmaps', object('c'));
    stop();
    store.put('/pods', object('q'));
    expect(pods).toEqual(['p']);
    expect(all).toEqual(['p', 'c', 'q']);
  });

  it('forgets history on compaction and when it outgrows its limit', () => {
    const store = new ObjectStore(2);
    for (let i = 0; i < 5; i += 1) store.put('/configmaps', object(`o${i}`));
    expect(store.eventsSince(0)).toBeUndefined();
    expect(store.eventsSince(4)?.map((event) => event.revision)).toEqual([5]);
    store.compact();
    expect(store.eventsSince(4)).toBeUndefined();
    expect(store.eventsSince(5)).toEqual([]);
  });
});
