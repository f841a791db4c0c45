import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderSiteLeaf } from '@polis/manifests';
import {
  type PrivateHub,
  type PrivateNatsServer,
  privateHub,
  privateLeaf,
  removeServerDir,
} from '../support/nats-servers';
import { waitFor } from '../support/services';

const run = promisify(execFile);

describe('site leaf node (real nats-server)', () => {
  let hub: PrivateHub;
  let leaf: PrivateNatsServer | undefined;

  beforeAll(async () => {
    hub = await privateHub();
    await hub.server.start();
  });

  afterAll(async () => {
    await leaf?.stop();
    if (leaf) await removeServerDir(leaf);
    await hub.server.stop();
    await removeServerDir(hub.server);
  });

  it('renders a config nats-server accepts (-t) and refuses a broken one', async () => {
    const { config } = renderSiteLeaf({
      siteId: 'traffic-03',
      subjectPrefix: 'polis',
      hubLeafUrl: hub.leafUrl,
      maxFileStoreBytes: 64 * 1024 ** 2,
    });
    const file = join(hub.server.dir, 'rendered.conf');
    await writeFile(file, config);
    const { stdout, stderr } = await run('nats-server', ['-t', '-c', file]);
    expect(`${stdout}${stderr}`).toMatch(/is valid/);
    await writeFile(file, config.replace('jetstream {', 'jetstream {{'));
    await expect(run('nats-server', ['-t', '-c', file])).rejects.toThrow();
  });

  it('runs as a leaf of the hub with the site id as its JetStream domain, reachable from the hub', async () => {
    const { config } = renderSiteLeaf({
      siteId: 'traffic-03',
      subjectPrefix: 'polis',
      hubLeafUrl: hub.leafUrl,
      maxFileStoreBytes: 64 * 1024 ** 2,
    });
    leaf = await privateLeaf('traffic-03', config);
    await leaf.start();
    const local = await leaf.connect();
    const info = await (await local.jetstreamManager()).getAccountInfo();
    expect(info.domain).toBe('traffic-03');
    const nc = await hub.server.connect();
    // The hub reaches the site's JetStream through the domain's API prefix once the leaf is connected.
    const remote = await waitFor('the site domain from the hub', async () =>
      (await nc.jetstreamManager({ domain: 'traffic-03' })).getAccountInfo(),
    );
    expect(remote.domain).toBe('traffic-03');
    await local.close();
    await nc.close();
  });
});
