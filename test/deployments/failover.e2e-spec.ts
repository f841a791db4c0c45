/**
 * A site lost (its API gone, or every node NotReady) fails over to the central site after the grace period;
 * on its return, its own workloads (never deleted) serve again and only then do the central copies go.
 */
import type { KubeEmulator } from '@polis/kube-emulator';
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'congestion-classifier';
const GRACE_MS = 1_500;
/**
 * Detection (one monitor interval of 250 ms, plus the failed check: connection refused is retried for up to
 * ~3 s, a NotReady node is seen at once) + grace + debounce (100 ms) + applying and starting the copy.
 * The bound stated in docs/deployments.md for these settings.
 */
const FAILOVER_BOUND_MS = GRACE_MS + 6_000;

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
  });

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
      /traffic-a is unreachable/,
    );
    // The other site was never touched.
    expect(copyOn('central-1', 'traffic-b')).toBeUndefined();

    await site.start();
    await copyLeavesOnlyAfterHomeIsReady('traffic-a');
    const after = home('traffic-a');
    expect(after?.uid).toBe(before?.uid);
    expect(after?.readyReplicas).toBe(1);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
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
    expect(failoverMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);
    // Reachable, but lost: its workload is left in place, not pruned.
    expect(home('traffic-b')?.uid).toBe(before?.uid);

    for (const node of nodes) site.setNodeReady(node, true);
    await copyLeavesOnlyAfterHomeIsReady('traffic-b');
    expect(home('traffic-b')?.uid).toBe(before?.uid);
    await eventually('city Ready again', async () => (await h.status('city')).state === 'Ready');
  });
});
