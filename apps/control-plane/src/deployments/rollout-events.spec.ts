import type { RolloutPolicy } from './deployment.schema';
import { advanceRollout, newRollout, rollBack, startRollout, type RolloutState } from './rollout';
import { rolloutEvents } from './rollout-events';

const SITES = ['a', 'b'];
const POLICY: RolloutPolicy = {
  strategy: 'rolling',
  analysisMs: 0,
  maxErrorRate: 0.05,
  minInferences: 20,
  failFast: true,
};
const step = (state: RolloutState, now: number) =>
  advanceRollout(
    state,
    POLICY,
    { targets: SITES, now, isReady: (site) => state.updated.includes(site) },
    { progressDeadlineMs: 10_000 },
  );

describe(rolloutEvents.name, () => {
  it('announces a new rollout, each site switched, and the phase it leaves', () => {
    const settled = newRollout('1.0.0', 0);
    const started = startRollout(settled, '2.0.0', POLICY, { targets: SITES, now: 1 });
    expect(rolloutEvents('d', settled, started)).toEqual([
      { type: 'rollout', deploymentId: 'd', phase: 'rolling', fromVersion: '1.0.0', toVersion: '2.0.0' },
    ]);
    const first = step(started, 2);
    expect(rolloutEvents('d', started, first)).toEqual([
      { type: 'rollout-step', deploymentId: 'd', siteIds: ['a'], fromVersion: '1.0.0', toVersion: '2.0.0' },
    ]);
    const done = step(step(first, 3), 4);
    expect(done.phase).toBe('complete');
    expect(rolloutEvents('d', step(first, 3), done)).toEqual([
      expect.objectContaining({ type: 'rollout', phase: 'complete', previousPhase: 'rolling' }),
    ]);
  });

  it('a rollback carries its cause; a new deployment makes no step', () => {
    const rolling = step(
      startRollout(newRollout('1.0.0', 0), '2.0.0', POLICY, { targets: SITES, now: 0 }),
      1,
    );
    expect(rolloutEvents('d', rolling, rollBack(rolling, 'by hand'))).toEqual([
      expect.objectContaining({ phase: 'rolled-back', previousPhase: 'rolling', cause: 'operator' }),
    ]);
    expect(rolloutEvents('d', undefined, newRollout('1.0.0', 0)).map((e) => e.type)).toEqual(['rollout']);
  });
});
