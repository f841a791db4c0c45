/** The real kubectl v1.32 (installed by scripts/install-kube-tools.sh) against the emulator. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, startEmulatorFixture, type EmulatorFixture } from './support/fixture';
import { run, runOk, spawnTool, toolPath } from './support/tools';

function manifest(name: string, image: string, replicas: number, cpu = '100m'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}, tier: edge}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, tier: edge}}
    spec:
      containers:
        - name: app
          image: ${image}
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: ${cpu}, memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: 8080}]
`;
}

describe('kube-emulator with the real kubectl', () => {
  let fixture: EmulatorFixture;
  let kubectl: (args: string[], input?: string) => Promise<string>;

  beforeAll(async () => {
    toolPath('kubectl');
    fixture = await startEmulatorFixture({ nodes: { count: 3, template: { cpu: '4', memory: '8Gi' } } });
    kubectl = (args, input) => runOk('kubectl', args, fixture.env, input);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  async function applyFile(name: string, content: string, extra: string[] = []): Promise<string> {
    const path = join(fixture.dir, `${name}.yaml`);
    await writeFile(path, content);
    return kubectl(['apply', '-f', path, ...extra]);
  }

  it('reports the emulator as the server version', async () => {
    const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as {
      serverVersion: { gitVersion: string };
    };
    expect(version.serverVersion.gitVersion).toBe('v1.32.0+polis-kube-emulator');
  });

  it('get nodes lists the emulated nodes as Ready', async () => {
    const output = await kubectl(['get', 'nodes']);
    const lines = output.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines.slice(1).every((line) => /\sReady\s/.test(line))).toBe(true);
    const labels = await kubectl(['get', 'nodes', '-L', 'kubernetes.io/arch', '--no-headers']);
    expect(labels).toContain('amd64');
  });

  it('apply -f (client-side) creates, re-applies as unchanged, and rollout status completes', async () => {
    expect(await applyFile('web', manifest('web', 'registry.local/web:1', 2))).toMatch(
      /deployment.apps\/web created[\s\S]*service\/web created/,
    );
    expect(await kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toContain(
      'successfully rolled out',
    );
    expect(await applyFile('web', manifest('web', 'registry.local/web:1', 2))).toContain(
      'deployment.apps/web unchanged',
    );
    const pods = await kubectl(['get', 'pods', '-l', 'app=web', '--no-headers']);
    expect(pods.trim().split('\n')).toHaveLength(2);
    expect(pods).toMatch(/1\/1\s+Running/);
  });

  it('rolls out a template change through a new ReplicaSet', async () => {
    await applyFile('roll', manifest('roll', 'registry.local/roll:1', 2));
    await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=30s']);
    await applyFile('roll', manifest('roll', 'registry.local/roll:2', 2));
    expect(await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=30s'])).toContain(
      'successfully rolled out',
    );
    const replicaSets = JSON.parse(await kubectl(['get', 'rs', '-l', 'app=roll', '-o', 'json'])) as {
      items: { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }[];
    };
    const byImage = Object.fromEntries(
      replicaSets.items.map((rs) => [rs.spec.template.spec.containers[0]?.image, rs.spec.replicas]),
    );
    expect(byImage).toEqual({ 'registry.local/roll:1': 0, 'registry.local/roll:2': 2 });
    const images = await kubectl([
      'get',
      'pods',
      '-l',
      'app=roll',
      '-o',
      'jsonpath={.items[*].spec.containers[0].image}',
    ]);
    await eventually(
      async () =>
        (
          await kubectl([
            'get',
            'pods',
            '-l',
            'app=roll',
            '-o',
            'jsonpath={.items[*].spec.containers[0].image}',
          ])
        ).includes(':1')
          ? undefined
          : true,
      10_000,
      'old pods to go',
    );
    expect(images).toContain('registry.local/roll:2');
  });

  it('apply --server-side owns fields, conflicts with kubectl scale, and --force-conflicts takes over', async () => {
    const path = join(fixture.dir, 'ssa.yaml');
    await writeFile(path, manifest('ssa', 'registry.local/ssa:1', 1));
    expect(await kubectl(['apply', '--server-side', '-f', path])).toContain(
      'deployment.apps/ssa serverside-applied',
    );
    expect(await kubectl(['scale', 'deployment/ssa', '--replicas=3'])).toContain('scaled');
    expect(await kubectl(['rollout', 'status', 'deployment/ssa', '--timeout=30s'])).toContain(
      'successfully rolled out',
    );
    expect(await kubectl(['get', 'deployment', 'ssa', '-o', 'jsonpath={.status.readyReplicas}'])).toBe('3');

    const conflict = await run('kubectl', ['apply', '--server-side', '-f', path], fixture.env);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "kubectl" using apps/v1: .spec.replicas');

    expect(await kubectl(['apply', '--server-side', '--force-conflicts', '-f', path])).toContain(
      'serverside-applied',
    );
    expect(await kubectl(['get', 'deployment', 'ssa', '-o', 'jsonpath={.spec.replicas}'])).toBe('1');
    const managers = await kubectl([
      'get',
      'deployment',
      'ssa',
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers).toContain('kubectl');
  });

  it('selects with -l (=, !=, in, notin, exists) and prints -o json', async () => {
    await applyFile('sel-a', manifest('sel-a', 'registry.local/a:1', 1));
    await applyFile('sel-b', manifest('sel-b', 'registry.local/b:1', 1));
    const names = async (selector: string): Promise<string[]> =>
      (await kubectl(['get', 'deployments', '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}']))
        .split(' ')
        .filter(Boolean)
        .sort();
    expect(await names('app=sel-a')).toEqual(['sel-a']);
    expect(await names('app in (sel-a,sel-b)')).toEqual(['sel-a', 'sel-b']);
    expect(await names('app notin (sel-a),app in (sel-a,sel-b)')).toEqual(['sel-b']);
    expect(await names('tier,app!=sel-b,app in (sel-a,sel-b)')).toEqual(['sel-a']);
    expect(await names('!tier')).toEqual([]);

    const json = JSON.parse(await kubectl(['get', 'deployment', 'sel-a', '-o', 'json'])) as {
      kind: string;
      metadata: { uid: string; generation: number };
      spec: { replicas: number };
    };
    expect(json).toMatchObject({ kind: 'Deployment', metadata: { generation: 1 }, spec: { replicas: 1 } });
    const bad = await run('kubectl', ['get', 'pods', '-l', 'app in (unclosed'], fixture.env);
    expect(bad.code).not.toBe(0);
  });

  it('delete removes the deployment and its pods', async () => {
    await applyFile('doomed', manifest('doomed', 'registry.local/d:1', 2));
    await kubectl(['rollout', 'status', 'deployment/doomed', '--timeout=30s']);
    expect(await kubectl(['delete', 'deployment', 'doomed'])).toContain('deployment.apps "doomed" deleted');
    const missing = await run('kubectl', ['get', 'deployment', 'doomed'], fixture.env);
    expect(missing.stderr).toContain('deployments.apps "doomed" not found');
    expect(await kubectl(['get', 'pods', '-l', 'app=doomed', '-o', 'name'])).toBe('');
  });

  it('keeps a pod that fits no node Pending with an Unschedulable reason', async () => {
    await applyFile('huge', manifest('huge', 'registry.local/h:1', 1, '64'));
    const condition = await eventually(
      async () => {
        const output = await kubectl([
          'get',
          'pods',
          '-l',
          'app=huge',
          '-o',
          'jsonpath={.items[0].status.conditions[?(@.type=="PodScheduled")].reason}',
        ]);
        return output === 'Unschedulable' ? output : undefined;
      },
      10_000,
      'the Unschedulable condition',
    );
    expect(condition).toBe('Unschedulable');
    const message = await kubectl([
      'get',
      'pods',
      '-l',
      'app=huge',
      '-o',
      'jsonpath={.items[0].status.conditions[0].message}',
    ]);
    expect(message).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    expect(await kubectl(['get', 'pods', '-l', 'app=huge', '--no-headers'])).toMatch(/0\/1\s+Pending/);
  });

  it('creates namespaces, configmaps and secrets imperatively (kubectl sends those as protobuf)', async () => {
    await kubectl(['create', 'namespace', 'imperative']);
    await kubectl(['-n', 'imperative', 'create', 'configmap', 'settings', '--from-literal=mode=edge']);
    await kubectl([
      '-n',
      'imperative',
      'create',
      'secret',
      'generic',
      'token',
      '--from-literal=value=s3cret',
    ]);
    expect(
      await kubectl(['-n', 'imperative', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}']),
    ).toBe('edge');
    const encoded = await kubectl([
      '-n',
      'imperative',
      'get',
      'secret',
      'token',
      '-o',
      'jsonpath={.data.value}',
    ]);
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe('s3cret');
    await kubectl(['delete', 'namespace', 'imperative']);
    expect(
      await kubectl([
        'get',
        'configmaps',
        '-A',
        '--field-selector',
        'metadata.namespace=imperative',
        '-o',
        'name',
      ]),
    ).toBe('');
  });

  it('get -w streams changes', async () => {
    const watcher = spawnTool('kubectl', ['get', 'configmaps', '-w', '--output-watch-events'], fixture.env);
    try {
      await eventually(
        () => (fixture.emulator.openWatches > 0 ? true : undefined),
        10_000,
        'kubectl to open its watch',
      );
      await kubectl(['create', 'configmap', 'watched', '--from-literal=a=1']);
      await kubectl(['label', 'configmap', 'watched', 'seen=yes']);
      const output = await eventually(
        () => (/MODIFIED\s+watched/.test(watcher.output()) ? watcher.output() : undefined),
        10_000,
        'watch output',
      );
      expect(output).toMatch(/ADDED\s+watched/);
    } finally {
      watcher.child.kill();
    }
  });

  it('refuses a wrong token', async () => {
    const badConfig = join(fixture.dir, 'bad.kubeconfig');
    await writeFile(
      badConfig,
      (await readFile(fixture.kubeconfigPath, 'utf8')).replace(/token: .*/, 'token: wrong'),
    );
    const result = await run('kubectl', ['get', 'nodes'], { ...fixture.env, KUBECONFIG: badConfig });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Unauthorized/);
  });
});
