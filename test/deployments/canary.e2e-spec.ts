/** Canary rollouts judged by the runners' heartbeats: rolled back on an SLO breach, promoted otherwise. */
import { heartbeatSubject } from '@polis/contracts';
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'congestion-classifier';
const SITES = ['traffic-a', 'traffic-b', 'traffic-c'];
const ANALYSIS_MS = 2_000;

describe('canary rollouts', () => {
  let h: DeploymentHarness;
  let revision: number;
  let heartbeats: NodeJS.Timeout | undefined;

  const versionOn = (siteId: string) =>
    h
      .workloads(siteId)
      .map(describeWorkload)
      .find((w) => w.name === `${MODEL}-city`);

  const body = (version: string) => ({
    id: 'city',
    model: { name: MODEL, version },
    targets: { kinds: ['traffic'] },
    policy: 'edge-only',
    rollout: {
      strategy: 'canary',
      canaryPercent: 30,
      analysisMs: ANALYSIS_MS,
      maxErrorRate: 0.05,
      minInferences: 20,
    },
  });

  async function deploy(version: string): Promise<void> {
    const reply = await h.api('PUT', '/deployments/city', body(version), { 'if-match': `"${revision}"` });
    expect(reply.status).toBe(200);
    revision = reply.json.revision;
  }

  /** What a runner of the canary would publish every interval: inferences, failures, latency. */
  function beat(version: string, errors: number) {
    h.nc.publish(
      heartbeatSubject(h.prefix, 'traffic-a', 'runner-0'),
      JSON.stringify({
        ts: Date.now(),
        instance: 'runner-0',
        deploymentId: 'city',
        siteId: 'traffic-a',
        model: { name: MODEL, version, sha256: 'f'.repeat(64) },
        throughput: { inferences: 50 - errors, perSecond: 5 },
        errors: { inference: errors, malformedReading: 0 },
        latencyMs: { p50: 2, p99: 4 },
      }),
    );
  }

  function beatEvery(version: string, errors: number): void {
    clearInterval(heartbeats);
    heartbeats = setInterval(() => beat(version, errors), 200);
  }

  const allOn = (version: string) =>
    SITES.every((site) => {
      const w = versionOn(site);
      return w?.version === version && w.readyReplicas === w.replicas;
    });

  beforeAll(async () => {
    h = await DeploymentHarness.start('canary');
    for (const id of SITES) await h.addSite({ id, kind: 'traffic', nodes: 1 });
    await h.publishModel(MODEL, '1.0.0');
    await h.publishModel(MODEL, '1.1.0');
    const created = await h.api('POST', '/deployments', body('1.0.0'));
    expect(created.status).toBe(201);
    revision = created.json.revision;
    await eventually(
      'city Ready on 1.0.0',
      async () => (await h.status('city')).state === 'Ready' && allOn('1.0.0'),
    );
  });

  afterAll(async () => {
    clearInterval(heartbeats);
    await h?.close();
  });

  it('rolls a canary that breaches its error budget back automatically; the other sites never run it', async () => {
    const seenOnOthers = new Set<string>();
    const watch = setInterval(() => {
      for (const site of SITES.slice(1)) seenOnOthers.add(versionOn(site)?.version ?? 'none');
    }, 25);
    try {
      await deploy('1.1.0');
      await eventually('the canary traffic-a on 1.1.0 and Ready', () => {
        const w = versionOn('traffic-a');
        return w?.version === '1.1.0' && w.readyReplicas === 1;
      });
      const canary = await h.status('city');
      expect(canary.rollout).toMatchObject({
        phase: 'canary',
        canarySites: ['traffic-a'],
        fromVersion: '1.0.0',
      });
      expect(canary.state).toBe('Progressing');

      beatEvery('1.1.0', 30);
      const rolledBack = await eventually('rolled back', async () => {
        const s = await h.status('city');
        return s.rollout.phase === 'rolled-back' && s;
      });
      expect(rolledBack.rollout.reason).toMatch(
        /1\.1\.0 breached its SLO: error rate 60\.0% over \d+ readings exceeds 5\.0% at traffic-a/,
      );
      await eventually('every site on 1.0.0 again', () => allOn('1.0.0'));
      // The desired state names what runs again, with the failed version in its history: Ready, no PUT.
      const settled = await eventually('desired state back on 1.0.0', async () => {
        const d = (await h.api('GET', '/deployments/city')).json;
        return d.model.version === '1.0.0' && d;
      });
      expect(settled.history).toEqual([
        expect.objectContaining({
          outcome: 'rolled-back',
          version: '1.1.0',
          rolledBackTo: '1.0.0',
          cause: 'slo-breach',
          siteId: 'traffic-a',
          reason: expect.stringMatching(/error rate 60\.0%/),
        }),
      ]);
      revision = settled.revision;
      await eventually('Ready on 1.0.0', async () => (await h.status('city')).state === 'Ready');
      const quarantined = (await h.api('GET', `/models/${MODEL}/versions/1.1.0`)).json.quarantined;
      expect(quarantined).toMatchObject({ deploymentId: 'city', siteId: 'traffic-a' });
      const listed = (await h.api('GET', '/models')).json.items.find((m: any) => m.name === MODEL);
      expect(listed).toMatchObject({ latestVersion: '1.0.0', quarantinedVersions: 1 });
    } finally {
      clearInterval(watch);
      clearInterval(heartbeats);
    }
    expect([...seenOnOthers]).toEqual(['1.0.0']);
  });

  it('pauses, resumes, and promotes a canary within its SLO to every site, one at a time', async () => {
    expect((await h.status('city')).rollout).toMatchObject({ phase: 'complete', toVersion: '1.0.0' });
    await deploy('1.1.0'); // still deployable on purpose, quarantined or not
    await eventually('canary running', async () => (await h.status('city')).rollout.updated.length === 1);
    beatEvery('1.1.0', 0);

    const paused = await h.api('POST', '/deployments/city/rollout/pause');
    expect(paused.status).toBe(200);
    expect(paused.json.phase).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, ANALYSIS_MS + 1_000));
    const still = await h.status('city');
    expect(still.rollout.phase).toBe('paused');
    expect(versionOn('traffic-b')?.version).toBe('1.0.0');
    expect((await h.api('POST', '/deployments/city/rollout/pause')).status).toBe(409);

    expect((await h.api('POST', '/deployments/city/rollout/resume')).status).toBe(200);
    const done = await eventually(
      'rollout complete',
      async () => {
        const s = await h.status('city');
        return s.rollout.phase === 'complete' && s;
      },
      30_000,
    );
    expect(done.rollout.updated).toEqual(SITES);
    await eventually('every site on 1.1.0', () => allOn('1.1.0'));
    await eventually('Ready', async () => (await h.status('city')).state === 'Ready');
  });
});
