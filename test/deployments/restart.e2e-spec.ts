/** A control plane that restarts picks up where it was: nothing running on the sites is touched. */
import { deploymentBucket, rolloutBucket } from '../../apps/control-plane/src/deployments';
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'traffic-flow-forecaster';

describe('control-plane restart', () => {
  let h: DeploymentHarness;

  beforeAll(async () => {
    h = await DeploymentHarness.start('restart');
    await h.addSite({ id: 'traffic-a', kind: 'traffic' });
    await h.addSite({ id: 'traffic-b', kind: 'traffic' });
    await h.publishModel(MODEL);
    await h.publishModel(MODEL, '1.1.0');
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

  it('settles a rollback that a crash interrupted: the next process rewrites the desired state and quarantines', async () => {
    const js = h.nc.jetstream();
    const desired = await js.views.kv(deploymentBucket(h.prefix));
    const rollouts = await js.views.kv(rolloutBucket(h.prefix));
    // What the bucket holds if the process died right after rolling 1.1.0 back, before settling it.
    await h.restart(async () => {
      const stored = (await desired.get('flow'))!.json<any>();
      stored.spec.model.version = '1.1.0';
      await desired.put('flow', JSON.stringify(stored));
      await rollouts.put(
        'flow',
        JSON.stringify({
          fromVersion: '1.0.0',
          toVersion: '1.1.0',
          phase: 'rolled-back',
          canarySites: [],
          updated: ['traffic-a'],
          switchedAt: { 'traffic-a': 1 },
          failedSites: [],
          startedAt: 1,
          reason: '1.1.0 breached its SLO: error rate 100.0% over 40 readings exceeds 5.0% at traffic-a',
          cause: 'slo-breach',
          breach: {
            siteId: 'traffic-a',
            reason: 'error rate 100.0% over 40 readings exceeds 5.0% at traffic-a',
          },
        }),
      );
    });
    const settled = await eventually('desired state back on 1.0.0', async () => {
      const d = (await h.api('GET', '/deployments/flow')).json;
      return d.model.version === '1.0.0' && d;
    });
    expect(settled.history).toEqual([
      expect.objectContaining({
        version: '1.1.0',
        rolledBackTo: '1.0.0',
        cause: 'slo-breach',
        rolloutStartedAt: 1,
      }),
    ]);
    await eventually('Ready on 1.0.0', async () => (await h.status('flow')).state === 'Ready');
    expect(h.workloads('traffic-a').map(describeWorkload)[0].version).toBe('1.0.0');
    const record = (await h.api('GET', `/models/${MODEL}/versions/1.1.0`)).json;
    expect(record.quarantined).toMatchObject({ deploymentId: 'flow', siteId: 'traffic-a' });
  });
});
