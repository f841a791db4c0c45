/** Scale check: 100 emulated clusters in one process converge 1,000 Deployments well inside the bench budget. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet, type KubeEmulator } from '@polis/kube-emulator';
import { eventually } from './support/fixture';

function post(emulator: KubeEmulator, agent: https.Agent, path: string, body: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = https.request(
      `${emulator.url}${path}`,
      {
        method: 'POST',
        agent,
        ca: emulator.caPem,
        headers: { Authorization: `Bearer ${emulator.token}`, 'Content-Type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function workload(name: string): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: 'registry.local/w:1', resources: { requests: { cpu: '100m' } } },
          ],
        },
      },
    },
  };
}

describe('a fleet of emulated clusters', () => {
  let fleet: Fleet | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fleet-'));
  });

  afterAll(async () => {
    await fleet?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts 100 clusters with kubeconfigs and converges 1,000 deployments over HTTPS', async () => {
    fleet = await startFleet({ clusters: 100, nodesPerCluster: 3, kubeconfigDir: dir, podStartDelayMs: 20 });
    expect((await readdir(dir)).filter((file) => file.endsWith('.kubeconfig'))).toHaveLength(100);
    expect(new Set(fleet.clusters.map((cluster) => cluster.emulator.port)).size).toBe(100);

    // Speed is measured by bench/converge.bench.ts; here only convergence is asserted (generous bound for a loaded CI).
    const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
    const statuses = await Promise.all(
      fleet.clusters.flatMap(({ emulator }) =>
        Array.from({ length: 10 }, (_, i) =>
          post(emulator, agent, '/apis/apps/v1/namespaces/default/deployments', workload(`w-${i}`)),
        ),
      ),
    );
    expect(statuses.every((status) => status === 201)).toBe(true);
    const clusters = fleet.clusters;
    await eventually(
      () =>
        clusters.every(({ emulator }) =>
          emulator
            .list('apps', 'deployments', 'default')
            .every((d) => (d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1),
        ) || undefined,
      60_000,
      '1,000 deployments to be available',
    );
    agent.destroy();
  });
});
