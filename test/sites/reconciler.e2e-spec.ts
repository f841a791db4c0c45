/** ClusterReconciler: convergence, drift correction, pruning and every emulator fault, over HTTPS. */
import type { KubeEmulator } from '@polis/kube-emulator';
import { ClusterClient, ClusterReconciler } from '@polis/kube';
import { LABEL_MANAGED_BY, MANAGED_BY_POLIS, POLIS_MODELS_NAMESPACE } from '@polis/manifests';
import { eventually, kubectl, startSite, workload } from './support';

const ns = POLIS_MODELS_NAMESPACE;
const path = {
  configMap: (name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`,
  deployment: (name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
  service: (name: string) => `/api/v1/namespaces/${ns}/services/${name}`,
};

describe('ClusterReconciler', () => {
  let site: KubeEmulator;
  let client: ClusterClient;
  let reconciler: ClusterReconciler;
  const one = workload('recon', 'dep-one');
  const two = workload('recon', 'dep-two', 2);

  async function converged(expectedReady: number): Promise<void> {
    await eventually(
      `converged with ${expectedReady} ready deployments`,
      () => reconciler.converged && reconciler.readiness().ready === expectedReady,
      20_000,
    );
  }

  beforeAll(async () => {
    site = await startSite('recon', { nodes: 3 });
    client = new ClusterClient('recon', site.kubeconfig(), {
      timeoutMs: 3000,
      maxInflight: 8,
      retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 300 },
    });
    reconciler = new ClusterReconciler(client);
    reconciler.start();
    reconciler.setDesired([...one.objects, ...two.objects]);
    await reconciler.synced();
  });

  afterAll(async () => {
    await reconciler?.stop();
    await client?.close();
    await site?.stop();
  });

  afterEach(() => site.clearFaults());

  it('applies every desired object and reports the deployments Ready', async () => {
    await converged(2);
    const live = await kubectl(site, 'GET', path.deployment(two.names.workload));
    expect(live.body.status.readyReplicas).toBe(2);
    expect(live.body.metadata.managedFields.map((f: { manager: string }) => f.manager)).toContain('polis');
    expect(reconciler.status().failures).toEqual([]);
  });

  it('puts back an edited Deployment and ConfigMap, and a deleted Service', async () => {
    await converged(2);
    await kubectl(site, 'PATCH', path.deployment(one.names.workload), { spec: { replicas: 4 } });
    const [configKey] = Object.keys(one.configMap.data ?? {});
    await kubectl(site, 'PATCH', path.configMap(one.names.configMap), {
      data: { [configKey]: '{"edited":true}' },
    });
    await kubectl(site, 'DELETE', path.service(one.names.workload));
    await eventually('drift corrected', async () => {
      const [deployment, configMap, service] = await Promise.all([
        kubectl(site, 'GET', path.deployment(one.names.workload)),
        kubectl(site, 'GET', path.configMap(one.names.configMap)),
        kubectl(site, 'GET', path.service(one.names.workload)),
      ]);
      return (
        deployment.body.spec.replicas === 1 &&
        JSON.stringify(configMap.body.data) === JSON.stringify(one.configMap.data) &&
        service.status === 200
      );
    });
    await converged(2);
  });

  it('keeps fields another manager added, and never touches objects without Polis labels', async () => {
    await kubectl(site, 'PATCH', path.deployment(one.names.workload), {
      metadata: { annotations: { 'ops/note': 'hello' } },
    });
    const foreign = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'operator-notes', namespace: ns, labels: { team: 'ops' } },
      data: { a: '1' },
    };
    expect(
      (await kubectl(site, 'POST', `/api/v1/namespaces/${ns}/configmaps`, foreign, 'application/json'))
        .status,
    ).toBe(201);
    // Polis-managed but shared (no deployment id): not Polis's to prune either.
    const shared = {
      ...foreign,
      metadata: {
        ...foreign.metadata,
        name: 'polis-shared',
        labels: { [LABEL_MANAGED_BY]: MANAGED_BY_POLIS },
      },
    };
    expect(
      (await kubectl(site, 'POST', `/api/v1/namespaces/${ns}/configmaps`, shared, 'application/json')).status,
    ).toBe(201);
    reconciler.setDesired([...one.objects, ...two.objects]);
    await converged(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await kubectl(site, 'GET', path.configMap('operator-notes'))).body.data).toEqual({ a: '1' });
    expect((await kubectl(site, 'GET', path.configMap('polis-shared'))).status).toBe(200);
    const deployment = await kubectl(site, 'GET', path.deployment(one.names.workload));
    expect(deployment.body.metadata.annotations['ops/note']).toBe('hello');
  });

  it('prunes the objects of a deployment that is no longer desired, and nothing else', async () => {
    reconciler.setDesired([...one.objects]);
    await eventually('dep-two pruned', async () => {
      const statuses = await Promise.all([
        kubectl(site, 'GET', path.deployment(two.names.workload)),
        kubectl(site, 'GET', path.configMap(two.names.configMap)),
        kubectl(site, 'GET', path.service(two.names.workload)),
      ]);
      return statuses.every((s) => s.status === 404);
    });
    await converged(1);
    expect((await kubectl(site, 'GET', path.deployment(one.names.workload))).status).toBe(200);
    expect((await kubectl(site, 'GET', `/api/v1/namespaces/${ns}`)).status).toBe(200);
    expect((await kubectl(site, 'GET', path.configMap('operator-notes'))).status).toBe(200);
    reconciler.setDesired([...one.objects, ...two.objects]);
    await converged(2);
  });

  it('converges through an API that answers 503 for a while', async () => {
    site.setUnavailable(true);
    reconciler.setDesired([...one.objects, ...two.objects, ...workload('recon', 'dep-three').objects]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(reconciler.converged).toBe(false);
    site.setUnavailable(false);
    await converged(3);
  });

  it('converges through 429 throttling with Retry-After', async () => {
    site.throttle(3, 1);
    const started = Date.now();
    reconciler.setDesired([...one.objects, ...two.objects, ...workload('recon', 'dep-four').objects]);
    await converged(3);
    expect(site.faultState().throttledRequestsLeft).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    reconciler.setDesired([...one.objects, ...two.objects]);
    await converged(2);
  });

  it('converges through write conflicts', async () => {
    site.conflictWrites(4);
    reconciler.setDesired([...one.objects, ...two.objects, ...workload('recon', 'dep-five').objects]);
    await converged(3);
    expect(site.faultState().conflictingWritesLeft).toBe(0);
    reconciler.setDesired([...one.objects, ...two.objects]);
    await converged(2);
  });

  it('resumes its watches after they are dropped, and relists after history is compacted', async () => {
    await eventually('watches open', () => site.openWatches >= 3);
    expect(site.dropWatches()).toBeGreaterThanOrEqual(3);
    await eventually('watches reopened', () => site.openWatches >= 3);
    await kubectl(site, 'DELETE', path.service(two.names.workload));
    await eventually(
      'service restored after resume',
      async () => (await kubectl(site, 'GET', path.service(two.names.workload))).status === 200,
    );
    site.compactHistory();
    site.dropWatches();
    await kubectl(site, 'PATCH', path.deployment(two.names.workload), { spec: { replicas: 5 } });
    await eventually(
      'replicas restored after relist',
      async () => (await kubectl(site, 'GET', path.deployment(two.names.workload))).body.spec.replicas === 2,
    );
    await converged(2);
  });

  it('follows a node going NotReady and coming back', async () => {
    await converged(2);
    const pods = (await kubectl(site, 'GET', `/api/v1/namespaces/${ns}/pods`)).body.items as {
      spec: { nodeName: string };
    }[];
    const node = pods[0].spec.nodeName;
    site.setNodeReady(node, false);
    await eventually('a deployment loses readiness', () => reconciler.readiness().ready < 2);
    site.setNodeReady(node, true);
    await converged(2);
  });
});
