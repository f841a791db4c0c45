import { type NatsConnection, StringCodec } from 'nats';
import { rollupSubject, siteStreamName, telemetrySubject, type SiteDataPolicy } from '@polis/contracts';
import { renderSiteLeaf } from '@polis/manifests';
import { planHubSources } from '../../apps/control-plane/src/edge/hub-sources';
import {
  applyHubSources,
  ensureSiteStream,
  rollupStreamName,
} from '../../apps/control-plane/src/edge/hub-sourcing';
import {
  ensureTelemetryStreams,
  streamNames,
} from '../../apps/control-plane/src/telemetry/telemetry-streams';
import {
  type PrivateHub,
  type PrivateNatsServer,
  privateHub,
  privateLeaf,
  removeServerDir,
} from '../support/nats-servers';
import { isolation, waitFor } from '../support/services';

const sc = StringCodec();
const N = 50;

interface TestSite {
  id: string;
  dataPolicy: SiteDataPolicy;
  leaf?: PrivateNatsServer;
  nc?: NatsConnection;
}

/**
 * A private hub and one leaf per policy, each leaf from the configuration Polis renders. Proves that what
 * reaches the hub, on any subject, is what the policy lets leave: a `raw` site's readings (into the
 * telemetry stream the ingest reads), a `rollup` site's rollups only, nothing of a `none` site.
 */
describe('site data policies across leaf nodes (real nats-servers)', () => {
  const { prefix } = isolation('edge-policy');
  const sites: TestSite[] = [
    { id: 'raw-site', dataPolicy: { exports: 'raw', to: 'hub' } },
    { id: 'rollup-site', dataPolicy: { exports: 'rollup', to: 'hub' } },
    { id: 'none-site', dataPolicy: { exports: 'none', to: 'nobody' } },
  ];
  const [rawSite, rollupSite, noneSite] = sites as [TestSite, TestSite, TestSite];
  let hub: PrivateHub;
  let hubNc: NatsConnection;
  const seenOnHub: { subject: string; payload: string }[] = [];

  const reading = (site: TestSite, i: number): string =>
    JSON.stringify({
      ts: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      value: i,
      marker: `RAW:${site.id}:${i}`,
    });
  const rollup = (site: TestSite, i: number): string =>
    JSON.stringify({ minute: 1_700_000_000_000 + i * 60_000, mean: i, marker: `ROLLUP:${site.id}:${i}` });

  async function publishAtSite(site: TestSite, from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      const address = { siteId: site.id, sensorKind: 'loop', sensorId: 'l-1' };
      site.nc!.publish(telemetrySubject(prefix, address), sc.encode(reading(site, i)));
      site.nc!.publish(rollupSubject(prefix, address), sc.encode(rollup(site, i)));
    }
    await site.nc!.flush();
  }

  async function streamSubjects(name: string): Promise<Record<string, number>> {
    const jsm = await hubNc.jetstreamManager();
    const info = await jsm.streams.info(name, { subjects_filter: '>' });
    return info.state.subjects ?? {};
  }

  beforeAll(async () => {
    hub = await privateHub();
    await hub.server.start();
    hubNc = await hub.server.connect('hub-observer');
    hubNc.subscribe('>', {
      callback: (_error, msg) => seenOnHub.push({ subject: msg.subject, payload: sc.decode(msg.data) }),
    });
    await hubNc.flush();
    for (const site of sites) {
      const { config } = renderSiteLeaf({
        siteId: site.id,
        subjectPrefix: prefix,
        hubLeafUrl: hub.leafUrl,
        maxFileStoreBytes: 64 * 1024 ** 2,
      });
      site.leaf = await privateLeaf(site.id, config);
      await site.leaf.start();
      site.nc = await site.leaf.connect(`sensor-${site.id}`);
    }
    await ensureTelemetryStreams(await hubNc.jetstreamManager(), prefix);
    // The site streams are created from the hub, in each site's domain, across the leaf connections.
    for (const site of sites) {
      await waitFor(`the site stream of ${site.id}`, async () => {
        await ensureSiteStream(hubNc, prefix, site.id, { maxAgeHours: 1, maxBytes: 16 * 1024 ** 2 });
        return true;
      });
    }
    const changed = await applyHubSources(
      await hubNc.jetstreamManager(),
      prefix,
      planHubSources(prefix, sites),
    );
    expect(changed).toEqual([streamNames(prefix).telemetry, rollupStreamName(prefix)]);
  }, 60_000);

  afterAll(async () => {
    for (const site of sites) {
      await site.nc?.close();
      await site.leaf?.stop();
      if (site.leaf) await removeServerDir(site.leaf);
    }
    await hubNc?.close();
    await hub?.server.stop();
    if (hub) await removeServerDir(hub.server);
  });

  it('lets through exactly what each policy allows, on every subject of the hub', async () => {
    for (const site of sites) await publishAtSite(site, 0, N);
    // Each site keeps all of its own data, whatever its policy.
    for (const site of sites) {
      const local = await site.nc!.jetstreamManager();
      expect((await local.streams.info(siteStreamName(prefix, site.id))).state.messages).toBe(2 * N);
    }
    const telemetry = streamNames(prefix).telemetry;
    await waitFor('the raw site readings in the hub telemetry stream', async () => {
      const subjects = await streamSubjects(telemetry);
      return subjects[`${prefix}.telemetry.raw-site.loop.l-1`] === N;
    });
    await waitFor('the rollup site rollups in the hub rollup stream', async () => {
      const subjects = await streamSubjects(rollupStreamName(prefix));
      return subjects[`${prefix}.rollup.rollup-site.loop.l-1`] === N;
    });
    await new Promise((r) => setTimeout(r, 1500)); // anything that was going to leak has had time to
    expect(await streamSubjects(telemetry)).toEqual({ [`${prefix}.telemetry.raw-site.loop.l-1`]: N });
    expect(await streamSubjects(rollupStreamName(prefix))).toEqual({
      [`${prefix}.rollup.rollup-site.loop.l-1`]: N,
    });

    const leaked = (marker: string): string[] =>
      seenOnHub.filter((m) => m.payload.includes(marker)).map((m) => m.subject);
    expect(leaked(`RAW:${rollupSite.id}:`)).toEqual([]);
    expect(leaked(`RAW:${noneSite.id}:`)).toEqual([]);
    expect(leaked(`ROLLUP:${noneSite.id}:`)).toEqual([]);
    // Nothing of the `none` site on any of its data subjects (the hub's own $JS.<domain>.API calls aside).
    expect(
      seenOnHub.filter((m) => m.subject.startsWith(`${prefix}.`) && m.subject.includes(`.${noneSite.id}.`)),
    ).toEqual([]);
    expect(seenOnHub.filter((m) => m.subject.startsWith(`${prefix}.telemetry.${rollupSite.id}.`))).toEqual(
      [],
    );
    // The raw site's readings reach the hub only through the stream (never as core NATS from the site):
    // the observer saw each at most once, as the source consumer delivered it.
    const rawSeen = leaked(`RAW:${rawSite.id}:`);
    expect(rawSeen.length).toBeLessThanOrEqual(N);
    // A raw-site reading published at the hub does not flow into the site (deny_imports).
    hubNc.publish(telemetrySubject(prefix, { siteId: rawSite.id, sensorKind: 'loop', sensorId: 'hub-side' }));
    await hubNc.flush();
    await new Promise((r) => setTimeout(r, 500));
    const local = await rawSite.nc!.jetstreamManager();
    expect((await local.streams.info(siteStreamName(prefix, rawSite.id))).state.messages).toBe(2 * N);
  });

  it('applies a policy change live, and a control-plane restart keeps the sources', async () => {
    rollupSite.dataPolicy = { exports: 'raw', to: 'hub' };
    rawSite.dataPolicy = { exports: 'none', to: 'nobody' };
    const jsm = await hubNc.jetstreamManager();
    const changed = await applyHubSources(jsm, prefix, planHubSources(prefix, sites));
    expect(changed).toEqual([streamNames(prefix).telemetry, rollupStreamName(prefix)]);
    // Unchanged plan, nothing written.
    expect(await applyHubSources(jsm, prefix, planHubSources(prefix, sites))).toEqual([]);
    // What ensureTelemetryStreams does at every control-plane start must not drop the sources.
    await ensureTelemetryStreams(jsm, prefix);
    const sources = (await jsm.streams.info(streamNames(prefix).telemetry)).config.sources ?? [];
    expect(sources.map((s) => s.name)).toEqual([siteStreamName(prefix, rollupSite.id)]);

    for (const site of sites) await publishAtSite(site, N, 2 * N);
    const telemetry = streamNames(prefix).telemetry;
    await waitFor('the readings the rollup site now lets leave', async () => {
      const subjects = await streamSubjects(telemetry);
      return (subjects[`${prefix}.telemetry.rollup-site.loop.l-1`] ?? 0) >= N;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const subjects = await streamSubjects(telemetry);
    // The former raw site sent nothing more; the new raw site sends what was published from the change on
    // (its source starts after the last message the hub sourced from that site).
    expect(subjects[`${prefix}.telemetry.raw-site.loop.l-1`]).toBe(N);
    expect(subjects[`${prefix}.telemetry.none-site.loop.l-1`]).toBeUndefined();
    expect(subjects[`${prefix}.telemetry.rollup-site.loop.l-1`]).toBeGreaterThanOrEqual(N);
  });
});
