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
