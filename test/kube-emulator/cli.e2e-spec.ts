/** The kube-emulator CLI as the demo runs it: its admin listener and the drill CLI, checked with the real kubectl. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeFault, startEmulatorCli, type EmulatorProcess } from './support/cli';
import { run, toolPath } from './support/tools';

describe('kube-emulator CLI', () => {
  let dir: string;
  let emulator: EmulatorProcess;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;

  beforeAll(async () => {
    toolPath('kubectl');
    dir = await mkdtemp(join(tmpdir(), 'kube-emulator-cli-'));
    emulator = await startEmulatorCli(
      [
        '--clusters',
        '1',
        '--nodes-per-cluster',
        '1',
        '--name-prefix',
        'drill',
        '--kubeconfig-dir',
        join(dir, 'kube'),
      ],
      1,
    );
    kubeconfig = emulator.clusters[0]?.kubeconfig ?? '';
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig };
  }, 90_000);

  afterAll(async () => {
    await emulator?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes each cluster fault endpoint beside its kubeconfig, on the loopback admin listener', async () => {
    const [cluster] = emulator.clusters;
    expect(cluster?.faults).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/clusters\/drill-01\/faults$/);
    expect((await readFile(join(dir, 'kube', 'drill-01.faults-url'), 'utf8')).trim()).toBe(cluster?.faults);
    const state = await kubeFault(kubeconfig, []);
    expect(state.code).toBe(0);
    expect(JSON.parse(state.stdout)).toMatchObject({ refused: false, unavailable: false });
  });

  it('takes the API down (connections refused) and brings it back with the drill CLI', async () => {
    expect((await run('kubectl', ['get', 'namespaces'], env)).code).toBe(0);
    const down = await kubeFault(kubeconfig, ['refused']);
    expect(JSON.parse(down.stdout)).toMatchObject({ refused: true });
    const refused = await run('kubectl', ['get', 'namespaces', '--request-timeout=5s'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/connection to the server 127\.0\.0\.1:\d+ was refused/);

    const back = await kubeFault(kubeconfig, ['clear']);
    expect(JSON.parse(back.stdout)).toMatchObject({ refused: false });
    const after = await run('kubectl', ['get', 'namespaces', '-o', 'name'], env);
    expect(after.stdout).toContain('namespace/default');
  });

  it('answers 503 while unavailable, and refuses a switch it does not know with its usage', async () => {
    await kubeFault(kubeconfig, ['unavailable']);
    const unavailable = await run('kubectl', ['get', 'namespaces', '--request-timeout=5s'], env);
    expect(unavailable.stderr).toMatch(/unavailable|ServiceUnavailable|503/);
    await kubeFault(kubeconfig, ['unavailable', 'off']);
    expect((await run('kubectl', ['get', 'namespaces'], env)).code).toBe(0);

    const wrong = await kubeFault(kubeconfig, ['explode']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown switch "explode"[\s\S]*Usage: kube-fault/);
  });
});
