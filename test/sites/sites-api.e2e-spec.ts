/** The site registry through the control plane's REST API, with emulated clusters behind it. */
import type { INestApplication } from '@nestjs/common';
import type { NatsConnection, Subscription } from 'nats';
import { KubeEmulator } from '@polis/kube-emulator';
import { startInProcess } from '../support/control-plane';
import { callApi } from '../support/http';
import { REQUESTED_TEST_LOG_LEVEL } from '../support/log-level';
import { INFLUX_BASE, isolation, natsConnection, removeNatsState } from '../support/services';
import { eventually, kubeconfigAt, kubeconfigWithToken, randomKey, sharedTls, startSite } from './support';

const { prefix, database } = isolation('sites');

function body(id: string, kubeconfig: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Site ${id}`,
    kind: 'traffic',
    coordinates: { lat: 45.07, lon: 7.68 },
    zone: 'north',
    labels: { operator: 'city-mobility' },
    kubeconfig,
    ...extra,
  };
}

describe('sites API', () => {
  let app: INestApplication;
  let url: string;
  let nc: NatsConnection;
  let events: Subscription;
  const seenEvents: { type: string; siteId: string; state?: string }[] = [];
  const output: string[] = [];
  const sites: KubeEmulator[] = [];
  let alpha: KubeEmulator;
  let beta: KubeEmulator;
  let restoreOutput: () => void;

  const api = (method: string, path: string, payload?: unknown, headers: Record<string, string> = {}) =>
    callApi(url, method, path, payload, headers);

  beforeAll(async () => {
    // Everything the process writes, to prove no credential reaches a log. The control plane logs at debug
    // for that; the lines reach the terminal only when POLIS_TEST_LOG_LEVEL asks for logs.
    const writes = [
      process.stdout.write.bind(process.stdout),
      process.stderr.write.bind(process.stderr),
    ] as const;
    const echo = REQUESTED_TEST_LOG_LEVEL !== undefined;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (
      output.push(String(chunk)),
      echo ? writes[0](chunk, ...rest) : true
    )) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (
      output.push(String(chunk)),
      echo ? writes[1](chunk, ...rest) : true
    )) as typeof process.stderr.write;
    restoreOutput = () => {
      process.stdout.write = writes[0];
      process.stderr.write = writes[1];
    };
    alpha = await startSite('alpha', { nodes: 2 });
    beta = await startSite('beta', { nodes: 1, gpus: 1 });
    sites.push(alpha, beta);
    nc = await natsConnection();
    events = nc.subscribe(`${prefix}.events.sites`);
    void (async () => {
      for await (const message of events) seenEvents.push(message.json());
    })();
    ({ app, url } = await startInProcess({
      prefix,
      influxUrl: `${INFLUX_BASE}/${database}`,
      extra: {
        POLIS_KUBECONFIG_KEY: randomKey(),
        SITE_MONITOR_INTERVAL_MS: '250',
        SITE_PROBE_TIMEOUT_MS: '1000',
        KUBE_REQUEST_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'debug',
      },
    }));
  });

  afterAll(async () => {
    restoreOutput?.();
    await app?.close();
    events?.unsubscribe();
    if (nc) {
      await removeNatsState(nc, prefix);
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(`KV_${prefix}_sites`).catch(() => false);
      await nc.close();
    }
    await Promise.all(sites.map((site) => site.stop()));
    await fetch(`${INFLUX_BASE}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `DROP DATABASE "${database}"` }),
    }).catch(() => undefined);
  });

  it('registers a site after reaching it, and shows health and capacity but never the kubeconfig', async () => {
    const created = await api('POST', '/sites', body('alpha', alpha.kubeconfig()));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: 'alpha',
      kind: 'traffic',
      zone: 'north',
      revision: expect.any(Number),
    });
    expect(created.json).not.toHaveProperty('kubeconfig');
    expect(created.json.warnings).toEqual([]);
    expect(created.text).not.toContain(alpha.token);

    const shown = await eventually('alpha ready', async () => {
      const site = await api('GET', '/sites/alpha');
      return site.json.status.state === 'ready' && site;
    });
    expect(shown.json.status).toMatchObject({
      nodes: { total: 2, ready: 2 },
      kubernetesVersion: expect.stringContaining('polis-kube-emulator'),
      capacity: { allocatable: { cpuMillicores: 8000, memoryBytes: 16 * 2 ** 30 } },
    });
    expect(shown.json.status.inventory).toHaveLength(2);
    const listed = await api('GET', '/sites');
    expect(listed.json.items.map((s: { id: string }) => s.id)).toEqual(['alpha']);
    expect(listed.text).not.toContain(alpha.token);
    expect(listed.text).not.toContain('certificate-authority-data');
  });

  it('stores the kubeconfig encrypted: the bucket holds no token and no CA in clear', async () => {
    const kv = await nc.jetstream().views.kv(`${prefix}_sites`);
    const entry = await kv.get('alpha');
    const stored = entry?.string() ?? '';
    expect(JSON.parse(stored)).toMatchObject({ id: 'alpha', kubeconfig: expect.stringMatching(/^v1\./) });
    expect(stored).not.toContain(alpha.token);
    expect(stored).not.toContain(Buffer.from(alpha.caPem).toString('base64').slice(0, 40));
    expect(stored).not.toContain('current-context');
  });

  it('reports accelerators and taints of GPU nodes', async () => {
    expect((await api('POST', '/sites', body('beta', beta.kubeconfig(), { kind: 'safety' }))).status).toBe(
      201,
    );
    const site = await eventually('beta ready', async () => {
      const s = await api('GET', '/sites/beta');
      return s.json.status.state === 'ready' && s.json;
    });
    expect(site.status.capacity.allocatable.accelerators).toEqual({ 'nvidia.com/gpu': 1 });
    expect(site.status.inventory[0].taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
  });

  it('refuses registrations it cannot use, naming the problem (400)', async () => {
    const noContext = alpha.kubeconfig().replace(/current-context:.*\n/, '');
    const cases = [
      { kubeconfig: noContext, problem: 'kubeconfig-invalid', message: /no current-context/ },
      {
        kubeconfig: 'clusters: [unclosed',
        problem: 'kubeconfig-invalid',
        message: /not valid YAML at line 1/,
      },
      {
        kubeconfig: kubeconfigWithToken(alpha, 'stolen-or-expired'),
        problem: 'credentials-rejected',
        message: /credentials rejected \(401\)/,
      },
      { kubeconfig: kubeconfigAt(alpha, 1), problem: 'unreachable', message: /unreachable/ },
    ];
    for (const [index, c] of cases.entries()) {
      const refused = await api('POST', '/sites', body(`refused-${index}`, c.kubeconfig));
      expect({ status: refused.status, problem: refused.json.details?.problem }).toEqual({
        status: 400,
        problem: c.problem,
      });
      expect(refused.json.message).toMatch(c.message);
      expect(refused.text).not.toContain('stolen-or-expired');
    }
    const invalid = await api('POST', '/sites', {
      ...body('Bad_Id', alpha.kubeconfig()),
      coordinates: { lat: 91, lon: 0 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/id: .*coordinates.lat/s);
    expect((await api('POST', '/sites', body('alpha', alpha.kubeconfig()))).status).toBe(409);
    expect((await api('GET', '/sites')).json.items.map((s: { id: string }) => s.id)).toEqual([
      'alpha',
      'beta',
    ]);
  });

  it('updates with optimistic concurrency: If-Match required, a stale revision is refused (409)', async () => {
    const current = (await api('GET', '/sites/alpha')).json;
    expect((await api('PATCH', '/sites/alpha', { name: 'No revision' })).status).toBe(400);
    const patched = await api(
      'PATCH',
      '/sites/alpha',
      { name: 'North ring', labels: { tier: 'a' } },
      { 'if-match': `"${current.revision}"` },
    );
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: 'North ring', labels: { tier: 'a' }, kind: 'traffic' });
    expect(patched.json.warnings).toEqual([]);
    expect(patched.json.revision).toBeGreaterThan(current.revision);
    const stale = await api(
      'PATCH',
      '/sites/alpha',
      { name: 'Lost update' },
      { 'if-match': `"${current.revision}"` },
    );
    expect(stale.status).toBe(409);
    const { name, kind, coordinates, zone, labels } = patched.json;
    const description = { name, kind, coordinates, zone, labels };
    const replaced = await api(
      'PUT',
      '/sites/alpha',
      { ...description, zone: 'centre' },
      { 'if-match': String(patched.json.revision) },
    );
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ zone: 'centre', name: 'North ring' });
    // alpha's nodes say "north": checked against the last inventory, as the kubeconfig was kept.
    expect(replaced.json.warnings).toEqual([
      expect.objectContaining({ code: 'zone-mismatch', message: expect.stringContaining('alpha-node-01') }),
    ]);
    const badKubeconfig = await api(
      'PATCH',
      '/sites/alpha',
      { kubeconfig: kubeconfigWithToken(alpha, 'nope') },
      { 'if-match': String(replaced.json.revision) },
    );
    expect(badKubeconfig.status).toBe(400);
    expect((await api('GET', '/sites/alpha')).json.revision).toBe(replaced.json.revision);
  });

  it('warns, in the answer and in the log, when the nodes of a cluster say another zone', async () => {
    const delta = await startSite('delta', { nodes: 2, zone: 'south' });
    sites.push(delta);
    const created = await api('POST', '/sites', body('delta', delta.kubeconfig()));
    expect(created.status).toBe(201);
    expect(created.json.warnings).toEqual([
      {
        code: 'zone-mismatch',
        message:
          'site "delta" is registered in zone "north", but 2 of 2 nodes of its cluster are labelled with another ' +
          'zone: delta-node-01 (polis.city/zone=south), delta-node-02 (polis.city/zone=south)',
        nodes: [
          { name: 'delta-node-01', label: 'polis.city/zone', zone: 'south' },
          { name: 'delta-node-02', label: 'polis.city/zone', zone: 'south' },
        ],
      },
    ]);
    expect(output.join('')).toMatch(/site-zone-mismatch[^\n]*delta|delta[^\n]*site-zone-mismatch/);
    const fixed = await api(
      'PATCH',
      '/sites/delta',
      { zone: 'south', kubeconfig: delta.kubeconfig() },
      {
        'if-match': String(created.json.revision),
      },
    );
    expect([fixed.status, fixed.json.warnings]).toEqual([200, []]);
    expect((await api('DELETE', '/sites/delta')).status).toBe(204);
  });

  it('shows an unreachable site and a revoked token on their own site only', async () => {
    const gamma = await startSite('gamma', { nodes: 1 });
    sites.push(gamma);
    expect((await api('POST', '/sites', body('gamma', gamma.kubeconfig()))).status).toBe(201);
    await beta.stop();
    // gamma comes back on the same port with a new token: the stored one is now rejected.
    await gamma.stop();
    const gammaAgain = new KubeEmulator({
      name: 'gamma',
      port: gamma.port,
      tls: sharedTls,
      token: 'rotated',
      nodes: { count: 1 },
    });
    await gammaAgain.start();
    sites.push(gammaAgain);
    const all = await eventually('per-site states', async () => {
      const items = (await api('GET', '/sites')).json.items as {
        id: string;
        status: { state: string; reason?: string };
      }[];
      const state = Object.fromEntries(items.map((s) => [s.id, s.status]));
      return state.beta?.state === 'unreachable' && state.gamma?.state === 'credentials-rejected' && state;
    });
    expect(all.alpha.state).toBe('ready');
    expect(all.beta.reason).toMatch(/^unreachable: /);
    expect(all.gamma.reason).toBe('credentials rejected (401)');
    // The last known inventory stays visible, dated by lastSeenAt.
    expect((await api('GET', '/sites/beta')).json.status).toMatchObject({
      nodes: { total: 1 },
      lastSeenAt: expect.any(String),
    });
    await beta.start();
    await eventually(
      'beta back',
      async () => (await api('GET', '/sites/beta')).json.status.state === 'ready',
    );
  });

  it('deletes a site, and emits registered, updated, status and removed events', async () => {
    const current = (await api('GET', '/sites/gamma')).json;
    expect(
      (await api('DELETE', '/sites/gamma', undefined, { 'if-match': `"${current.revision + 5}"` })).status,
    ).toBe(409);
    expect((await api('DELETE', '/sites/gamma')).status).toBe(204);
    expect((await api('GET', '/sites/gamma')).status).toBe(404);
    await eventually('events', () => seenEvents.some((e) => e.type === 'removed' && e.siteId === 'gamma'));
    const kinds = new Set(seenEvents.map((e) => `${e.type}:${e.siteId}`));
    for (const expected of [
      'registered:alpha',
      'updated:alpha',
      'status:alpha',
      'status:beta',
      'removed:gamma',
    ])
      expect(kinds).toContain(expected);
    expect(seenEvents.some((e) => e.siteId === 'beta' && e.state === 'unreachable')).toBe(true);
  });

  it('never wrote a token or kubeconfig to the log', () => {
    const log = output.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [
      alpha.token,
      beta.token,
      'stolen-or-expired',
      'rotated',
      'client-key-data',
      'certificate-authority-data',
    ])
      expect(log).not.toContain(secret);
  });
});
