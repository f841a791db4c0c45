import { ApiError } from '../model/api-error';
import { ResourceCatalog, type ResourceType } from '../model/resources';
import type { KubeObject } from '../model/types';
import { ObjectStore } from '../store/object-store';
import { ResourceStorage } from './storage';

function setup(): {
  storage: ResourceStorage;
  store: ObjectStore;
  type: (group: string, plural: string) => ResourceType;
} {
  const store = new ObjectStore();
  const catalog = new ResourceCatalog();
  const storage = new ResourceStorage(store, catalog, () => new Date('2025-01-01T00:00:00Z'));
  const type = (group: string, plural: string): ResourceType => {
    const found = catalog.find(group, 'v1', plural);
    if (!found) throw new Error(plural);
    return found;
  };
  storage.create(type('', 'namespaces'), undefined, { metadata: { name: 'default' } }, {});
  return { storage, store, type };
}

function deployment(image: string, replicas = 1): object {
  return {
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

function apiError(action: () => unknown): ApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('ResourceStorage', () => {
  it('fills in system metadata and defaults on create', () => {
    const { storage, type } = setup();
    const created = storage.create(type('apps', 'deployments'), 'default', deployment('app:1'), {
      manager: 'test',
    });
    expect(created.metadata).toMatchObject({
      namespace: 'default',
      generation: 1,
      creationTimestamp: '2025-01-01T00:00:00Z',
    });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.spec).toMatchObject({
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
    });
    expect(created.metadata.managedFields?.[0]).toMatchObject({ manager: 'test', operation: 'Update' });
  });

  it('bumps generation on spec changes only, and skips no-op writes', () => {
    const { storage, type } = setup();
    const deployments = type('apps', 'deployments');
    const created = storage.create(deployments, 'default', deployment('app:1'), {});
    const same = storage.update(deployments, 'default', 'web', { ...created }, {});
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const labelled = storage.mutate(
      deployments,
      'default',
      'web',
      (o) => ({ ...o, metadata: { ...o.metadata, labels: { a: 'b' } } }),
      {},
    );
    expect(labelled.metadata.generation).toBe(1);
    const changed = storage.mutate(deployments, 'default', 'web', () => deployment('app:2'), {});
    expect(changed.metadata.generation).toBe(2);
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(
      Number(labelled.metadata.resourceVersion),
    );
  });

  it('keeps status and spec apart between the main resource and /status', () => {
    const { storage, type } = setup();
    const deployments = type('apps', 'deployments');
    storage.create(deployments, 'default', deployment('app:1'), {});
    storage.mutate(deployments, 'default', 'web', (o) => ({ ...o, status: { replicas: 1 } }), {
      subresource: 'status',
    });
    const viaMain = storage.mutate(
      deployments,
      'default',
      'web',
      (o) => ({ ...o, status: { replicas: 99 } }),
      {},
    );
    expect(viaMain.status).toEqual({ replicas: 1 });
    const viaStatus = storage.mutate(
      deployments,
      'default',
      'web',
      (o: KubeObject) => ({ ...o, spec: { replicas: 7 }, status: { replicas: 2 } }),
      { subresource: 'status' },
    );
    expect(viaStatus.status).toEqual({ replicas: 2 });
    expect((viaStatus.spec as { replicas: number }).replicas).toBe(1);
  });

  it('answers conflicts, missing namespaces and invalid objects with the right Status', () => {
    const { storage, type } = setup();
    const configMaps = type('', 'configmaps');
    const created = storage.create(configMaps, 'default', { metadata: { name: 'c' }, data: { a: '1' } }, {});
    storage.update(configMaps, 'default', 'c', { ...created, data: { a: '2' } }, {});
    expect(
      apiError(() => storage.update(configMaps, 'default', 'c', { ...created, data: { a: '3' } }, {})),
    ).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(
      apiError(() => storage.create(configMaps, 'default', { metadata: { name: 'c' } }, {})),
    ).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    expect(
      apiError(() => storage.create(configMaps, 'nowhere', { metadata: { name: 'x' } }, {})),
    ).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
    expect(
      apiError(() => storage.create(configMaps, 'default', { metadata: { name: 'Bad' } }, {})),
    ).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(
      apiError(() => storage.create(configMaps, 'default', { kind: 'Secret', metadata: { name: 'x' } }, {})),
    ).toMatchObject({ code: 400 });
    const bad = {
      ...(deployment('a') as { spec: object }),
      spec: {
        selector: { matchLabels: { app: 'other' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } },
      },
    };
    const invalid = apiError(() => storage.create(type('apps', 'deployments'), 'default', bad, {}));
    expect(invalid.details?.causes?.map((cause) => cause.field)).toEqual([
      'spec.template.spec.containers[0].image',
      'spec.template.metadata.labels',
    ]);
  });

  it('converts Secret stringData and allocates Service cluster IPs that survive updates', () => {
    const { storage, type } = setup();
    const secret = storage.create(
      type('', 'secrets'),
      'default',
      { metadata: { name: 's' }, stringData: { token: 'abc' } },
      {},
    );
    expect(secret).toMatchObject({ type: 'Opaque', data: { token: Buffer.from('abc').toString('base64') } });
    expect(secret.stringData).toBeUndefined();
    const services = type('', 'services');
    const service = storage.create(
      services,
      'default',
      { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } },
      {},
    );
    const ip = (service.spec as { clusterIP: string }).clusterIP;
    expect(ip).toMatch(/^10\.43\./);
    const updated = storage.update(
      services,
      'default',
      'svc',
      { metadata: { name: 'svc' }, spec: { ports: [{ port: 81 }] } },
      {},
    );
    expect(updated.spec).toMatchObject({
      clusterIP: ip,
      ports: [{ port: 81, targetPort: 81, protocol: 'TCP' }],
    });
  });

  it('cascades deletion to dependents unless orphaned, and empties deleted namespaces', () => {
    const { storage, type } = setup();
    const configMaps = type('', 'configmaps');
    const owner = storage.create(configMaps, 'default', { metadata: { name: 'owner' } }, {});
    const reference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid ?? '' };
    storage.create(configMaps, 'default', { metadata: { name: 'child', ownerReferences: [reference] } }, {});
    storage.delete(configMaps, 'default', 'owner', {});
    expect(storage.find(configMaps, 'default', 'child')).toBeUndefined();

    const second = storage.create(configMaps, 'default', { metadata: { name: 'owner2' } }, {});
    storage.create(
      configMaps,
      'default',
      { metadata: { name: 'orphan', ownerReferences: [{ ...reference, uid: second.metadata.uid ?? '' }] } },
      {},
    );
    storage.delete(configMaps, 'default', 'owner2', { propagationPolicy: 'Orphan' });
    expect(storage.find(configMaps, 'default', 'orphan')?.metadata.ownerReferences).toEqual([]);

    const namespaces = type('', 'namespaces');
    storage.create(namespaces, undefined, { metadata: { name: 'scratch' } }, {});
    storage.create(configMaps, 'scratch', { metadata: { name: 'x' } }, {});
    storage.delete(namespaces, undefined, 'scratch', {});
    expect(storage.list(configMaps, 'scratch')).toEqual([]);
    expect(apiError(() => storage.delete(namespaces, undefined, 'default', {}))).toMatchObject({ code: 403 });
  });

  it('stores frozen versions that share what a write left unchanged with the version before', () => {
    const { storage, type } = setup();
    const deployments = type('apps', 'deployments');
    const created = storage.create(deployments, 'default', deployment('app:1'), {});
    const withStatus = storage.mutate(
      deployments,
      'default',
      'web',
      (o) => ({ ...o, status: { replicas: 1 } }),
      {
        subresource: 'status',
      },
    );
    expect(withStatus.spec).toBe(created.spec);
    expect(withStatus.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const scaled = storage.mutate(
      deployments,
      'default',
      'web',
      (o) => ({ ...o, spec: { ...(o.spec as object), replicas: 3 } }),
      {},
    );
    expect(scaled.status).toBe(withStatus.status);
    expect(scaled.metadata.generation).toBe(2);
    expect(Object.isFrozen((scaled.spec as { template: object }).template)).toBe(true);
    // A change function gets the stored object itself: it may not edit it in place.
    expect(() =>
      storage.mutate(
        deployments,
        'default',
        'web',
        (o) => {
          (o.spec as { replicas: number }).replicas = 5;
          return o;
        },
        {},
      ),
    ).toThrow(TypeError);
    expect((storage.get(deployments, 'default', 'web').spec as { replicas: number }).replicas).toBe(3);
  });

  it('binds a pod in one write: node name and PodScheduled condition together', () => {
    const { storage, type } = setup();
    const pods = type('', 'pods');
    storage.create(
      pods,
      'default',
      { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      {},
    );
    const bound = storage.mutate(
      pods,
      'default',
      'p',
      (o) => ({
        ...o,
        spec: { ...(o.spec as object), nodeName: 'n1' },
        status: { ...(o.status as object), conditions: [{ type: 'PodScheduled', status: 'True' }] },
      }),
      { subresource: 'binding' },
    );
    expect(bound.spec).toMatchObject({ nodeName: 'n1' });
    expect(bound.status).toMatchObject({ phase: 'Pending', conditions: [{ type: 'PodScheduled' }] });
  });

  it('does not persist dry runs', () => {
    const { storage, type } = setup();
    const configMaps = type('', 'configmaps');
    const dry = storage.create(configMaps, 'default', { metadata: { name: 'dry' } }, { dryRun: true });
    expect(dry.metadata.name).toBe('dry');
    expect(storage.find(configMaps, 'default', 'dry')).toBeUndefined();
  });

  it('applies server-side, creating then updating with ownership', () => {
    const { storage, type } = setup();
    const configMaps = type('', 'configmaps');
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } };
    const created = storage.apply(configMaps, 'default', 'ssa', body, { manager: 'polis', force: false });
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'polis',
        operation: 'Apply',
        fieldsV1: { 'f:data': { 'f:a': {} } },
      }),
    ]);
    storage.mutate(configMaps, 'default', 'ssa', (o) => ({ ...o, data: { a: '2' } }), { manager: 'editor' });
    expect(
      apiError(() => storage.apply(configMaps, 'default', 'ssa', body, { manager: 'polis', force: false })),
    ).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(storage.apply(configMaps, 'default', 'ssa', body, { manager: 'polis', force: true }).data).toEqual(
      { a: '1' },
    );
  });
});
