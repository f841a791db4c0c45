/** A control plane that restarts picks up where it was: nothing running on the sites is touched. */
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'traffic-flow-forecaster';

describe('control-plane restart', () => {
  let h: DeploymentHarness;

  beforeAll(async () => {
    h = await DeploymentHarness.start('restart');
    await h.addSite({ id: 'traffic-a', kind: 'traffic' });
    await h.addSite({ id: 'traffic-b', kind: 'traffic' });
    await h.publishModel(MODEL);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('neither prunes nor re-creates anything while it starts again, and reports Ready again', async () => {
    const created = await h.api('POST', '/deployments', {
      id: 'flow',
      model: { name: MODEL, version: '1.0.0' },
      targets: { kinds: ['traffic'] },
      replicasPerSite: 2,
    });
    expect(created.status).toBe(201);
    await eventually('flow Ready', async () => (await h.status('flow')).state === 'Ready');
    const before = ['traffic-a', 'traffic-b'].map((site) => h.workloads(site).map(describeWorkload)[0]);
    expect(before.map((w) => w.readyReplicas)).toEqual([2, 2]);

    // Deleted from now on: a pruned and re-created workload would be missing or carry another uid.
    const seen: string[] = [];
    const watch = setInterval(() => {
      for (const site of ['traffic-a', 'traffic-b'])
        seen.push(h.workloads(site).map((w) => `${site}:${w.metadata.uid}`)[0] ?? `${site}:missing`);
    }, 20);
    try {
      await h.restart();
      const status = await eventually('flow Ready after the restart', async () => {
        const s = await h.status('flow');
        return s.state === 'Ready' && s;
      });
      expect(status.revision).toBe(created.json.revision);
    } finally {
      clearInterval(watch);
    }
    expect(new Set(seen)).toEqual(new Set(before.map((w, i) => `${['traffic-a', 'traffic-b'][i]}:${w.uid}`)));
  });
});
