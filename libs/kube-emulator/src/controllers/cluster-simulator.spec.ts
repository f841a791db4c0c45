import { ResourceCatalog } from '../model/resources';
import type { KubeObject } from '../model/types';
import { ResourceStorage } from '../registry/storage';
import { ObjectStore } from '../store/object-store';
import { ClusterSimulator } from './cluster-simulator';
import { controllerContext } from './context';
import { nodeObject, withReadiness } from './nodes';

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function cluster(nodes: number): {
  store: ObjectStore;
  storage: ResourceStorage;
  simulator: ClusterSimulator;
  running: string[];
  deleted: string[];
  errors: unknown[];
} {
  const store = new ObjectStore();
  const storage = new ResourceStorage(store, new ResourceCatalog());
  const context = controllerContext(storage, () => new Date().toISOString());
  storage.create(
    storage.catalog.find('', 'v1', 'namespaces')!,
    undefined,
    { metadata: { name: 'default' } },
    {},
  );
  for (let i = 0; i < nodes; i += 1)
    storage.create(
      context.nodes,
      undefined,
      nodeObject(`n${i}`, i, { cpu: '2', memory: '4Gi' }, '2025-01-01T00:00:00Z'),
      {},
    );
  const running: string[] = [];
  const deleted: string[] = [];
  const errors: unknown[] = [];
  const simulator = new ClusterSimulator(context, store, {
    podStartDelayMs: 1,
    hooks: {
      onPodRunning: (pod) => void running.push(pod.metadata.name ?? ''),
      onPodDeleted: (pod) => void deleted.push(pod.metadata.name ?? ''),
    },
    onError: (error) => errors.push(error),
  });
  simulator.start();
  return { store, storage, simulator, running, deleted, errors };
}

function deployment(image: string, replicas: number, cpu = '500m'): object {
  return {
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image, resources: { requests: { cpu } } }] },
      },
    },
  };
}

const status = (object: KubeObject | undefined): Record<string, unknown> =>
  (object?.status ?? {}) as Record<string, unknown>;

describe('ClusterSimulator', () => {
  let env: ReturnType<typeof cluster>;
  afterEach(() => {
    env.simulator.stop();
    expect(env.errors).toEqual([]);
  });

  it('rolls a deployment out to running pods, calls the runtime hook, and reports a complete status', async () => {
    env = cluster(2);
    const { storage } = env;
    const deployments = storage.catalog.find('apps', 'v1', 'deployments')!;
    storage.create(deployments, 'default', deployment('app:1', 3), {});
    const done = await until(() => {
      const current = storage.find(deployments, 'default', 'web');
      return status(current).availableReplicas === 3 ? current : undefined;
    }, 'availability');
    expect(status(done)).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      observedGeneration: 1,
    });
    expect(
      (status(done).conditions as { type: string; reason: string }[]).map((c) => `${c.type}:${c.reason}`),
    ).toEqual(['Available:MinimumReplicasAvailable', 'Progressing:NewReplicaSetAvailable']);
    expect(done?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(env.running).toHaveLength(3);
  });

  it('binds each pod in one write, as the binding subresource does, then starts it', async () => {
    env = cluster(1);
    const { store, storage } = env;
    const podStates: string[] = [];
    store.subscribe((event) => {
      const spec = event.object.spec as { nodeName?: string };
      const state = status(event.object) as { phase?: string; conditions?: { type: string }[] };
      const scheduled = state.conditions?.some((c) => c.type === 'PodScheduled') ?? false;
      podStates.push(
        `${event.type} ${spec.nodeName ?? '-'} ${scheduled ? 'scheduled' : '-'} ${state.phase ?? ''}`,
      );
    }, '/pods');
    storage.create(storage.catalog.find('apps', 'v1', 'deployments')!, 'default', deployment('app:1', 1), {});
    await until(() => (env.running.length === 1 ? true : undefined), 'a running pod');
    expect(podStates).toEqual([
      'ADDED - - Pending',
      'MODIFIED n0 scheduled Pending',
      'MODIFIED n0 scheduled Running',
    ]);
  });

  it('replaces pods through a new ReplicaSet when the template changes, and scales', async () => {
    env = cluster(2);
    const { storage } = env;
    const deployments = storage.catalog.find('apps', 'v1', 'deployments')!;
    const replicaSets = storage.catalog.find('apps', 'v1', 'replicasets')!;
    const pods = storage.catalog.find('', 'v1', 'pods')!;
    storage.create(deployments, 'default', deployment('app:1', 2), {});
    await until(
      () => (status(storage.find(deployments, 'default', 'web')).availableReplicas === 2 ? true : undefined),
      'v1',
    );
    storage.mutate(deployments, 'default', 'web', () => deployment('app:2', 1), {});
    await until(() => {
      const current = storage.find(deployments, 'default', 'web');
      const s = status(current);
      return s.observedGeneration === 2 &&
        s.updatedReplicas === 1 &&
        s.replicas === 1 &&
        s.availableReplicas === 1
        ? true
        : undefined;
    }, 'the rollout');
    const sets = storage
      .list(replicaSets, 'default')
      .map((rs) => [
        (rs.metadata.annotations ?? {})['deployment.kubernetes.io/revision'],
        (rs.spec as { replicas: number }).replicas,
      ]);
    expect(sets.sort()).toEqual([
      ['1', 0],
      ['2', 1],
    ]);
    await until(() => (storage.list(pods, 'default').length === 1 ? true : undefined), 'old pods to go');
    expect(env.deleted).toHaveLength(2);
  });

  it('leaves pods that fit nowhere Pending/Unschedulable and places them once room appears', async () => {
    env = cluster(1);
    const { storage } = env;
    const deployments = storage.catalog.find('apps', 'v1', 'deployments')!;
    const pods = storage.catalog.find('', 'v1', 'pods')!;
    const nodes = storage.catalog.find('', 'v1', 'nodes')!;
    storage.create(deployments, 'default', deployment('app:1', 2, '1500m'), {});
    const pending = await until(() => {
      const list = storage.list(pods, 'default');
      return list.find((pod) => JSON.stringify(pod.status).includes('Unschedulable'));
    }, 'an unschedulable pod');
    expect(status(pending).phase).toBe('Pending');
    expect(JSON.stringify(status(pending).conditions)).toContain(
      '0/1 nodes are available: 1 Insufficient cpu.',
    );
    storage.create(
      nodes,
      undefined,
      nodeObject('n9', 9, { cpu: '2', memory: '4Gi' }, '2025-01-01T00:00:00Z'),
      {},
    );
    await until(
      () =>
        storage.list(pods, 'default').every((pod) => status(pod).phase === 'Running') ? true : undefined,
      'both pods running',
    );
  });

  it('mirrors node readiness onto its pods', async () => {
    env = cluster(1);
    const { storage } = env;
    const pods = storage.catalog.find('', 'v1', 'pods')!;
    const nodes = storage.catalog.find('', 'v1', 'nodes')!;
    storage.create(
      pods,
      'default',
      { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      {},
    );
    await until(
      () => (status(storage.find(pods, 'default', 'p')).phase === 'Running' ? true : undefined),
      'running',
    );
    const node = storage.get(nodes, undefined, 'n0');
    const notReady = withReadiness(node, false, 'now');
    storage.mutate(nodes, undefined, 'n0', (o) => ({ ...o, status: notReady.status }), {
      subresource: 'status',
    });
    await until(
      () =>
        JSON.stringify(status(storage.find(pods, 'default', 'p'))).includes('NodeNotReady')
          ? true
          : undefined,
      'pod unready',
    );
  });
});
