import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { renderSiteLeaf, siteLeafUrl, toYamlDocuments } from '@polis/manifests';
import { PodProcessRunner } from '../../apps/kube-emulator/src/pod-process-runner';
import { eventually, startEmulatorFixture, type EmulatorFixture } from '../kube-emulator/support/fixture';
import { runOk, toolPath } from '../kube-emulator/support/tools';
import { type PrivateHub, privateHub, removeServerDir } from '../support/nats-servers';

/** The simulated kubelet runs a site's leaf-node pod as a real nats-server, seen and deleted through kubectl. */
describe('site leaf pod on the emulated cluster (real nats-server, real kubectl)', () => {
  let hub: PrivateHub;
  let fixture: EmulatorFixture;
  let runner: PodProcessRunner;
  let stateDir: string;
  const kubectl = (args: string[]): Promise<string> => runOk('kubectl', args, fixture.env);

  beforeAll(async () => {
    toolPath('kubectl');
    hub = await privateHub();
    await hub.server.start();
    stateDir = await mkdtemp(join(tmpdir(), 'polis-leaf-pods-'));
    // The "edge runtime" of this test: dials POLIS_NATS_URL and says which URL it was given, every 100 ms.
    const script = join(stateDir, 'probe.js');
    await writeFile(
      script,
      [
        `const { connect } = require(${JSON.stringify(require.resolve('nats'))});`,
        'connect({ servers: process.env.POLIS_NATS_URL }).then((nc) =>',
        '  setInterval(() => nc.publish("probe.dialled", process.env.POLIS_NATS_URL), 100));',
        '',
      ].join('\n'),
    );
    runner = new PodProcessRunner({ script, stateDir, extraEnv: {}, log: () => undefined });
    fixture = await startEmulatorFixture({ name: 'traffic-03', hooks: runner.hooks('traffic-03') });
    runner.attach('traffic-03', fixture.emulator);
  });

  afterAll(async () => {
    await runner?.stopAll();
    await fixture?.close();
    await hub?.server.stop();
    if (hub) await removeServerDir(hub.server);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('runs the rendered leaf as a nats-server with the site domain, and deleting the pod stops it', async () => {
    const leaf = renderSiteLeaf({
      siteId: 'traffic-03',
      subjectPrefix: 'polis',
      hubLeafUrl: hub.leafUrl,
      maxFileStoreBytes: 64 * 1024 ** 2,
    });
    const file = join(fixture.dir, 'leaf.yaml');
    await writeFile(file, toYamlDocuments(leaf.objects));
    await kubectl(['create', 'namespace', 'polis-system']);
    await kubectl(['apply', '-f', file]);
    const url = await eventually(() => runner.natsUrl('traffic-03'), 20_000, 'the leaf process');
    const nc = await eventually(
      () => connect({ servers: url, reconnect: false }).catch(() => undefined),
      20_000,
    );
    expect((await (await nc.jetstreamManager()).getAccountInfo()).domain).toBe('traffic-03');
    await nc.close();
    // The hub sees the site's JetStream through the leaf connection.
    const hubNc = await hub.server.connect();
    const remote = await eventually(
      () =>
        hubNc
          .jetstreamManager({ domain: 'traffic-03' })
          .then((j) => j.getAccountInfo())
          .catch(() => undefined),
      20_000,
      'the site domain from the hub',
    );
    expect(remote.domain).toBe('traffic-03');
    await hubNc.close();

    const pods = await kubectl(['get', 'pods', '-n', 'polis-system', '--no-headers']);
    expect(pods).toMatch(/polis-site-nats-\S+\s+1\/1\s+Running/);
    const name = pods.trim().split(/\s+/)[0];
    const before = runner.running.find((key) => key.endsWith(`/${name}`));
    expect(before).toBeDefined();
    await kubectl(['delete', 'pod', '-n', 'polis-system', name, '--wait=false']);
    await eventually(
      () => (runner.running.includes(before!) ? undefined : true),
      20_000,
      'the process to stop',
    );
    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow();
  });

  it('points a pod told to dial the site leaf Service at the cluster leaf process', async () => {
    const url = await eventually(() => runner.natsUrl('traffic-03'), 20_000, 'the recreated leaf process');
    const nc = await eventually(
      () => connect({ servers: url, reconnect: false }).catch(() => undefined),
      20_000,
    );
    const dialled = new Promise<string>((resolve) =>
      nc.subscribe('probe.dialled', { max: 1, callback: (_e, msg) => resolve(msg.string()) }),
    );
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'probe', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'polis' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'probe' } },
        template: {
          metadata: { labels: { app: 'probe', 'app.kubernetes.io/managed-by': 'polis' } },
          spec: {
            containers: [
              {
                name: 'runner',
                image: 'ghcr.io/polis-city/edge-runtime:0.1.0',
                env: [{ name: 'POLIS_NATS_URL', value: siteLeafUrl() }],
              },
            ],
          },
        },
      },
    };
    const file = join(fixture.dir, 'probe.yaml');
    await writeFile(file, toYamlDocuments([deployment]));
    await kubectl(['apply', '-f', file]);
    // The probe reached the leaf, so it was given the leaf process's URL in place of the Service name.
    await expect(dialled).resolves.toBe(url);
    await nc.close();
  });
});
