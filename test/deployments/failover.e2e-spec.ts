/**
 * A site lost (its API refusing connections, answering 503, or every node NotReady) fails over to the central
 * site after the grace period; on its return, its own workloads (never deleted) serve again and only then do
 * the central copies go. While Polis cannot observe a site, nothing there is reported Ready.
 */
import { createServer, type Socket } from 'node:net';
import { generateTlsMaterial, KubeEmulator } from '@polis/kube-emulator';
import { DeploymentHarness, describeWorkload, eventually, tls } from './support';

const MODEL = 'congestion-classifier';
const GRACE_MS = 1_500;
/**
 * Detection (one monitor interval of 250 ms, plus the failed check: connection refused is retried for up to
 * ~3 s, a NotReady node is seen at once) + grace + debounce (100 ms) + applying and starting the copy.
 * The bound stated in docs/deployments.md for these settings.
 */
const FAILOVER_BOUND_MS = GRACE_MS + 6_000;
/** Measured timings, printed at the end for the operations docs. */
const timings: Record<string, number> = {};

describe('failover to the central site and return', () => {
  let h: DeploymentHarness;

  const copyOn = (central: string, served: string) =>
    h
      .workloads(central)
      .map(describeWorkload)
      .find((w) => w.annotations['polis.city/serves-site'] === served);
  const home = (siteId: string) =>
    h
      .workloads(siteId)
      .map(describeWorkload)
      .find((w) => w.name === `${MODEL}-city`);

  /** Polls the clusters until the copy serving `siteId` is gone; fails if it ever goes while home is not Ready. */
  async function copyLeavesOnlyAfterHomeIsReady(siteId: string): Promise<void> {
    await eventually(
      `the copy serving ${siteId} removed`,
      () => {
        const copy = copyOn('central-1', siteId);
        const own = home(siteId);
        if (!copy && !(own && own.readyReplicas === own.replicas))
          throw new Error(`the copy for ${siteId} went before ${siteId}'s own workload was Ready`);
        return copy === undefined;
      },
      20_000,
    );
  }

  beforeAll(async () => {
    h = await DeploymentHarness.start('failover', { DEPLOYMENT_SITE_LOSS_GRACE_MS: String(GRACE_MS) });
    await h.addSite({ id: 'traffic-a', kind: 'traffic' });
    await h.addSite({ id: 'traffic-b', kind: 'traffic' });
    await h.addSite({ id: 'central-1', kind: 'central', nodes: 1, cpu: '16', memory: '64Gi' });
    await h.publishModel(MODEL);
    const created = await h.api('POST', '/deployments', {
      id: 'city',
      model: { name: MODEL, version: '1.0.0' },
      targets: { kinds: ['traffic'] },
      policy: 'edge-preferred',
    });
    expect(created.status).toBe(201);
    await eventually('city Ready', async () => (await h.status('city')).state === 'Ready');
  });

  afterAll(async () => {
    await h?.close();
    console.info(`failover timings (ms): ${JSON.stringify(timings)}`);
  });

  const siteState = async (siteId: string) =>
    (await h.status('city')).sites.find((x: { siteId: string }) => x.siteId === siteId);

  it('fails a site that stops answering over to central after the grace period, and takes it back without re-creating anything', async () => {
    const site: KubeEmulator = h.site('traffic-a');
    const before = home('traffic-a');
    expect(before?.readyReplicas).toBe(1);

    const stoppedAt = Date.now();
    await site.stop();
    const copy = await eventually('a Ready copy for traffic-a on central-1', () => {
      const c = copyOn('central-1', 'traffic-a');
      return c && c.readyReplicas === 1 && c;
    });
    const failoverMs = Date.now() - stoppedAt;
    timings.refusedCopyReady = failoverMs;
    expect(failoverMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);
    expect(copy).toMatchObject({ siteAffinity: ['central-1'], labels: { 'polis.city/site': 'traffic-a' } });
    const config = h.site('central-1').get('', 'configmaps', 'polis-models', `${copy.name}-config`) as any;
    expect(config.data.POLIS_SUBSCRIBE_SUBJECTS).toBe(`${h.prefix}.telemetry.traffic-a.traffic-loop.*`);
    expect(config.data.POLIS_PUBLISH_SUBJECT).toBe(`${h.prefix}.inference.traffic-a.${MODEL}`);

    const during = await eventually('traffic-a Offloaded', async () => {
      const s = await h.status('city');
      return s.sites.find((x: { siteId: string }) => x.siteId === 'traffic-a')?.state === 'Offloaded' && s;
    });
    expect(during.state).toBe('Offloaded');
    expect(during.sites.find((x: { siteId: string }) => x.siteId === 'traffic-a').reason).toMatch(
      /^traffic-a lost \(connection refused since \d\d:\d\d:\d\dZ\): served from central-1$/,
    );
    // The other site was never touched.
    expect(copyOn('central-1', 'traffic-b')).toBeUndefined();
    expect(
      await h.metric('polis_deployment_failovers_total', { deployment: 'city', site: 'traffic-a' }),
    ).toBe(1);
    expect(await h.metric('polis_site_state', { site: 'traffic-a', state: 'unreachable' })).toBe(1);
    expect(await h.metric('polis_site_lost', { site: 'traffic-a' })).toBe(1);
    expect(await h.metric('polis_site_condition', { site: 'traffic-a', condition: 'unobservable' })).toBe(1);
    expect(await h.metric('polis_deployment_site_state', { site: 'traffic-a', state: 'Offloaded' })).toBe(1);

    const returnedAt = Date.now();
    await site.start();
    await copyLeavesOnlyAfterHomeIsReady('traffic-a');
    timings.refusedCopyRemovedAfterReturn = Date.now() - returnedAt;
    const after = home('traffic-a');
    expect(after?.uid).toBe(before?.uid);
    expect(after?.readyReplicas).toBe(1);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
    expect(await h.metric('polis_deployment_returns_total', { deployment: 'city', site: 'traffic-a' })).toBe(
      1,
    );
    expect(await h.metric('polis_deployment_offloads_total', { deployment: 'city' })).toBe(0);
    expect(await h.metric('polis_site_lost', { site: 'traffic-a' })).toBe(0);
  });

  it('fails a site whose nodes are all NotReady over, and removes the copy only once the site runs its own again', async () => {
    const site = h.site('traffic-b');
    const before = home('traffic-b');
    const nodes = site.nodeNames();
    const downAt = Date.now();
    for (const node of nodes) site.setNodeReady(node, false);

    await eventually('a Ready copy for traffic-b on central-1', () => {
      const c = copyOn('central-1', 'traffic-b');
      return c && c.readyReplicas === 1;
    });
    const failoverMs = Date.now() - downAt;
    timings.notReadyCopyReady = failoverMs;
    expect(failoverMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);
    // Reachable, but lost: its workload is left in place, not pruned.
    expect(home('traffic-b')?.uid).toBe(before?.uid);
    const during = await eventually('traffic-b Offloaded', async () => {
      const s = await siteState('traffic-b');
      return s?.state === 'Offloaded' && s;
    });
    expect(during.reason).toMatch(
      /^traffic-b lost \(2 of 2 nodes NotReady since \d\d:\d\d:\d\dZ\): served from central-1$/,
    );

    const backAt = Date.now();
    for (const node of nodes) site.setNodeReady(node, true);
    await copyLeavesOnlyAfterHomeIsReady('traffic-b');
    timings.notReadyCopyRemovedAfterReturn = Date.now() - backAt;
    expect(home('traffic-b')?.uid).toBe(before?.uid);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
  });

  it('shows a site whose API answers 503 as Unknown, never Ready, fails it over, and takes it back', async () => {
    const site = h.site('traffic-a');
    await eventually('city Ready', async () => (await h.status('city')).state === 'Ready');
    const before = home('traffic-a');
    const faultAt = Date.now();
    site.setUnavailable(true);

    const unknown = await eventually('traffic-a Unknown', async () => {
      const s = await siteState('traffic-a');
      return s?.state === 'Unknown' && /503/.test(s.reason) && s;
    });
    timings.http503Unknown = Date.now() - faultAt;
    expect(unknown.reason).toMatch(/^traffic-a cannot be observed: API answers 503 since \d\d:\d\d:\d\dZ$/);
    expect(Date.parse(unknown.since)).toBeGreaterThanOrEqual(faultAt - 1_000);
    expect(unknown.runningOn).toEqual([
      expect.objectContaining({ siteId: 'traffic-a', readyReplicas: null, observed: false }),
    ]);

    // From the fault on, no status says traffic-a is Ready at home, until the copy takes over.
    const copy = await eventually('a Ready copy for traffic-a on central-1', async () => {
      const s = await siteState('traffic-a');
      if (s?.state === 'Ready') throw new Error('traffic-a reported Ready while its API answers 503');
      const c = copyOn('central-1', 'traffic-a');
      return c && c.readyReplicas === 1 && c;
    });
    timings.http503CopyReady = Date.now() - faultAt;
    expect(timings.http503CopyReady).toBeGreaterThanOrEqual(GRACE_MS);
    expect(timings.http503CopyReady).toBeLessThan(FAILOVER_BOUND_MS);
    expect(copy.labels['polis.city/site']).toBe('traffic-a');
    const offloaded = await eventually('traffic-a Offloaded', async () => {
      const s = await siteState('traffic-a');
      return s?.state === 'Offloaded' && s;
    });
    expect(offloaded.reason).toMatch(
      /^traffic-a lost \(API answers 503 since \d\d:\d\d:\d\dZ\): served from central-1$/,
    );

    const clearedAt = Date.now();
    site.setUnavailable(false);
    await copyLeavesOnlyAfterHomeIsReady('traffic-a');
    timings.http503CopyRemovedAfterReturn = Date.now() - clearedAt;
    expect(home('traffic-a')?.uid).toBe(before?.uid);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
  });

  /**
   * Another API server on the site's address: one that does not know Polis's token (401), or one whose
   * certificate the site's CA did not sign (TLS). The site's own emulator is stopped meanwhile and keeps
   * its state, so the return finds everything as it was.
   */
  it.each([
    [
      'rejects the credentials (401)',
      { tls, token: 'not-the-sites-token' },
      /API rejects the credentials \(401\)/,
    ],
    ['fails TLS verification', { tls: generateTlsMaterial() }, /TLS verification failed/],
  ] as const)('fails over a site whose API %s, saying so, and takes it back', async (kind, options, seen) => {
    const site = h.site('traffic-a');
    await eventually('city Ready', async () => (await h.status('city')).state === 'Ready');
    const before = home('traffic-a');
    const port = Number(new URL(site.url).port);
    await site.stop();
    const impostor = new KubeEmulator({ name: 'impostor', port, nodes: { count: 1 }, ...options });
    await impostor.start();
    const faultAt = Date.now();
    try {
      // The first sign may be the watches dropping ("not watched"); then the check says what it saw.
      const unknown = await eventually(`traffic-a Unknown (${kind})`, async () => {
        const s = await siteState('traffic-a');
        if (s?.state === 'Ready') throw new Error(`traffic-a reported Ready while its API ${kind}`);
        return s?.state === 'Unknown' && seen.test(s.reason) && s;
      });
      expect(unknown.since).toBeDefined();
      await eventually('a Ready copy for traffic-a on central-1', () => {
        const c = copyOn('central-1', 'traffic-a');
        return c && c.readyReplicas === 1;
      });
      timings[kind.includes('401') ? 'http401CopyReady' : 'tlsCopyReady'] = Date.now() - faultAt;
      // Until the watches re-list, the reason may name them first; it must come to say what the check saw.
      await eventually('traffic-a Offloaded, saying what was seen', async () => {
        const s = await siteState('traffic-a');
        return s?.state === 'Offloaded' && seen.test(s.reason) && s;
      });
    } finally {
      await impostor.stop();
      await site.start();
    }
    await copyLeavesOnlyAfterHomeIsReady('traffic-a');
    expect(home('traffic-a')?.uid).toBe(before?.uid);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
  });

  it('fails over a site whose API accepts connections but never answers, saying it does not answer', async () => {
    const site = h.site('traffic-a');
    await eventually('city Ready', async () => (await h.status('city')).state === 'Ready');
    const before = home('traffic-a');
    const port = Number(new URL(site.url).port);
    await site.stop();
    const sockets = new Set<Socket>();
    const blackhole = createServer((socket) => {
      sockets.add(socket); // holds the connection, never answers (not even the TLS handshake)
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackhole.listen(port, '127.0.0.1', resolve));
    const faultAt = Date.now();
    try {
      const unknown = await eventually(
        'traffic-a Unknown (no answer)',
        async () => {
          const s = await siteState('traffic-a');
          if (s?.state === 'Ready') throw new Error('traffic-a reported Ready while its API does not answer');
          return s?.state === 'Unknown' && /API does not answer/.test(s.reason) && s;
        },
        30_000,
      );
      timings.timeoutUnknown = Date.now() - faultAt;
      // Said while the check is still retrying: it has outlived two request deadlines and every backoff.
      expect(unknown.reason).toMatch(/API does not answer \(no answer to a check within 5100 ms\) since/);
      await eventually(
        'a Ready copy for traffic-a on central-1',
        () => {
          const c = copyOn('central-1', 'traffic-a');
          return c && c.readyReplicas === 1;
        },
        30_000,
      );
      timings.timeoutCopyReady = Date.now() - faultAt;
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
      await site.start();
    }
    await copyLeavesOnlyAfterHomeIsReady('traffic-a');
    expect(home('traffic-a')?.uid).toBe(before?.uid);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
  });
});
