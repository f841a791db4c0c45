import { type NatsConnection, StringCodec } from 'nats';
import { siteStreamName, telemetrySubject } from '@polis/contracts';
import { renderSiteLeaf } from '@polis/manifests';
import { planHubSources } from '../../apps/control-plane/src/edge/hub-sources';
import { applyHubSources, ensureSiteStream } from '../../apps/control-plane/src/edge/hub-sourcing';
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
const SITE = 'energy-02';

/**
 * Store and forward over a leaf node: readings published at a site while the hub is down (or after the leaf
 * restarted) are kept by the site stream and reach the hub's telemetry stream once, when it returns.
 */
describe('store and forward across a leaf link (real nats-servers)', () => {
  const { prefix } = isolation('edge-saf');
  const subject = telemetrySubject(prefix, {
    siteId: SITE,
    sensorKind: 'energy-meter',
    sensorId: 'feeder-3',
  });
  let hub: PrivateHub;
  let leaf: PrivateNatsServer;
  let site: NatsConnection;
  let sequence = 0;

  async function hubCount(): Promise<number> {
    const nc = await hub.server.connect('hub-check');
    try {
      const info = await (await nc.jetstreamManager()).streams.info(streamNames(prefix).telemetry);
      return info.state.messages;
    } finally {
      await nc.close();
    }
  }

  /** Published through the site's JetStream: each one acknowledged by the site stream, hub or no hub. */
  async function publishAtSite(count: number): Promise<void> {
    const js = site.jetstream();
    for (let i = 0; i < count; i++) {
      const n = sequence++;
      const ack = await js.publish(subject, sc.encode(JSON.stringify({ ts: n, value: n })), {
        msgID: `r-${n}`,
      });
      expect(ack.stream).toBe(siteStreamName(prefix, SITE));
    }
  }

  async function expectExactlyAtHub(total: number): Promise<void> {
    await waitFor(`${total} readings at the hub`, async () => (await hubCount()) >= total, 60_000, 200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await hubCount()).toBe(total);
  }

  beforeAll(async () => {
    hub = await privateHub();
    await hub.server.start();
    const { config } = renderSiteLeaf({
      siteId: SITE,
      subjectPrefix: prefix,
      hubLeafUrl: hub.leafUrl,
      maxFileStoreBytes: 64 * 1024 ** 2,
    });
    leaf = await privateLeaf(SITE, config);
    await leaf.start();
    site = await leaf.connect('site-sensors');
    const hubNc = await hub.server.connect('control-plane');
    await ensureTelemetryStreams(await hubNc.jetstreamManager(), prefix);
    await waitFor('the site stream', async () => {
      await ensureSiteStream(hubNc, prefix, SITE, { maxAgeHours: 1, maxBytes: 16 * 1024 ** 2 });
      return true;
    });
    await applyHubSources(
      await hubNc.jetstreamManager(),
      prefix,
      planHubSources(prefix, [{ id: SITE, dataPolicy: { exports: 'raw', to: 'hub' } }]),
    );
    await hubNc.close();
  }, 60_000);

  afterAll(async () => {
    await site?.close();
    await leaf?.stop();
    if (leaf) await removeServerDir(leaf);
    await hub?.server.stop();
    if (hub) await removeServerDir(hub.server);
  });

  it('forwards once what the site kept while the hub was down', async () => {
    await publishAtSite(100);
    await expectExactlyAtHub(100);
    await hub.server.stop();
    await publishAtSite(500); // the site keeps serving its clients with the uplink down
    await hub.server.start();
    await expectExactlyAtHub(600);
  }, 120_000);

  it('forwards once what was published after the leaf restarted', async () => {
    await site.close();
    await leaf.stop();
    await leaf.start();
    site = await leaf.connect('site-sensors');
    await publishAtSite(200);
    await expectExactlyAtHub(800);
  }, 120_000);
});
