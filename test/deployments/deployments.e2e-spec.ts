/** Deployments through the REST API onto emulated sites: desired state, manifests, status, unplaceable. */
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'congestion-classifier';

describe('deployments API and reconciliation', () => {
  let h: DeploymentHarness;

  beforeAll(async () => {
    h = await DeploymentHarness.start('deployments');
    await h.addSite({ id: 'traffic-a', kind: 'traffic' });
    await h.addSite({ id: 'traffic-b', kind: 'traffic', zone: 'south' });
    await h.addSite({ id: 'central-1', kind: 'central', nodes: 1, cpu: '16', memory: '64Gi' });
    await h.publishModel(MODEL);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('refuses a body it cannot use, naming each bad field, and a model version that was never published', async () => {
    const bad = await h.api('POST', '/deployments', {
      id: 'Bad--Id',
      model: { name: MODEL, version: 'one' },
      targets: {},
      policy: 'anywhere',
    });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.json.details.problems.map((p: { path: string }) => p.path))].sort()).toEqual(
      ['id', 'model.version', 'policy', 'targets'].sort(),
    );
    const unknown = await h.api('POST', '/deployments', {
      id: 'ghost',
      model: { name: MODEL, version: '9.9.9' },
      targets: { kinds: ['traffic'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.details.problem).toBe('unknown-model');
  });

  it('deploys a city model to every traffic site: Ready on each cluster with the right manifests', async () => {
    const created = await h.api('POST', '/deployments', {
      id: 'congestion',
      model: { name: MODEL, version: '1.0.0' },
      targets: { kinds: ['traffic'] },
      replicasPerSite: 2,
      policy: 'edge-preferred',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: 'congestion',
      revision: expect.any(Number),
      replicasPerSite: 2,
    });

    const status = await eventually('congestion Ready', async () => {
      const s = await h.status('congestion');
      return s.state === 'Ready' && s;
    });
    expect(status.sites.map((s: { siteId: string; state: string }) => [s.siteId, s.state])).toEqual([
      ['traffic-a', 'Ready'],
      ['traffic-b', 'Ready'],
    ]);

    for (const siteId of ['traffic-a', 'traffic-b']) {
      const [workload] = h.workloads(siteId).map(describeWorkload);
      expect(workload).toMatchObject({
        name: `${MODEL}-congestion`,
        replicas: 2,
        readyReplicas: 2,
        version: '1.0.0',
        siteAffinity: [siteId],
        labels: {
          'app.kubernetes.io/managed-by': 'polis',
          'polis.city/deployment-id': 'congestion',
          'polis.city/site': siteId,
        },
      });
      const config = h.site(siteId).get('', 'configmaps', 'polis-models', `${MODEL}-congestion-config`);
      const data = (config as any).data;
      expect(data.POLIS_SUBSCRIBE_SUBJECTS).toBe(`${h.prefix}.telemetry.${siteId}.traffic-loop.*`);
      expect(data.POLIS_MODEL_ARTIFACT_URL).toBe(
        `https://hub.polis.test/api/v1/models/${MODEL}/versions/1.0.0/download`,
      );
      expect(data.POLIS_NATS_URL).toBe('nats://hub.polis.test:4222');
    }
    // Not a target: nothing of this deployment on the central site.
    expect(h.workloads('central-1')).toEqual([]);
  });

  it('explains in the status why replicas could not be placed', async () => {
    const created = await h.api('POST', '/deployments', {
      id: 'too-big',
      model: { name: MODEL, version: '1.0.0' },
      targets: { ids: ['traffic-a'] },
      resources: { cpuMillicores: 64_000, memoryBytes: 1024 ** 3 },
      policy: 'edge-only',
    });
    expect(created.status).toBe(201);
    const status = await eventually('too-big Failed', async () => {
      const s = await h.status('too-big');
      return s.state === 'Failed' && s;
    });
    expect(status.reason).toMatch(/traffic-a: no eligible node at traffic-a has 64 CPU free/);
    expect(status.sites[0]).toMatchObject({
      siteId: 'traffic-a',
      state: 'Failed',
      replicas: { unplaced: 1 },
    });
    expect(h.workloads('traffic-a').map((w) => w.metadata.name)).not.toContain(`${MODEL}-too-big`);
  });

  it('updates only at the revision read (If-Match), and a deletion prunes the workloads everywhere', async () => {
    const current = await h.api('GET', '/deployments/congestion');
    const body = { ...current.json, replicasPerSite: 1 };
    for (const field of ['revision', 'createdAt', 'updatedAt', 'status', 'history']) delete body[field];

    expect((await h.api('PUT', '/deployments/congestion', body)).status).toBe(400);
    const stale = await h.api('PUT', '/deployments/congestion', body, {
      'if-match': `"${current.json.revision + 7}"`,
    });
    expect(stale.status).toBe(409);
    const updated = await h.api('PUT', '/deployments/congestion', body, {
      'if-match': `"${current.json.revision}"`,
    });
    expect(updated.status).toBe(200);
    expect(updated.json.revision).toBeGreaterThan(current.json.revision);
    await eventually('one replica per site', () =>
      ['traffic-a', 'traffic-b'].every((site) => {
        const [w] = h.workloads(site).map(describeWorkload);
        return w?.replicas === 1 && w.readyReplicas === 1;
      }),
    );

    expect((await h.api('DELETE', '/deployments/congestion')).status).toBe(204);
    expect((await h.api('GET', '/deployments/congestion')).status).toBe(404);
    await eventually('workloads pruned', () =>
      ['traffic-a', 'traffic-b'].every(
        (site) => !h.workloads(site).some((w) => w.metadata.name === `${MODEL}-congestion`),
      ),
    );
    const listed = await h.api('GET', '/deployments');
    expect(listed.json.items.map((d: { id: string }) => d.id)).toEqual(['too-big']);
  });

  it('keeps the history in the events: created, planned, status changes, deleted', async () => {
    const controller = new AbortController();
    const stop = setTimeout(() => controller.abort(), 5_000);
    const response = await fetch(`${h.url}/api/v1/deployments/events?since=0`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    try {
      while (!text.includes('event: deleted')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
    } catch {
      // Aborted: the assertions below say what was missing.
    } finally {
      clearTimeout(stop);
      controller.abort();
    }
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
    const congestion = events.filter((e) => e.deploymentId === 'congestion').map((e) => e.state ?? e.type);
    expect(congestion[0]).toBe('created');
    expect(congestion).toContain('Ready');
    expect(congestion.at(-1)).toBe('deleted');
    expect(events.some((e) => e.type === 'planned')).toBe(true);
  });
});
