/** A GPU model: placed only where the device is, requested with its toleration, and explained elsewhere. */
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'congestion-classifier';
const GPU = 'nvidia.com/gpu';

describe('GPU model deployments', () => {
  let h: DeploymentHarness;

  beforeAll(async () => {
    h = await DeploymentHarness.start('gpu');
    await h.addSite({
      id: 'traffic-gpu',
      kind: 'traffic',
      nodes: 1,
      gpus: 1,
      taints: [{ key: GPU, value: 'present', effect: 'NoSchedule' }],
    });
    await h.addSite({ id: 'traffic-cpu', kind: 'traffic', nodes: 1 });
    // The same graph, declared as needing a GPU.
    await h.publishModel(MODEL, '2.0.0', (metadata) => ({
      ...metadata,
      resources: { ...metadata.resources, accelerator: GPU },
    }));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('runs on the GPU site with the device and its toleration, and says the other site has no GPU', async () => {
    const created = await h.api('POST', '/deployments', {
      id: 'vision',
      model: { name: MODEL, version: '2.0.0' },
      targets: { kinds: ['traffic'] },
      nodeSelector: { 'polis.city/zone': 'north' },
      policy: 'edge-only',
    });
    expect(created.status).toBe(201);

    const status = await eventually('vision Ready on the GPU site', async () => {
      const s = await h.status('vision');
      const gpu = s.sites.find((site: { siteId: string }) => site.siteId === 'traffic-gpu');
      return gpu?.state === 'Ready' && s;
    });
    const cpu = status.sites.find((site: { siteId: string }) => site.siteId === 'traffic-cpu');
    expect(cpu).toMatchObject({ state: 'Failed', replicas: { unplaced: 1 } });
    expect(cpu.reason).toContain(GPU);
    expect(status.reason).toContain(`traffic-cpu: no eligible node at traffic-cpu has 1 ${GPU} free`);
    expect(h.workloads('traffic-cpu')).toEqual([]);

    const [object] = h.workloads('traffic-gpu');
    expect(describeWorkload(object)).toMatchObject({ replicas: 1, readyReplicas: 1, version: '2.0.0' });
    const pod = (object.spec as any).template.spec;
    expect(pod.containers[0].resources.requests[GPU]).toBe('1');
    expect(pod.containers[0].resources.limits[GPU]).toBe('1');
    expect(pod.tolerations).toEqual([{ key: GPU, operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.nodeSelector).toEqual({ 'polis.city/zone': 'north' });
    // GPU pods replace in place: a surge pod would wait for a device that is not there.
    expect((object.spec as any).strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    const running = h
      .site('traffic-gpu')
      .list('', 'pods', 'polis-models')
      .filter((p) => (p.status as any)?.phase === 'Running');
    expect(running).toHaveLength(1);
  });

  it('refuses accelerators and node selectors it could not honour', async () => {
    const bad = await h.api('POST', '/deployments', {
      id: 'bad-gpu',
      model: { name: MODEL, version: '2.0.0' },
      targets: { kinds: ['traffic'] },
      resources: { cpuMillicores: 100, memoryBytes: 1024 ** 2, accelerators: { [GPU]: 1, 'amd.com/gpu': 1 } },
      nodeSelector: { 'polis.city/site': 'traffic-gpu' },
      tolerations: [{ key: GPU, operator: 'Exists', value: 'present' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.details.problems.map((p: { path: string }) => p.path).sort()).toEqual(
      ['nodeSelector', 'resources.accelerators', 'tolerations.0.value'].sort(),
    );
  });
});
