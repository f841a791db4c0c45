/** Real @kubernetes/client-node 1.3 against the emulator over HTTPS with a pinned CA and bearer token. */
import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { EmulatorAdminServer } from '@polis/kube-emulator';
import { ClientNode, PATCH } from './support/client-node';
import { eventually, startEmulatorFixture, type EmulatorFixture } from './support/fixture';

const namespace = 'default';

/** A plain HTTPS request that trusts only the emulator's CA. */
function rawRequest(
  fixture: EmulatorFixture,
  method: string,
  path: string,
  token: string,
  body?: object,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${fixture.emulator.url}${path}`,
      { method, ca: fixture.emulator.caPem, headers: { Authorization: `Bearer ${token}` } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
        );
      },
    );
    request.on('error', reject);
    request.end(body ? JSON.stringify(body) : undefined);
  });
}

/** A plain HTTPS GET that trusts only the emulator's CA. */
function rawGet(
  fixture: EmulatorFixture,
  path: string,
  token: string,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      `${fixture.emulator.url}${path}`,
      { ca: fixture.emulator.caPem, headers: { Authorization: `Bearer ${token}` } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
        );
      },
    );
    request.on('error', reject);
  });
}

function configMap(name: string, data: Record<string, string>, labels: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

function deployment(name: string, replicas: number, extraSpec: object = {}): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'registry.local/app:1',
              resources: { requests: { cpu: '500m', memory: '256Mi' } },
            },
          ],
          ...extraSpec,
        },
      },
    },
  };
}

describe('kube-emulator with @kubernetes/client-node', () => {
  let fixture: EmulatorFixture;
  let client: ClientNode;

  beforeAll(async () => {
    fixture = await startEmulatorFixture({ nodes: { count: 2, template: { cpu: '2', memory: '4Gi' } } });
    client = await ClientNode.start(fixture.kubeconfigPath);
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.close();
  });

  afterEach(() => fixture.emulator.clearFaults());

  it('says it is the Polis emulator in /version', async () => {
    const version = await client.call<{ gitVersion: string; major: string }>('VersionApi', 'getCode', {});
    expect(version.gitVersion).toContain('polis-kube-emulator');
    expect(version.major).toBe('1');
    const raw = await rawGet(fixture, '/version', fixture.emulator.token);
    expect(raw.headers['x-polis-kube-emulator']).toBe('true');
  });

  it('creates, reads, lists by label, patches three ways and deletes a ConfigMap', async () => {
    const created = await client.call<{ metadata: { uid: string; resourceVersion: string } }>(
      'CoreV1Api',
      'createNamespacedConfigMap',
      {
        namespace,
        body: configMap('round-trip', { a: '1' }, { team: 'edge' }),
      },
    );
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await client.call<{ items: { metadata: { name: string } }[] }>(
      'CoreV1Api',
      'listNamespacedConfigMap',
      { namespace, labelSelector: 'team in (edge,core)' },
    );
    expect(listed.items.map((item) => item.metadata.name)).toEqual(['round-trip']);
    const none = await client.call<{ items: unknown[] }>('CoreV1Api', 'listNamespacedConfigMap', {
      namespace,
      labelSelector: 'team!=edge',
    });
    expect(none.items.filter((item) => JSON.stringify(item).includes('round-trip'))).toHaveLength(0);

    await client.call(
      'CoreV1Api',
      'patchNamespacedConfigMap',
      { name: 'round-trip', namespace, body: { data: { b: '2', a: null } } },
      PATCH.merge,
    );
    await client.call(
      'CoreV1Api',
      'patchNamespacedConfigMap',
      { name: 'round-trip', namespace, body: { metadata: { labels: { tier: 'x' } } } },
      PATCH.strategic,
    );
    await client.call(
      'CoreV1Api',
      'patchNamespacedConfigMap',
      { name: 'round-trip', namespace, body: [{ op: 'add', path: '/data/c', value: '3' }] },
      PATCH.json,
    );
    const read = await client.call<{
      data: Record<string, string>;
      metadata: { labels: Record<string, string>; resourceVersion: string };
    }>('CoreV1Api', 'readNamespacedConfigMap', { name: 'round-trip', namespace });
    expect(read.data).toEqual({ b: '2', c: '3' });
    expect(read.metadata.labels).toEqual({ team: 'edge', tier: 'x' });
    expect(Number(read.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));

    await client.call('CoreV1Api', 'deleteNamespacedConfigMap', { name: 'round-trip', namespace });
    const gone = await client.callError('CoreV1Api', 'readNamespacedConfigMap', {
      name: 'round-trip',
      namespace,
    });
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('refuses a create of an existing name (409 AlreadyExists) and an update with a stale resourceVersion (409 Conflict)', async () => {
    const created = await client.call<{ metadata: { resourceVersion: string } }>(
      'CoreV1Api',
      'createNamespacedConfigMap',
      { namespace, body: configMap('occ', { v: '1' }) },
    );
    const duplicate = await client.callError('CoreV1Api', 'createNamespacedConfigMap', {
      namespace,
      body: configMap('occ', { v: '1' }),
    });
    expect(duplicate.body).toMatchObject({ code: 409, reason: 'AlreadyExists' });

    await client.call('CoreV1Api', 'replaceNamespacedConfigMap', {
      name: 'occ',
      namespace,
      body: {
        ...configMap('occ', { v: '2' }),
        metadata: { name: 'occ', resourceVersion: created.metadata.resourceVersion },
      },
    });
    const stale = await client.callError('CoreV1Api', 'replaceNamespacedConfigMap', {
      name: 'occ',
      namespace,
      body: {
        ...configMap('occ', { v: '3' }),
        metadata: { name: 'occ', resourceVersion: created.metadata.resourceVersion },
      },
    });
    expect(stale.body).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('rejects invalid objects with 422 Invalid', async () => {
    const invalid = await client.callError('AppsV1Api', 'createNamespacedDeployment', {
      namespace,
      body: { ...deployment('Bad_Name', 1) },
    });
    expect(invalid.code).toBe(422);
    expect(invalid.body).toMatchObject({ reason: 'Invalid' });
  });

  it('server-side apply tracks managers and reports conflicts unless forced', async () => {
    const apply = (
      manager: string,
      data: Record<string, string>,
      force = false,
    ): Promise<{ metadata: { managedFields: { manager: string; operation: string }[] } }> =>
      client.call(
        'CoreV1Api',
        'patchNamespacedConfigMap',
        { name: 'ssa', namespace, body: configMap('ssa', data), fieldManager: manager, force },
        PATCH.apply,
      );

    const first = await apply('polis-a', { owner: 'a', shared: 'same' });
    expect(first.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'polis-a', operation: 'Apply' }),
    ]);
    await apply('polis-b', { shared: 'same' });

    const conflict = await client.callError(
      'CoreV1Api',
      'patchNamespacedConfigMap',
      { name: 'ssa', namespace, body: configMap('ssa', { owner: 'b' }), fieldManager: 'polis-b' },
      PATCH.apply,
    );
    expect(conflict.code).toBe(409);
    expect(JSON.stringify(conflict.body)).toContain('conflict with \\"polis-a\\"');

    const forced = await apply('polis-b', { owner: 'b' }, true);
    const managers = Object.fromEntries(
      forced.metadata.managedFields.map((entry) => [entry.manager, JSON.stringify(entry)]),
    );
    expect(managers['polis-b']).toContain('f:owner');
    expect(managers['polis-a']).not.toContain('f:owner');
    expect(managers['polis-a']).toContain('f:shared');

    // polis-a stops applying "shared"; polis-b dropped it too, so nobody keeps it and it is removed.
    const after = await client.call<{ data: Record<string, string> }>(
      'CoreV1Api',
      'readNamespacedConfigMap',
      { name: 'ssa', namespace },
    );
    expect(after.data).toEqual({ owner: 'b', shared: 'same' });
    await apply('polis-a', {});
    const pruned = await client.call<{ data: Record<string, string> }>(
      'CoreV1Api',
      'readNamespacedConfigMap',
      { name: 'ssa', namespace },
    );
    expect(pruned.data).toEqual({ owner: 'b' });
  });

  it('rolls a Deployment out to Running pods placed on nodes, and selects pods by field', async () => {
    await client.call('AppsV1Api', 'createNamespacedDeployment', { namespace, body: deployment('api', 3) });
    const status = await eventually(
      async () => {
        const current = await client.call<{
          status?: { availableReplicas?: number; observedGeneration?: number };
        }>('AppsV1Api', 'readNamespacedDeployment', { name: 'api', namespace });
        return current.status?.availableReplicas === 3 ? current.status : undefined;
      },
      10_000,
      'api to be available',
    );
    expect(status.observedGeneration).toBe(1);

    const pods = await client.call<{ items: { spec: { nodeName: string }; status: { phase: string } }[] }>(
      'CoreV1Api',
      'listNamespacedPod',
      { namespace, labelSelector: 'app=api' },
    );
    expect(pods.items).toHaveLength(3);
    expect(pods.items.every((pod) => pod.status.phase === 'Running')).toBe(true);
    const node = pods.items[0]?.spec.nodeName ?? '';
    const onNode = await client.call<{ items: unknown[] }>('CoreV1Api', 'listNamespacedPod', {
      namespace,
      labelSelector: 'app=api',
      fieldSelector: `spec.nodeName=${node}`,
    });
    expect(onNode.items.length).toBe(pods.items.filter((pod) => pod.spec.nodeName === node).length);
    const running = await client.call<{ items: unknown[] }>('CoreV1Api', 'listNamespacedPod', {
      namespace,
      labelSelector: 'app=api',
      fieldSelector: 'status.phase!=Running',
    });
    expect(running.items).toHaveLength(0);

    await client.call('AppsV1Api', 'deleteNamespacedDeployment', { name: 'api', namespace });
    await eventually(
      async () => {
        const left = await client.call<{ items: unknown[] }>('CoreV1Api', 'listNamespacedPod', {
          namespace,
          labelSelector: 'app=api',
        });
        return left.items.length === 0 ? true : undefined;
      },
      5_000,
      'pods of the deleted deployment to go',
    );
  });

  it('streams watch events and resumes from a resourceVersion', async () => {
    const start = await client.call<{ metadata: { resourceVersion: string } }>(
      'CoreV1Api',
      'listNamespacedConfigMap',
      { namespace },
    );
    await client.watchStart('cm', `/api/v1/namespaces/${namespace}/configmaps`, {
      resourceVersion: start.metadata.resourceVersion,
      labelSelector: 'watched=yes',
    });
    await client.call('CoreV1Api', 'createNamespacedConfigMap', {
      namespace,
      body: configMap('w1', { n: '1' }, { watched: 'yes' }),
    });
    await client.call('CoreV1Api', 'createNamespacedConfigMap', {
      namespace,
      body: configMap('unwatched', { n: '1' }),
    });
    await client.call(
      'CoreV1Api',
      'patchNamespacedConfigMap',
      { name: 'w1', namespace, body: { data: { n: '2' } } },
      PATCH.merge,
    );
    await client.call('CoreV1Api', 'deleteNamespacedConfigMap', { name: 'w1', namespace });
    const seen = await eventually(
      async () => {
        const { events } = await client.watchEvents('cm');
        return events.length >= 3 ? events : undefined;
      },
      5_000,
      'three watch events',
    );
    expect(
      seen.map((event) => `${event.type}:${String((event.object.metadata as { name: string }).name)}`),
    ).toEqual(['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1']);
    await client.watchStop('cm');

    // Resuming from the first event's version replays only what came after it.
    const firstVersion = String((seen[0]?.object.metadata as { resourceVersion: string }).resourceVersion);
    await client.watchStart('resume', `/api/v1/namespaces/${namespace}/configmaps`, {
      resourceVersion: firstVersion,
      labelSelector: 'watched=yes',
    });
    const resumed = await eventually(
      async () => {
        const { events } = await client.watchEvents('resume');
        return events.length >= 2 ? events : undefined;
      },
      5_000,
      'replayed events',
    );
    expect(resumed.map((event) => event.type)).toEqual(['MODIFIED', 'DELETED']);
    await client.watchStop('resume');
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const start = await client.call<{ metadata: { resourceVersion: string } }>(
      'CoreV1Api',
      'listNamespacedConfigMap',
      { namespace },
    );
    await client.call('CoreV1Api', 'createNamespacedConfigMap', {
      namespace,
      body: configMap('compacted', { n: '1' }),
    });
    fixture.emulator.compactHistory();
    await client.watchStart('old', `/api/v1/namespaces/${namespace}/configmaps`, {
      resourceVersion: start.metadata.resourceVersion,
    });
    const { events } = await eventually(
      async () => {
        const state = await client.watchEvents('old');
        return state.events.length > 0 ? state : undefined;
      },
      5_000,
      'the ERROR event',
    );
    expect(events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    await client.watchStop('old');
  });

  it('answers 401 Unauthorized to a wrong token', async () => {
    const kubeconfig = await readFile(fixture.kubeconfigPath, 'utf8');
    const badPath = join(fixture.dir, 'bad.kubeconfig');
    await writeFile(badPath, kubeconfig.replace(/token: .*/, 'token: not-the-token'));
    const intruder = await ClientNode.start(badPath);
    try {
      const error = await intruder.callError('CoreV1Api', 'listNamespace', {});
      expect(error.code).toBe(401);
      const raw = await rawGet(fixture, '/api/v1/namespaces', 'not-the-token');
      expect(raw.status).toBe(401);
      expect(JSON.parse(raw.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    } finally {
      await intruder.close();
    }
  });

  describe('fault switches', () => {
    it('makes the API unavailable (503) and back', async () => {
      fixture.emulator.setUnavailable(true);
      const error = await client.callError('CoreV1Api', 'listNamespace', {});
      expect(error.code).toBe(503);
      fixture.emulator.setUnavailable(false);
      await expect(client.call('CoreV1Api', 'listNamespace', {})).resolves.toBeDefined();
    });

    it('throttles the next N requests with 429 and Retry-After', async () => {
      fixture.emulator.throttle(2, 3);
      const first = await client.callError('CoreV1Api', 'listNamespace', {});
      const second = await client.callError('CoreV1Api', 'listNamespace', {});
      expect([first.code, second.code]).toEqual([429, 429]);
      expect(first.headers?.['retry-after']).toBe('3');
      expect(first.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
      await expect(client.call('CoreV1Api', 'listNamespace', {})).resolves.toBeDefined();
    });

    it('fails the next N writes with 409 Conflict while reads still work', async () => {
      fixture.emulator.conflictWrites(1);
      await expect(client.call('CoreV1Api', 'listNamespacedConfigMap', { namespace })).resolves.toBeDefined();
      const error = await client.callError('CoreV1Api', 'createNamespacedConfigMap', {
        namespace,
        body: configMap('conflicted', {}),
      });
      expect(error.body).toMatchObject({ code: 409, reason: 'Conflict' });
      await expect(
        client.call('CoreV1Api', 'createNamespacedConfigMap', {
          namespace,
          body: configMap('conflicted', {}),
        }),
      ).resolves.toBeDefined();
    });

    it('drops open watches', async () => {
      await client.watchStart('dropped', '/api/v1/namespaces');
      await eventually(
        async () => ((await client.watchEvents('dropped')).events.length > 0 ? true : undefined),
        5_000,
        'initial events',
      );
      expect(fixture.emulator.dropWatches()).toBeGreaterThanOrEqual(1);
      const state = await eventually(
        async () => {
          const current = await client.watchEvents('dropped');
          return current.done ? current : undefined;
        },
        5_000,
        'the watch to end',
      );
      expect(state.done).toBeTruthy();
      await client.watchStop('dropped');
    });

    it('marks a node NotReady: its pods turn unready and new pods avoid it; then Ready again', async () => {
      const [first, second] = fixture.emulator.nodeNames();
      await client.call('AppsV1Api', 'createNamespacedDeployment', {
        namespace,
        body: deployment('spread', 2),
      });
      await eventually(
        () =>
          (
            fixture.emulator.get('apps', 'deployments', namespace, 'spread')?.status as
              | { readyReplicas?: number }
              | undefined
          )?.readyReplicas === 2 || undefined,
      );

      fixture.emulator.setNodeReady(first ?? '', false);
      const node = await client.call<{
        status: { conditions: { type: string; status: string }[] };
        spec: { taints?: { key: string }[] };
      }>('CoreV1Api', 'readNode', { name: first });
      expect(node.status.conditions.find((condition) => condition.type === 'Ready')?.status).toBe('False');
      expect(node.spec.taints?.map((taint) => taint.key)).toContain('node.kubernetes.io/not-ready');
      await eventually(
        () => {
          const pods = fixture.emulator
            .list('', 'pods', namespace)
            .filter((pod) => pod.metadata.labels?.app === 'spread');
          const onFirst = pods.filter((pod) => (pod.spec as { nodeName?: string }).nodeName === first);
          return onFirst.every((pod) => JSON.stringify(pod.status).includes('NodeNotReady'))
            ? true
            : undefined;
        },
        5_000,
        'pods on the NotReady node to turn unready',
      );

      await client.call(
        'AppsV1Api',
        'patchNamespacedDeployment',
        { name: 'spread', namespace, body: { spec: { replicas: 3 } } },
        PATCH.merge,
      );
      const added = await eventually(
        () => {
          const pods = fixture.emulator
            .list('', 'pods', namespace)
            .filter((pod) => pod.metadata.labels?.app === 'spread');
          return pods.length === 3 && pods.every((pod) => (pod.spec as { nodeName?: string }).nodeName)
            ? pods
            : undefined;
        },
        5_000,
        'the third pod to be scheduled',
      );
      const newest = [...added].sort(
        (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
      );
      expect(newest.map((pod) => (pod.spec as { nodeName: string }).nodeName)).toContain(second);

      fixture.emulator.setNodeReady(first ?? '', true);
      const ready = await client.call<{ status: { conditions: { type: string; status: string }[] } }>(
        'CoreV1Api',
        'readNode',
        { name: first },
      );
      expect(ready.status.conditions.find((condition) => condition.type === 'Ready')?.status).toBe('True');
      await client.call('AppsV1Api', 'deleteNamespacedDeployment', { name: 'spread', namespace });
    });

    it('are also switched over HTTP at /emulator/faults, guarded by the token', async () => {
      const token = fixture.emulator.token;
      expect(
        (await rawRequest(fixture, 'POST', '/emulator/faults', 'wrong', { unavailable: true })).status,
      ).toBe(401);
      const invalid = await rawRequest(fixture, 'POST', '/emulator/faults', token, {
        throttle: { requests: -1 },
      });
      expect(invalid.status).toBe(400);

      const set = await rawRequest(fixture, 'POST', '/emulator/faults', token, {
        throttle: { requests: 1, retryAfterSeconds: 2 },
        conflicts: 1,
      });
      expect(JSON.parse(set.body)).toMatchObject({
        throttledRequestsLeft: 1,
        retryAfterSeconds: 2,
        conflictingWritesLeft: 1,
      });
      const throttled = await rawRequest(fixture, 'GET', '/api/v1/namespaces', token);
      expect([throttled.status, throttled.headers['retry-after']]).toEqual([429, '2']);

      await rawRequest(fixture, 'POST', '/emulator/faults', token, { unavailable: true });
      expect((await rawRequest(fixture, 'GET', '/api/v1/namespaces', token)).status).toBe(503);
      expect((await rawRequest(fixture, 'GET', '/readyz', '')).status).toBe(503);
      const cleared = await rawRequest(fixture, 'DELETE', '/emulator/faults', token);
      expect(JSON.parse(cleared.body)).toEqual({
        unavailable: false,
        throttledRequestsLeft: 0,
        retryAfterSeconds: 2,
        conflictingWritesLeft: 0,
        refused: false,
        partitioned: false,
      });
      expect((await rawRequest(fixture, 'GET', '/api/v1/namespaces', token)).status).toBe(200);

      const node = fixture.emulator.nodeNames()[1] ?? '';
      await rawRequest(fixture, 'POST', '/emulator/faults', token, { nodeReady: { node, ready: false } });
      expect(JSON.stringify(fixture.emulator.get('', 'nodes', undefined, node)?.status)).toContain(
        'KubeletNotReady',
      );
      await rawRequest(fixture, 'POST', '/emulator/faults', token, { nodeReady: { node, ready: true } });
      expect(JSON.stringify(fixture.emulator.get('', 'nodes', undefined, node)?.status)).toContain(
        'KubeletReady',
      );
      const missing = await rawRequest(fixture, 'POST', '/emulator/faults', token, {
        nodeReady: { node: 'nope', ready: false },
      });
      expect(missing.status).toBe(404);
    });

    describe('refused connections, switched on the loopback admin listener', () => {
      let admin: EmulatorAdminServer;
      const adminCall = async (
        method: string,
        path: string,
        token = fixture.emulator.token,
        body?: object,
      ): Promise<{ status: number; body: Record<string, unknown> }> => {
        const response = await fetch(`${admin.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}` },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };

      beforeAll(async () => {
        admin = new EmulatorAdminServer({ clusters: [{ name: 'test', emulator: fixture.emulator }] });
        await admin.start();
      });

      afterAll(async () => {
        await admin?.stop();
      });

      it('listens on loopback only and needs the cluster token for its faults', async () => {
        expect(admin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await adminCall('POST', '/clusters/test/faults', 'wrong', { refused: true })).status).toBe(
          401,
        );
        expect((await adminCall('GET', '/clusters/nope/faults')).status).toBe(404);
        expect((await adminCall('POST', '/clusters/test/faults', undefined, { refused: 'yes' })).status).toBe(
          400,
        );
        await expect(client.call('CoreV1Api', 'listNamespace', {})).resolves.toBeDefined();
      });

      it('stops the API listening, cuts open watches, and lets it back in when cleared', async () => {
        await client.call('CoreV1Api', 'createNamespacedConfigMap', {
          namespace,
          body: configMap('through-refusal', { kept: 'yes' }),
        });
        const port = fixture.emulator.port;
        await client.watchStart('refused', '/api/v1/namespaces');
        await eventually(
          async () => ((await client.watchEvents('refused')).events.length > 0 ? true : undefined),
          5_000,
          'initial events',
        );

        const set = await adminCall('POST', '/clusters/test/faults', undefined, { refused: true });
        expect(set).toMatchObject({ status: 200, body: { refused: true, unavailable: false } });
        const refused = await client.callError('CoreV1Api', 'listNamespace', {});
        expect(refused.code).toBeUndefined();
        expect(refused.message).toMatch(/ECONNREFUSED/);
        await eventually(
          async () => ((await client.watchEvents('refused')).done ? true : undefined),
          5_000,
          'the open watch to be cut',
        );
        await client.watchStop('refused');
        const listed = await adminCall('GET', '/clusters');
        expect(listed.body.items).toEqual([
          expect.objectContaining({
            name: 'test',
            listening: false,
            faults: expect.objectContaining({ refused: true }),
          }),
        ]);

        const cleared = await adminCall('DELETE', '/clusters/test/faults');
        expect(cleared.body).toMatchObject({ refused: false });
        expect(fixture.emulator.port).toBe(port);
        const kept = await client.call<{ data: Record<string, string> }>(
          'CoreV1Api',
          'readNamespacedConfigMap',
          {
            name: 'through-refusal',
            namespace,
          },
        );
        expect(kept.data).toEqual({ kept: 'yes' });
      });

      it('partitions the API: connections are accepted and never answered, until cleared', async () => {
        const set = await adminCall('POST', '/clusters/test/faults', undefined, { partitioned: true });
        expect(set.body).toMatchObject({ partitioned: true, refused: false });
        const started = Date.now();
        const outcome = await new Promise<string>((resolve) => {
          let connected = false;
          const request = https.get(
            `${fixture.emulator.url}/api/v1/namespaces`,
            { ca: fixture.emulator.caPem, headers: { Authorization: `Bearer ${fixture.emulator.token}` } },
            () => resolve('answered'),
          );
          request.on('socket', (socket) => socket.on('connect', () => (connected = true)));
          request.setTimeout(800, () => {
            request.destroy();
            resolve(connected ? 'connected, no answer' : 'not connected');
          });
          request.on('error', (error) => {
            if (!request.destroyed) resolve(`error: ${error.message}`);
          });
        });
        expect(outcome).toBe('connected, no answer');
        expect(Date.now() - started).toBeGreaterThanOrEqual(700);

        const cleared = await adminCall('DELETE', '/clusters/test/faults');
        expect(cleared.body).toMatchObject({ partitioned: false });
        await expect(client.call('CoreV1Api', 'listNamespace', {})).resolves.toBeDefined();
      });

      it('can be switched on through the API itself, which answers before it stops listening', async () => {
        const set = await rawRequest(fixture, 'POST', '/emulator/faults', fixture.emulator.token, {
          refused: true,
        });
        expect([set.status, JSON.parse(set.body).refused]).toEqual([200, true]);
        await eventually(
          () =>
            client.call('CoreV1Api', 'listNamespace', {}).then(
              () => undefined,
              (error: Error) => (/ECONNREFUSED/.test(error.message) ? true : undefined),
            ),
          5_000,
          'connections to be refused',
        );
        expect(fixture.emulator.faultState().refused).toBe(true);
        await adminCall('POST', '/clusters/test/faults', undefined, { refused: false });
        await expect(client.call('CoreV1Api', 'listNamespace', {})).resolves.toBeDefined();
      });
    });

    it('stops (connections refused) and restarts on the same port with the same state', async () => {
      await client.call('CoreV1Api', 'createNamespacedConfigMap', {
        namespace,
        body: configMap('survivor', { kept: 'yes' }),
      });
      const port = fixture.emulator.port;
      await fixture.emulator.stop();
      const refused = await client.callError('CoreV1Api', 'listNamespace', {});
      expect(refused.code).toBeUndefined();
      expect(refused.message).toMatch(/ECONNREFUSED/);
      await fixture.emulator.start();
      expect(fixture.emulator.port).toBe(port);
      const survivor = await client.call<{ data: Record<string, string> }>(
        'CoreV1Api',
        'readNamespacedConfigMap',
        { name: 'survivor', namespace },
      );
      expect(survivor.data).toEqual({ kept: 'yes' });
    });
  });
});
