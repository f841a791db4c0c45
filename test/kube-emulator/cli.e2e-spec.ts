/**
 * The kube-emulator CLI as the demo runs it, checked with the real kubectl: Polis pods run as processes
 * (`--run-pods`) whose output `kubectl logs` shows, and the admin listener with the drill CLI.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeFault, startEmulatorCli, type EmulatorProcess } from './support/cli';
import { eventually } from './support/fixture';
import { run, runOk, spawnTool, toolPath } from './support/tools';

/**
 * Stands in for the edge runtime (--run-pods): five numbered lines, then, when TICK_MS is set, a tick line every
 * TICK_MS; a last line on SIGTERM. Written to the test's folder as plain JavaScript, which `node` runs as is.
 */
const LOG_POD_SCRIPT = `const name = process.env.POD_NAME || 'unknown';
for (let i = 1; i <= 5; i += 1) process.stdout.write(name + ' line ' + i + '\\n');
let tick = 0;
const timer = process.env.TICK_MS
  ? setInterval(() => process.stdout.write(name + ' tick ' + (tick += 1) + '\\n'), Number(process.env.TICK_MS))
  : setInterval(() => undefined, 60000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.stdout.write(name + ' stopping\\n');
  process.exit(0);
});
`;

/** A Deployment whose pods the CLI runs as `node log-pod.js` processes when `polis` manages them. */
function workload(name: string, options: { polis: boolean; tickMs?: number }): string {
  const managedBy = options.polis ? 'polis' : 'someone-else';
  const tick = options.tickMs ? `\n            - {name: TICK_MS, value: "${options.tickMs}"}` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, app.kubernetes.io/managed-by: ${managedBy}}}
    spec:
      containers:
        - name: runner
          image: registry.local/runner:1
          env:
            - name: POD_NAME
              valueFrom: {fieldRef: {fieldPath: metadata.name}}${tick}
`;
}

describe('kube-emulator CLI', () => {
  let dir: string;
  let emulator: EmulatorProcess;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;

  beforeAll(async () => {
    toolPath('kubectl');
    dir = await mkdtemp(join(tmpdir(), 'kube-emulator-cli-'));
    await writeFile(join(dir, 'log-pod.js'), LOG_POD_SCRIPT);
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
        '--pod-start-delay-ms',
        '20',
        '--zones',
        'east',
        '--run-pods',
        join(dir, 'log-pod.js'),
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

  const kubectl = (args: string[]): Promise<string> => runOk('kubectl', args, env);

  async function deploy(name: string, options: { polis: boolean; tickMs?: number }): Promise<string> {
    const path = join(dir, `${name}.yaml`);
    await writeFile(path, workload(name, options));
    await kubectl(['apply', '-f', path]);
    await kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=30s']);
    return (
      await kubectl(['get', 'pods', '-l', `app=${name}`, '-o', 'jsonpath={.items[0].metadata.name}'])
    ).trim();
  }

  describe('kubectl logs of the pods it runs as processes', () => {
    let quiet: string;

    beforeAll(async () => {
      quiet = await deploy('quiet', { polis: true });
      await eventually(
        async () =>
          (await run('kubectl', ['logs', quiet], env)).stdout.includes('line 5') ? true : undefined,
        15_000,
        'the process to write its lines',
      );
    }, 60_000);

    it('prints what the process wrote, by pod and by deployment', async () => {
      const expected = [1, 2, 3, 4, 5].map((i) => `${quiet} line ${i}\n`).join('');
      expect(await kubectl(['logs', quiet])).toBe(expected);
      expect(await kubectl(['logs', 'deployment/quiet'])).toBe(expected);
      expect(await kubectl(['logs', quiet, '-c', 'runner'])).toBe(expected);
    });

    it('--tail prints the last N lines, --limit-bytes the first bytes', async () => {
      expect(await kubectl(['logs', quiet, '--tail=2'])).toBe(`${quiet} line 4\n${quiet} line 5\n`);
      expect(await kubectl(['logs', quiet, '--tail=0'])).toBe('');
      expect(await kubectl(['logs', quiet, '--tail=50'])).toContain(`${quiet} line 1\n`);
      expect(await kubectl(['logs', quiet, '--limit-bytes=5'])).toBe(quiet.slice(0, 5));
    });

    it('-f follows new output and ends when the pod is deleted', async () => {
      const ticking = await deploy('ticking', { polis: true, tickMs: 100 });
      const follow = spawnTool('kubectl', ['logs', '-f', '--tail=1', ticking], env);
      const exited = new Promise<number | null>((resolve) => follow.child.once('exit', resolve));
      const ticks = await eventually(
        () => {
          const seen = [...follow.output().matchAll(/tick (\d+)/g)].map((match) => Number(match[1]));
          return seen.length >= 3 ? seen : undefined;
        },
        15_000,
        'followed ticks',
      );
      expect(follow.output()).not.toContain('line 1');
      expect(ticks.slice(1)).toEqual(ticks.slice(1).map((_, i) => (ticks[1] ?? 0) + i));

      await kubectl(['delete', 'deployment', 'ticking']);
      await expect(exited).resolves.toBe(0);
      expect(follow.output()).toContain(`${ticking} stopping`);
    });

    it('says why a simulated pod or a wrong container has no log', async () => {
      const simulated = await deploy('simulated', { polis: false });
      const none = await run('kubectl', ['logs', simulated], env);
      expect(none.code).not.toBe(0);
      expect(none.stderr).toContain(`container "runner" in pod "${simulated}" has no log`);
      const wrong = await run('kubectl', ['logs', quiet, '-c', 'nope'], env);
      expect(wrong.stderr).toContain(`container nope is not valid for pod ${quiet}`);
    });
  });

  it('labels the nodes with the zone given for their cluster', async () => {
    const labels = JSON.parse(
      await kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels}']),
    ) as Record<string, string>;
    expect(labels).toMatchObject({ 'topology.kubernetes.io/zone': 'east', 'polis.city/zone': 'east' });
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
