/**
 * Rolling updates judged by the runners' heartbeats at each site: a good version moves one site at a time,
 * each after its analysis period; a version that fails every inference is stopped at the first site, rolled
 * back, written back into the desired state and quarantined in the registry; /metrics counts it all.
 */
import { heartbeatSubject } from '@polis/contracts';
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'congestion-classifier';
const SITES = ['traffic-a', 'traffic-b', 'traffic-c'];
const ANALYSIS_MS = 1_500;

describe('rolling updates judged by heartbeats', () => {
  let h: DeploymentHarness;
  let revision: number;
  let runners: NodeJS.Timeout | undefined;
  /** Failed readings per heartbeat of 50, by version: what a runner of that version reports. */
  const errorsByVersion: Record<string, number> = { '1.0.0': 0, '1.1.0': 0, '1.2.0': 50 };

  const workloadOn = (siteId: string) =>
    h
      .workloads(siteId)
      .map(describeWorkload)
      .find((w) => w.name === `${MODEL}-city`);
  const readyOn = (siteId: string, version: string) => {
    const w = workloadOn(siteId);
    return w?.version === version && w.readyReplicas === w.replicas;
  };

  const body = (version: string) => ({
    id: 'city',
    model: { name: MODEL, version },
    targets: { kinds: ['traffic'] },
    policy: 'edge-only',
    rollout: { strategy: 'rolling', analysisMs: ANALYSIS_MS, maxErrorRate: 0.05, minInferences: 20 },
  });

  async function deploy(version: string): Promise<void> {
    const reply = await h.api('PUT', '/deployments/city', body(version), { 'if-match': `"${revision}"` });
    expect(reply.status).toBe(200);
    revision = reply.json.revision;
  }

  /** Every 200 ms, each site's Ready runner reports what its version does, as the edge runtime would. */
  function runRunners(): void {
    runners = setInterval(() => {
      for (const site of SITES) {
        const w = workloadOn(site);
        if (!w?.version || w.readyReplicas === 0) continue;
        const errors = errorsByVersion[w.version] ?? 0;
        h.nc.publish(
          heartbeatSubject(h.prefix, site, `${site}-runner`),
          JSON.stringify({
            ts: Date.now(),
            instance: `${site}-runner`,
            deploymentId: 'city',
            siteId: site,
            model: { name: MODEL, version: w.version, sha256: 'f'.repeat(64) },
            throughput: { inferences: 50 - errors, perSecond: 5 },
            errors: { inference: errors, malformedReading: 0 },
            latencyMs: { p50: 2, p99: 4 },
          }),
        );
      }
    }, 200);
  }

  beforeAll(async () => {
    h = await DeploymentHarness.start('rolling');
    for (const id of SITES) await h.addSite({ id, kind: 'traffic', nodes: 1 });
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await h.publishModel(MODEL, version);
    const created = await h.api('POST', '/deployments', body('1.0.0'));
    expect(created.status).toBe(201);
    revision = created.json.revision;
    await eventually(
      'city Ready on 1.0.0',
      async () => (await h.status('city')).state === 'Ready' && SITES.every((s) => readyOn(s, '1.0.0')),
    );
    runRunners();
  });

  afterAll(async () => {
    clearInterval(runners);
    await h?.close();
  });

  it('moves to the next site only after the current one ran Ready within its SLO for the analysis period', async () => {
    const readyAt = new Map<string, number>();
    const switchedAt = new Map<string, number>();
    const watch = setInterval(() => {
      for (const site of SITES) {
        if (!switchedAt.has(site) && workloadOn(site)?.version === '1.1.0') switchedAt.set(site, Date.now());
        if (!readyAt.has(site) && readyOn(site, '1.1.0')) readyAt.set(site, Date.now());
      }
    }, 20);
    try {
      await deploy('1.1.0');
      await eventually(
        'rollout complete',
        async () => {
          const { rollout } = await h.status('city');
          return rollout.phase === 'complete' && rollout.toVersion === '1.1.0';
        },
        30_000,
      );
    } finally {
      clearInterval(watch);
    }
    expect([...switchedAt.keys()]).toEqual(SITES);
    for (let i = 1; i < SITES.length; i++)
      expect(switchedAt.get(SITES[i])! - readyAt.get(SITES[i - 1])!).toBeGreaterThanOrEqual(
        ANALYSIS_MS - 100,
      );
    await eventually('Ready on 1.1.0', async () => (await h.status('city')).state === 'Ready');
    expect(await h.metric('polis_rollout_steps_total', { deployment: 'city' })).toBe(3);
    expect(await h.metric('polis_rollout_completions_total', { deployment: 'city' })).toBe(1);
    expect(
      await h.metric('polis_runner_inferences_total', {
        deployment: 'city',
        site: 'traffic-c',
        version: '1.1.0',
      }),
    ).toBeGreaterThan(0);
  });

  it('stops a version that fails every inference at the first site, rolls it back, settles and quarantines it', async () => {
    const seenOnOthers = new Set<string>();
    const watch = setInterval(() => {
      for (const site of SITES.slice(1)) seenOnOthers.add(workloadOn(site)?.version ?? 'none');
    }, 20);
    try {
      await deploy('1.2.0');
      const back = await eventually(
        'desired state back on 1.1.0',
        async () => {
          const d = (await h.api('GET', '/deployments/city')).json;
          return d.model.version === '1.1.0' && d;
        },
        30_000,
      );
      expect(back.history).toEqual([
        expect.objectContaining({
          outcome: 'rolled-back',
          version: '1.2.0',
          rolledBackTo: '1.1.0',
          cause: 'slo-breach',
          siteId: 'traffic-a',
          reason: expect.stringMatching(
            /^1\.2\.0 breached its SLO: error rate 100\.0% over \d+ readings exceeds 5\.0% at traffic-a$/,
          ),
        }),
      ]);
      revision = back.revision;
      await eventually('every site on 1.1.0 again', () => SITES.every((s) => readyOn(s, '1.1.0')));
      await eventually('Ready', async () => (await h.status('city')).state === 'Ready');
    } finally {
      clearInterval(watch);
    }
    expect([...seenOnOthers]).toEqual(['1.1.0']);

    const record = (await h.api('GET', `/models/${MODEL}/versions/1.2.0`)).json;
    expect(record.quarantined).toMatchObject({ deploymentId: 'city', siteId: 'traffic-a' });
    const latest = async () =>
      (await h.api('GET', '/models')).json.items.find((m: any) => m.name === MODEL).latestVersion;
    expect(await latest()).toBe('1.1.0');

    expect(await h.metric('polis_rollout_rollbacks_total', { deployment: 'city', cause: 'slo-breach' })).toBe(
      1,
    );
    expect(await h.metric('polis_model_quarantines_total', { model: MODEL })).toBe(1);
    expect(await h.metric('polis_rollout_steps_total', { deployment: 'city' })).toBe(4);
    expect(
      await h.metric('polis_runner_errors_total', { site: 'traffic-a', version: '1.2.0', kind: 'inference' }),
    ).toBeGreaterThanOrEqual(20);
    expect(await h.metric('polis_deployment_site_state', { site: 'traffic-b', state: 'Ready' })).toBe(1);

    // An operator clears the mark: the version is offered again. Bad paths are refused.
    const cleared = await h.api('DELETE', `/models/${MODEL}/versions/1.2.0/quarantine`);
    expect(cleared.status).toBe(200);
    expect(cleared.json.quarantined).toBeUndefined();
    expect(await latest()).toBe('1.2.0');
    expect((await h.api('DELETE', `/models/${MODEL}/versions/9.9.9/quarantine`)).status).toBe(404);
    expect((await h.api('DELETE', `/models/${MODEL}/versions/not-semver/quarantine`)).status).toBe(400);
  });

  it('an operator rollback settles the desired state too, with its cause, and quarantines nothing', async () => {
    errorsByVersion['1.2.0'] = 0; // healthy now: only the operator stops it
    await deploy('1.2.0');
    await eventually('traffic-a on 1.2.0 and Ready', () => readyOn('traffic-a', '1.2.0'));
    const rolledBack = await h.api('POST', '/deployments/city/rollout/rollback');
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.json).toMatchObject({ phase: 'rolled-back', cause: 'operator' });
    const back = await eventually('desired state back on 1.1.0', async () => {
      const d = (await h.api('GET', '/deployments/city')).json;
      return d.model.version === '1.1.0' && d;
    });
    expect(back.history.map((e: any) => [e.version, e.cause])).toEqual([
      ['1.2.0', 'slo-breach'],
      ['1.2.0', 'operator'],
    ]);
    revision = back.revision;
    await eventually(
      'every site on 1.1.0 and Ready',
      async () => SITES.every((s) => readyOn(s, '1.1.0')) && (await h.status('city')).state === 'Ready',
    );
    expect((await h.api('GET', `/models/${MODEL}/versions/1.2.0`)).json.quarantined).toBeUndefined();
    expect(await h.metric('polis_rollout_rollbacks_total', { deployment: 'city', cause: 'operator' })).toBe(
      1,
    );
    expect(await h.metric('polis_model_quarantines_total', { model: MODEL })).toBe(1);
  });
});
