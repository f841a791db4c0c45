import type { UnplacedRequest } from '@polis/placement';
import { newRollout, type RolloutState } from './rollout';
import { deriveStatus, type StatusInput, type WorkloadObservation } from './status';

function observed(
  targetSiteId: string,
  siteId: string,
  overrides: Partial<Omit<WorkloadObservation, 'intent'>> & { replicas?: number; draining?: boolean } = {},
): WorkloadObservation {
  const { replicas = 1, draining, ...rest } = overrides;
  return {
    intent: { deploymentId: 'd', targetSiteId, siteId, replicas, version: '1.0.0', draining },
    exists: true,
    ready: true,
    readyReplicas: replicas,
    ...rest,
  };
}

function unplaced(targetSiteId: string | null, reason: string, replicas = [0]): UnplacedRequest {
  return { deploymentId: 'd', targetSiteId, replicas, code: 'insufficient-resources', reason };
}

const input = (overrides: Partial<StatusInput>): StatusInput => ({
  replicasPerSite: 1,
  targets: ['a', 'b'],
  workloads: [observed('a', 'a'), observed('b', 'b')],
  unplaced: [],
  ...overrides,
});

describe('deriveStatus', () => {
  it('is Ready when every target runs all its replicas at home, Ready', () => {
    const status = deriveStatus(input({}));
    expect(status.state).toBe('Ready');
    expect(status.sites.map((s) => s.state)).toEqual(['Ready', 'Ready']);
    expect(status.sites[0].replicas).toEqual({
      desired: 1,
      placed: 1,
      ready: 1,
      unknown: 0,
      offloaded: 0,
      unplaced: 0,
    });
  });

  it('is Pending until something was applied, Progressing while replicas come up', () => {
    const pending = deriveStatus(
      input({
        workloads: [observed('a', 'a', { exists: false, ready: false, readyReplicas: 0 })],
        targets: ['a'],
      }),
    );
    expect(pending).toMatchObject({
      state: 'Pending',
      sites: [{ state: 'Pending', reason: '0 of 1 replicas Ready' }],
    });
    const progressing = deriveStatus(
      input({ workloads: [observed('a', 'a', { ready: false, readyReplicas: 0 }), observed('b', 'b')] }),
    );
    expect(progressing.state).toBe('Progressing');
    expect(progressing.reason).toBe('a: 0 of 1 replicas Ready');
  });

  it('is Offloaded when a site is served from central, with why', () => {
    const status = deriveStatus(
      input({
        workloads: [observed('a', 'central', { offloadReason: 'site a is unreachable' }), observed('b', 'b')],
      }),
    );
    expect(status.state).toBe('Offloaded');
    expect(status.sites[0]).toMatchObject({
      state: 'Offloaded',
      reason: 'site a is unreachable',
      replicas: { offloaded: 1 },
      runningOn: [{ siteId: 'central', offloaded: true, draining: false }],
    });
  });

  it('ignores draining copies for the state, but lists them', () => {
    const status = deriveStatus(
      input({
        workloads: [observed('a', 'a'), observed('a', 'central', { draining: true }), observed('b', 'b')],
      }),
    );
    expect(status.state).toBe('Ready');
    expect(status.sites[0].runningOn.map((r) => [r.siteId, r.draining])).toEqual([
      ['a', false],
      ['central', true],
    ]);
  });

  it('is Degraded when a site lacks replicas or failed, Failed when every site failed', () => {
    const short = deriveStatus(
      input({
        replicasPerSite: 2,
        unplaced: [unplaced('a', 'no room at a', [1])],
        workloads: [observed('a', 'a'), observed('b', 'b')],
      }),
    );
    expect(short.state).toBe('Degraded');
    expect(short.reason).toBe('a: 1 of 2 replicas not placed: no room at a');
    const oneFailed = deriveStatus(
      input({ workloads: [observed('b', 'b')], unplaced: [unplaced('a', 'site a is unreachable')] }),
    );
    expect(oneFailed).toMatchObject({ state: 'Degraded', reason: 'a: site a is unreachable' });
    const allFailed = deriveStatus(
      input({ workloads: [], unplaced: [unplaced('a', 'x'), unplaced('b', 'y')] }),
    );
    expect(allFailed).toMatchObject({ state: 'Failed', reason: 'a: x' });
    const renderFailure = deriveStatus(
      input({ workloads: [observed('a', 'a', { error: 'bad manifest' }), observed('b', 'b')] }),
    );
    expect(renderFailure.sites[0]).toMatchObject({ state: 'Failed', reason: 'bad manifest' });
  });

  it('is Failed when no site matches, or the deployment cannot be planned', () => {
    expect(
      deriveStatus(
        input({
          targets: [],
          workloads: [],
          unplaced: [unplaced(null, 'no site matches the targets of d (kind energy)')],
        }),
      ),
    ).toMatchObject({
      state: 'Failed',
      reason: 'no site matches the targets of d (kind energy)',
    });
    expect(deriveStatus(input({ blocked: 'model m@1 is not in the registry' }))).toMatchObject({
      state: 'Failed',
      reason: 'model m@1 is not in the registry',
    });
  });

  it('reflects the rollout: Progressing while it runs, Degraded once rolled back or stopped', () => {
    const rollout = (phase: RolloutState['phase'], reason?: string): RolloutState => ({
      ...newRollout('2.0.0', 0),
      fromVersion: '1.0.0',
      phase,
      canarySites: ['a'],
      reason,
    });
    expect(deriveStatus(input({ rollout: rollout('canary') }))).toMatchObject({
      state: 'Progressing',
      reason: 'canary of 2.0.0 on a',
    });
    expect(deriveStatus(input({ rollout: rollout('rolled-back', 'error rate 60%') }))).toMatchObject({
      state: 'Degraded',
      reason: 'rollout to 2.0.0 rolled back to 1.0.0: error rate 60%',
    });
    expect(deriveStatus(input({ rollout: rollout('complete') })).state).toBe('Ready');
  });

  describe('sites in trouble', () => {
    const since = Date.parse('2026-12-01T19:20:03.000Z');
    const trouble503 = { reason: 'API answers 503 since 19:20:03Z', since, lost: false };

    it('never calls Ready what runs on a site it cannot observe: Unknown, with what was seen and since when', () => {
      const status = deriveStatus(
        input({
          workloads: [observed('a', 'a', { unobserved: trouble503 }), observed('b', 'b')],
          troubledSites: new Map([['a', trouble503]]),
        }),
      );
      expect(status.state).toBe('Unknown');
      expect(status.reason).toBe('a: a cannot be observed: API answers 503 since 19:20:03Z');
      expect(status.sites[0]).toMatchObject({
        state: 'Unknown',
        since: '2026-12-01T19:20:03.000Z',
        replicas: { placed: 1, ready: 0, unknown: 1 },
        runningOn: [{ siteId: 'a', readyReplicas: null, observed: false }],
      });
      expect(status.sites[1].state).toBe('Ready');
    });

    it('says why replicas on a reachable site with no Ready node are not Ready', () => {
      const notReady = { reason: '1 of 1 nodes NotReady since 19:20:03Z', since, lost: false };
      const status = deriveStatus(
        input({
          workloads: [observed('a', 'a', { ready: false, readyReplicas: 0 }), observed('b', 'b')],
          troubledSites: new Map([['a', notReady]]),
        }),
      );
      expect(status.sites[0]).toMatchObject({
        state: 'Progressing',
        reason: '0 of 1 replicas Ready; a: 1 of 1 nodes NotReady since 19:20:03Z',
        since: '2026-12-01T19:20:03.000Z',
      });
    });

    it('says what was seen at a lost site whose replicas cannot move (edge-only), not only that it is gone', () => {
      const lost = { ...trouble503, lost: true };
      const status = deriveStatus(
        input({
          workloads: [observed('b', 'b')],
          unplaced: [unplaced('a', 'site a is unreachable')],
          troubledSites: new Map([['a', lost]]),
        }),
      );
      expect(status.sites[0]).toMatchObject({
        state: 'Failed',
        reason: 'a lost (API answers 503 since 19:20:03Z)',
        since: '2026-12-01T19:20:03.000Z',
      });
    });

    it('names what was seen at a lost site once its replicas are served from central, not a guess', () => {
      const lost = { ...trouble503, lost: true };
      const status = deriveStatus(
        input({
          workloads: [
            observed('a', 'central', { offloadReason: 'site a is unreachable' }),
            observed('b', 'b'),
          ],
          troubledSites: new Map([['a', lost]]),
        }),
      );
      expect(status.state).toBe('Offloaded');
      expect(status.sites[0]).toMatchObject({
        state: 'Offloaded',
        reason: 'a lost (API answers 503 since 19:20:03Z): served from central',
        runningOn: [{ siteId: 'central', observed: true, readyReplicas: 1 }],
      });
    });
  });
});
