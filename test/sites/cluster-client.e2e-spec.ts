/** @polis/kube ClusterClient and ClusterPool over real HTTPS against emulated clusters. */
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { KubeEmulator } from '@polis/kube-emulator';
import { ClusterClient, ClusterPool, KubeRequestError, Semaphore } from '@polis/kube';
import { LABEL_MANAGED_BY, MANAGED_BY_POLIS } from '@polis/manifests';
import { blackhole, eventually, kubeconfigAt, kubeconfigWithToken, kubectl, startSite } from './support';

const fastRetry = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

function configMap(name: string, data: Record<string, string>, labels: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}
const polisLabels = { [LABEL_MANAGED_BY]: MANAGED_BY_POLIS };

describe('ClusterClient against the emulator', () => {
  let site: KubeEmulator;
  let client: ClusterClient;

  beforeAll(async () => {
    site = await startSite('client-a', { nodes: 2 });
    client = new ClusterClient('client-a', site.kubeconfig(), {
      timeoutMs: 3000,
      maxInflight: 8,
      retry: fastRetry,
    });
  });
  afterAll(async () => {
    await client?.close();
    await site?.stop();
  });
  afterEach(() => site.clearFaults());

  it('applies, updates and deletes with server-side apply as field manager "polis"', async () => {
    const applied = await client.apply(configMap('round-trip', { a: '1' }, polisLabels));
    expect(applied.metadata?.managedFields?.map((f) => f.manager)).toEqual(['polis']);
    await client.apply(configMap('round-trip', { a: '2', b: '3' }, polisLabels));
    const read = await kubectl(site, 'GET', '/api/v1/namespaces/default/configmaps/round-trip');
    expect(read.body.data).toEqual({ a: '2', b: '3' });
    expect(await client.deleteOwned(applied)).toBe('deleted');
    expect((await kubectl(site, 'GET', '/api/v1/namespaces/default/configmaps/round-trip')).status).toBe(404);
    expect(await client.deleteOwned(applied)).toBe('absent');
  });

  it('sends only the requests the objects need: no discovery for the kinds Polis manages', async () => {
    const fresh = new ClusterClient('client-a', site.kubeconfig(), { timeoutMs: 3000, maxInflight: 8 });
    try {
      const labels = { app: 'counted', ...polisLabels };
      await Promise.all([
        fresh.apply(configMap('counted', { a: '1' }, polisLabels)),
        fresh.apply({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'counted', namespace: 'default', labels },
          spec: { ports: [{ port: 80 }] },
        }),
        fresh.apply({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'counted', namespace: 'default', labels },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: 'counted' } },
            template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'x' }] } },
          },
        }),
      ]);
      expect(fresh.stats.requests).toBe(3);
      await fresh.list('apps/v1', 'Deployment', { namespace: 'default', labelSelector: 'app=counted' });
      expect(fresh.stats.requests).toBe(4);
      expect(
        await fresh.deleteOwned({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'counted', namespace: 'default' },
        }),
      ).toBe('deleted');
      expect(fresh.stats.requests).toBe(6); // the read that checks ownership, then the delete
      // A kind it does not know is still resolved by asking the cluster, once.
      await fresh.list('v1', 'Secret', { namespace: 'default' });
      expect(fresh.stats.requests).toBe(8);
    } finally {
      await fresh.close();
    }
  });

  it('never deletes an object without the Polis ownership label', async () => {
    const created = await kubectl(
      site,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      configMap('theirs', { x: '1' }, { team: 'ops' }),
      'application/json',
    );
    expect(created.status).toBe(201);
    expect(await client.deleteOwned(configMap('theirs', {}, {}))).toBe('not-owned');
    expect((await kubectl(site, 'GET', '/api/v1/namespaces/default/configmaps/theirs')).status).toBe(200);
  });

  it('reads node inventory: allocatable, requested by running pods, Ready', async () => {
    const before = await client.inventory();
    expect(before).toHaveLength(2);
    expect(before[0]).toMatchObject({
      ready: true,
      architecture: 'amd64',
      allocatable: { cpuMillicores: 4000, memoryBytes: 8 * 2 ** 30, pods: 110 },
    });
    await kubectl(
      site,
      'POST',
      '/api/v1/namespaces/default/pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sized' },
        spec: {
          containers: [
            { name: 'a', image: 'x', resources: { requests: { cpu: '250m', memory: '128Mi' } } },
            { name: 'b', image: 'x', resources: { requests: { cpu: '0.5', memory: '64Mi' } } },
          ],
        },
      },
      'application/json',
    );
    const after = await eventually('pod scheduled', async () => {
      const inventory = await client.inventory();
      return inventory.some((n) => n.requested.pods === 1) && inventory;
    });
    const node = after.find((n) => n.requested.pods === 1);
    expect(node?.requested).toEqual({
      cpuMillicores: 750,
      memoryBytes: 192 * 2 ** 20,
      pods: 1,
      accelerators: {},
    });
    site.setNodeReady(before[1].name, false);
    const notReady = await client.inventory();
    expect(notReady.find((n) => n.name === before[1].name)?.ready).toBe(false);
    site.setNodeReady(before[1].name, true);
  });

  it('waits out 429 for at least Retry-After, then succeeds', async () => {
    site.throttle(2, 1);
    const started = Date.now();
    await client.apply(configMap('throttled', { a: '1' }, polisLabels));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(site.faultState().throttledRequestsLeft).toBe(0);
  });

  it('retries 409 conflicts and 503s until the cluster accepts the write', async () => {
    site.conflictWrites(3);
    await client.apply(configMap('conflicted', { a: '1' }, polisLabels));
    expect(site.faultState().conflictingWritesLeft).toBe(0);
    site.setUnavailable(true);
    const sent = client.stats.requests;
    const applying = client.apply(configMap('unavailable', { a: '1' }, polisLabels));
    await eventually('two refused attempts', () => client.stats.requests >= sent + 2);
    site.setUnavailable(false);
    await applying;
    expect((await kubectl(site, 'GET', '/api/v1/namespaces/default/configmaps/unavailable')).status).toBe(
      200,
    );
  });

  it('does not retry rejected credentials', async () => {
    const wrong = new ClusterClient('client-a-wrong', kubeconfigWithToken(site, 'not-the-token'), {
      timeoutMs: 3000,
      maxInflight: 2,
      retry: fastRetry,
    });
    try {
      const error = await wrong.version().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeRequestError);
      expect(error).toMatchObject({ failure: 'unauthorized', message: 'credentials rejected (401)' });
      expect(wrong.stats.requests).toBe(1);
    } finally {
      await wrong.close();
    }
  });
});

describe('ClusterPool isolation', () => {
  it('keeps other clusters fast while one hangs and one is stopped', async () => {
    const sites = await Promise.all([1, 2, 3, 4].map((i) => startSite(`iso-${i}`, { nodes: 1 })));
    const hung = await blackhole();
    const stopped = await startSite('iso-stopped', { nodes: 1 });
    const stoppedKubeconfig = stopped.kubeconfig();
    await stopped.stop();
    // A tight global limit: were the hung cluster allowed to hold it, the others would queue behind.
    const pool = new ClusterPool({
      requestTimeoutMs: 1500,
      maxInflightPerCluster: 2,
      maxInflightTotal: 4,
      retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 },
    });
    try {
      const hungClient = await pool.client('hung', kubeconfigAt(sites[0], hung.port));
      const stoppedClient = await pool.client('stopped', stoppedKubeconfig);
      const hanging = Array.from({ length: 3 }, () =>
        hungClient.version().then(
          () => 'ok',
          (e: KubeRequestError) => e.failure,
        ),
      );
      const refused = stoppedClient.version().then(
        () => 'ok',
        (e: KubeRequestError) => e.failure,
      );
      const started = Date.now();
      const healthy = await Promise.all(
        sites.map(async (site, i) => (await pool.client(`iso-${i + 1}`, site.kubeconfig())).inventory()),
      );
      const healthyMs = Date.now() - started;
      expect(healthy.every((inventory) => inventory.length === 1 && inventory[0].ready)).toBe(true);
      expect(healthyMs).toBeLessThan(1000);
      expect(await refused).toBe('unreachable');
      expect(new Set(await Promise.all(hanging))).toEqual(new Set(['timeout']));
      expect(pool.requestCounts()['iso-1']).toBe(2);
    } finally {
      await pool.close();
      await hung.close();
      await Promise.all(sites.map((site) => site.stop()));
    }
  });

  it('shares one global semaphore across clusters', async () => {
    const global = new Semaphore(3);
    const site = await startSite('sem', { nodes: 1 });
    const clients = [1, 2].map(
      (i) =>
        new ClusterClient(`sem-${i}`, site.kubeconfig(), {
          timeoutMs: 2000,
          maxInflight: 3,
          globalLimit: global,
        }),
    );
    try {
      let peak = 0;
      const sample = setInterval(() => (peak = Math.max(peak, global.inUse)), 1);
      await Promise.all(clients.flatMap((c) => Array.from({ length: 10 }, () => c.version())));
      clearInterval(sample);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(3);
      expect(clients.map((c) => c.stats.requests)).toEqual([10, 10]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await site.stop();
    }
  });
});
