import { KubeconfigError, KubeRequestError, type NodeInventory } from '@polis/kube';
import {
  describeFailure,
  failedStatus,
  PENDING_STATUS,
  reachableStatus,
  longestBackoffMs,
  overdueStatus,
  statusChanged,
  symptomOf,
} from './site-status';
import { CipherError } from './kubeconfig-cipher';
import { registerSiteSchema } from './site.schema';

function node(name: string, ready: boolean): NodeInventory {
  const amounts = { cpuMillicores: 1000, memoryBytes: 1024, pods: 10, accelerators: {} };
  return {
    name,
    ready,
    schedulable: true,
    architecture: 'amd64',
    labels: {},
    taints: [],
    allocatable: amounts,
    requested: { ...amounts, pods: 1 },
  };
}

const now = new Date('2025-01-01T00:00:00Z');

describe(describeFailure.name, () => {
  it.each([
    [
      new KubeconfigError('missing-current-context', 'kubeconfig has no current-context'),
      'kubeconfig-invalid',
      'kubeconfig has no current-context',
    ],
    [
      new KubeRequestError('unauthorized', 'credentials rejected (401)'),
      'credentials-rejected',
      'credentials rejected (401)',
    ],
    [
      new KubeRequestError('unreachable', 'cannot reach the cluster: connect ECONNREFUSED'),
      'unreachable',
      'unreachable: cannot reach the cluster: connect ECONNREFUSED',
    ],
    [
      new KubeRequestError('timeout', 'no answer within 1000 ms'),
      'unreachable',
      'unreachable: no answer within 1000 ms',
    ],
    [
      new KubeRequestError('tls', 'TLS verification failed: self-signed certificate'),
      'tls',
      'TLS verification failed: self-signed certificate',
    ],
  ])('%#', (error, problem, reason) => {
    expect(describeFailure(error)).toEqual({ problem, reason });
  });
});

describe(symptomOf.name, () => {
  it.each([
    [
      new KubeRequestError('server-error', 'ServiceUnavailable (503)', { status: 503 }),
      { kind: 'http', status: 503 },
    ],
    [
      new KubeRequestError('unauthorized', 'credentials rejected (401)', { status: 401 }),
      { kind: 'http', status: 401 },
    ],
    [new KubeRequestError('forbidden', 'Forbidden (403)'), { kind: 'http', status: 403 }],
    [
      new KubeRequestError('unreachable', 'cannot reach the cluster: connect ECONNREFUSED 127.0.0.1:9'),
      { kind: 'refused' },
    ],
    [
      new KubeRequestError('unreachable', 'cannot reach the cluster: read ECONNRESET'),
      { kind: 'network', detail: 'cannot reach the cluster: read ECONNRESET' },
    ],
    [
      new KubeRequestError('timeout', 'no answer within 1000 ms'),
      { kind: 'timeout', detail: 'no answer within 1000 ms' },
    ],
    [
      new KubeRequestError('tls', 'TLS verification failed: x'),
      { kind: 'tls', detail: 'TLS verification failed: x' },
    ],
    [
      new CipherError('the key does not decrypt it'),
      { kind: 'kubeconfig', detail: 'the key does not decrypt it' },
    ],
  ])('%#: %s', (error, symptom) => {
    expect(symptomOf(error)).toEqual(symptom);
  });

  it('is kept on the status after a failed check, and gone after a good one', () => {
    const down = failedStatus(
      PENDING_STATUS,
      new KubeRequestError('server-error', 'x', { status: 503 }),
      now,
    );
    expect(down.symptom).toEqual({ kind: 'http', status: 503 });
    expect(reachableStatus([node('a', true)], 'v1.32', now).symptom).toBeUndefined();
  });
});

describe(overdueStatus.name, () => {
  const started = now.getTime();
  const good = reachableStatus([node('a', true)], 'v1.32', now);

  it('waits out the longest backoff of the default retries', () => {
    expect(longestBackoffMs()).toBe(100 + 200 + 400 + 800 + 1_600);
  });

  it('keeps the last result while a check may still end without a timeout (refused, 5xx retries)', () => {
    expect(overdueStatus(good, started, started + 5_099, 1_000)).toBe(good);
  });

  it('reads as not answering once a check has outlived two deadlines and every backoff, dated from then', () => {
    const overdue = overdueStatus(good, started, started + 5_500, 1_000);
    expect(overdue).toMatchObject({
      state: 'unreachable',
      symptom: { kind: 'timeout', detail: 'no answer to a check within 5100 ms' },
      checkedAt: new Date(started + 5_100).toISOString(),
      inventory: good.inventory,
    });
  });

  it('leaves a site never checked pending', () => {
    expect(overdueStatus(PENDING_STATUS, started, started + 60_000, 1_000)).toBe(PENDING_STATUS);
  });
});

describe('site status', () => {
  it('is ready when every node is Ready, degraded otherwise, naming the nodes', () => {
    expect(reachableStatus([node('a', true), node('b', true)], 'v1.32', now)).toMatchObject({
      state: 'ready',
      nodes: { total: 2, ready: 2 },
    });
    const degraded = reachableStatus([node('a', true), node('b', false)], 'v1.32', now);
    expect(degraded).toMatchObject({
      state: 'degraded',
      reason: '1 of 2 nodes NotReady: b',
      nodes: { total: 2, ready: 1 },
    });
    expect(degraded.capacity?.requested.pods).toBe(2);
    expect(reachableStatus([], 'v1.32', now)).toMatchObject({
      state: 'degraded',
      reason: 'the cluster has no nodes',
    });
  });

  it('keeps the last inventory when a check fails, and says why', () => {
    const ready = reachableStatus([node('a', true)], 'v1.32', now);
    const later = new Date('2025-01-01T00:01:00Z');
    const failed = failedStatus(ready, new KubeRequestError('unreachable', 'connect ECONNREFUSED'), later);
    expect(failed).toMatchObject({
      state: 'unreachable',
      reason: 'unreachable: connect ECONNREFUSED',
      lastSeenAt: now.toISOString(),
      checkedAt: later.toISOString(),
    });
    expect(failed.inventory).toHaveLength(1);
    expect(failedStatus(PENDING_STATUS, new KubeRequestError('unauthorized', 'x'), later).state).toBe(
      'credentials-rejected',
    );
  });

  it('counts a change of state, reason or node counts as an event, not a re-check', () => {
    const a = reachableStatus([node('a', true)], 'v1.32', now);
    expect(statusChanged(a, reachableStatus([node('a', true)], 'v1.32', new Date()))).toBe(false);
    expect(statusChanged(a, reachableStatus([node('a', false)], 'v1.32', now))).toBe(true);
  });
});

describe('registration body', () => {
  const valid = {
    id: 'north-3',
    name: 'North 3',
    kind: 'traffic',
    coordinates: { lat: 45, lon: 7 },
    zone: 'north',
    kubeconfig: 'x',
  };

  it('accepts the documented body and defaults labels', () => {
    expect(registerSiteSchema.parse(valid).labels).toEqual({});
  });

  it.each([
    [{ id: 'North_3' }, 'id'],
    [{ kind: 'harbour' }, 'kind'],
    [{ coordinates: { lat: 95, lon: 7 } }, 'coordinates.lat'],
    [{ zone: 'not a label' }, 'zone'],
    [{ labels: { 'bad key!': 'x' } }, 'labels'],
    [{ kubeconfig: '' }, 'kubeconfig'],
    [{ extra: true }, ''],
  ])('refuses %j', (change, path) => {
    const result = registerSiteSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths.some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
  });
});
