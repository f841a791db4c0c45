import { assessHeartbeats, heartbeatSchema, owningDeploymentId, type Heartbeat } from './heartbeat';

function beat(
  overrides: { instance?: string; inferences?: number; errors?: number; p99?: number; siteId?: string } = {},
): Heartbeat {
  return {
    ts: 0,
    instance: overrides.instance ?? 'r0',
    deploymentId: 'd',
    siteId: overrides.siteId ?? 'a',
    model: { name: 'm', version: '2.0.0' },
    throughput: { inferences: overrides.inferences ?? 100 },
    errors: { inference: overrides.errors ?? 0, lateReading: 0 },
    latencyMs: { p99: overrides.p99 ?? 5 },
  };
}

const LIMITS = { maxErrorRate: 0.05, minInferences: 20, latencySloMs: 50 };

describe(assessHeartbeats.name, () => {
  it('passes healthy heartbeats, and judges nothing below the minimum number of readings', () => {
    expect(assessHeartbeats([beat(), beat()], LIMITS)).toBeUndefined();
    expect(assessHeartbeats([beat({ inferences: 5, errors: 10 })], LIMITS)).toBeUndefined();
  });

  it('breaches when failures over all readings exceed the error budget, counting every kind of error', () => {
    const reason = assessHeartbeats(
      [beat({ inferences: 90, errors: 4 }), beat({ inferences: 90, errors: 16 })],
      LIMITS,
    );
    expect(reason).toEqual({ siteId: 'a', reason: 'error rate 10.0% over 200 readings exceeds 5.0% at a' });
    expect(assessHeartbeats([beat({ inferences: 96, errors: 4 })], LIMITS)).toBeUndefined();
  });

  it('judges each site on its own runners: healthy sites do not dilute a failing one', () => {
    const healthy = Array.from({ length: 20 }, () => beat({ siteId: 'a', inferences: 100 }));
    const failing = beat({ siteId: 'b', inferences: 0, errors: 30 });
    expect(assessHeartbeats([...healthy, failing], LIMITS)).toEqual({
      siteId: 'b',
      reason: 'error rate 100.0% over 30 readings exceeds 5.0% at b',
    });
  });

  it('breaches on p99 over the SLO only for two intervals in a row of the same runner', () => {
    expect(
      assessHeartbeats([beat({ p99: 80 }), beat({ p99: 10 }), beat({ p99: 80 })], LIMITS),
    ).toBeUndefined();
    expect(
      assessHeartbeats([beat({ p99: 80, instance: 'r0' }), beat({ p99: 80, instance: 'r1' })], LIMITS),
    ).toBeUndefined();
    expect(assessHeartbeats([beat({ p99: 80 }), beat({ p99: 81 })], LIMITS)).toEqual({
      siteId: 'a',
      reason: 'p99 latency 81.0 ms on a exceeds the 50 ms SLO',
    });
    expect(
      assessHeartbeats([beat({ p99: 80 }), beat({ p99: 81 })], { ...LIMITS, latencySloMs: undefined }),
    ).toBeUndefined();
  });
});

describe('heartbeat contract', () => {
  it('accepts what the runtime sends (extra fields included) and refuses a heartbeat without counts', () => {
    const sent = {
      ...beat(),
      node: 'n1',
      ready: true,
      totals: { inferences: 1 },
      latencyMs: { p50: 1, p99: 2 },
    };
    expect(heartbeatSchema.safeParse(sent).success).toBe(true);
    const withoutCounts: Partial<typeof sent> = { ...sent };
    delete withoutCounts.throughput;
    expect(heartbeatSchema.safeParse(withoutCounts).success).toBe(false);
  });

  it('maps a central copy back to its deployment', () => {
    expect(owningDeploymentId('flow--traffic-3')).toBe('flow');
    expect(owningDeploymentId('flow')).toBe('flow');
  });
});
