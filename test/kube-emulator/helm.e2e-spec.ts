/** The real helm v3.17 against the emulator: releases are stored as Secrets (written as protobuf). */
import { join } from 'node:path';
import { startEmulatorFixture, type EmulatorFixture } from './support/fixture';
import { runOk, toolPath } from './support/tools';

const CHART = join(__dirname, 'fixtures', 'chart');

interface HelmRelease {
  name: string;
  revision: string;
  status: string;
  chart: string;
}

describe('kube-emulator with the real helm', () => {
  let fixture: EmulatorFixture;
  let helm: (args: string[]) => Promise<string>;
  let kubectl: (args: string[]) => Promise<string>;

  beforeAll(async () => {
    toolPath('helm');
    toolPath('kubectl');
    fixture = await startEmulatorFixture({ nodes: { count: 2 } });
    helm = (args) => runOk('helm', args, fixture.env);
    kubectl = (args) => runOk('kubectl', args, fixture.env);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const releases = async (): Promise<HelmRelease[]> =>
    JSON.parse(await helm(['list', '-o', 'json'])) as HelmRelease[];
  const deploymentReplicas = async (): Promise<string> =>
    kubectl(['get', 'deployment', 'demo', '-o', 'jsonpath={.status.readyReplicas}']);
  const message = async (): Promise<string> =>
    kubectl(['get', 'configmap', 'demo-config', '-o', 'jsonpath={.data.message}']);

  it('installs, upgrades, lists, rolls back and uninstalls a chart (with --wait)', async () => {
    await helm(['install', 'demo', CHART, '--wait', '--timeout', '60s']);
    expect(await releases()).toEqual([
      expect.objectContaining({ name: 'demo', revision: '1', status: 'deployed', chart: 'edge-demo-0.1.0' }),
    ]);
    expect(await deploymentReplicas()).toBe('1');
    expect(await message()).toBe('hello');
    const stored = await kubectl([
      'get',
      'secrets',
      '-l',
      'owner=helm,name=demo',
      '-o',
      'jsonpath={.items[*].type}',
    ]);
    expect(stored).toBe('helm.sh/release.v1');

    await helm([
      'upgrade',
      'demo',
      CHART,
      '--set',
      'replicaCount=3',
      '--set',
      'message=bye',
      '--wait',
      '--timeout',
      '60s',
    ]);
    expect(await releases()).toEqual([expect.objectContaining({ revision: '2', status: 'deployed' })]);
    expect(await deploymentReplicas()).toBe('3');
    expect(await message()).toBe('bye');

    await helm(['rollback', 'demo', '1', '--wait', '--timeout', '60s']);
    expect(await releases()).toEqual([expect.objectContaining({ revision: '3', status: 'deployed' })]);
    expect(await message()).toBe('hello');
    expect(await kubectl(['get', 'deployment', 'demo', '-o', 'jsonpath={.spec.replicas}'])).toBe('1');
    const history = JSON.parse(await helm(['history', 'demo', '-o', 'json'])) as {
      revision: number;
      status: string;
    }[];
    expect(history.map((entry) => `${entry.revision}:${entry.status}`)).toEqual([
      '1:superseded',
      '2:superseded',
      '3:deployed',
    ]);

    await helm(['uninstall', 'demo']);
    expect(await releases()).toEqual([]);
    expect(
      await kubectl([
        'get',
        'deployments,services,configmaps,secrets',
        '-l',
        'app.kubernetes.io/instance=demo',
        '-o',
        'name',
      ]),
    ).toBe('');
    expect(await kubectl(['get', 'secrets', '-l', 'owner=helm', '-o', 'name'])).toBe('');
  });
});
