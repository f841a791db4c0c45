import fc from 'fast-check';
import type { RolloutPolicy } from './deployment.schema';
import {
  advanceRollout,
  chooseCanarySites,
  newRollout,
  pauseRollout,
  resumeRollout,
  rollbackHistoryEntry,
  rollBack,
  RolloutCommandError,
  startRollout,
  type SloBreach,
  versionFor,
  type RolloutState,
} from './rollout';

const SITES = ['a', 'b', 'c', 'd'];
const LIMITS = { progressDeadlineMs: 10_000 };
const SLO = { maxErrorRate: 0.05, minInferences: 20 };
/** Sites move on as soon as they are Ready: the analysis period is tested on its own below. */
const ROLLING: RolloutPolicy = { strategy: 'rolling', analysisMs: 0, failFast: true, ...SLO };
const ANALYSED: RolloutPolicy = { strategy: 'rolling', analysisMs: 3_000, failFast: true, ...SLO };
const CANARY: RolloutPolicy = {
  strategy: 'canary',
  canaryPercent: 25,
  analysisMs: 5_000,
  maxErrorRate: 0.05,
  minInferences: 20,
  failFast: true,
};

/** Runs steps with every site switched so far Ready (unless listed in `notReady`). */
function step(
  state: RolloutState,
  policy: RolloutPolicy,
  now: number,
  options: { notReady?: string[]; breach?: SloBreach } = {},
): RolloutState {
  return advanceRollout(
    state,
    policy,
    {
      targets: SITES,
      now,
      breach: options.breach,
      isReady: (site) => state.updated.includes(site) && !(options.notReady ?? []).includes(site),
    },
    LIMITS,
  );
}

const versions = (state: RolloutState) => SITES.map((site) => versionFor(state, site));

describe('starting a rollout', () => {
  it('a new deployment has nothing to roll from: every site runs its version at once', () => {
    const state = startRollout(undefined, '1.0.0', CANARY, { targets: SITES, now: 0 });
    expect(state.phase).toBe('complete');
    expect(versions(state)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
  });

  it('a version change starts from the settled version; the same version again changes nothing', () => {
    const settled = newRollout('1.0.0', 0);
    const rolling = startRollout(settled, '2.0.0', ROLLING, { targets: SITES, now: 1 });
    expect(rolling).toMatchObject({
      phase: 'rolling',
      fromVersion: '1.0.0',
      toVersion: '2.0.0',
      updated: [],
    });
    expect(versions(rolling)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    expect(startRollout(rolling, '2.0.0', ROLLING, { targets: SITES, now: 2 })).toBe(rolling);
  });

  it('a change in the middle of a rollout restarts from the settled version, never from a half-rolled one', () => {
    const halfway = {
      ...startRollout(newRollout('1.0.0', 0), '2.0.0', ROLLING, { targets: SITES, now: 0 }),
      updated: ['a'],
    };
    const next = startRollout(halfway, '3.0.0', ROLLING, { targets: SITES, now: 5 });
    expect(next).toMatchObject({ fromVersion: '1.0.0', toVersion: '3.0.0', updated: [] });
    const back = startRollout(halfway, '1.0.0', ROLLING, { targets: SITES, now: 5 });
    expect(back).toMatchObject({ phase: 'complete', fromVersion: null, toVersion: '1.0.0' });
  });

  it('chooses at least one canary site, the first ones by id, never more than there are', () => {
    expect(chooseCanarySites(['c', 'a', 'b'], 10)).toEqual(['a']);
    expect(chooseCanarySites(['c', 'a', 'b', 'd'], 50)).toEqual(['a', 'b']);
    expect(chooseCanarySites(['a', 'b'], 100)).toEqual(['a', 'b']);
    expect(chooseCanarySites([], 50)).toEqual([]);
  });
});

describe('rolling per site', () => {
  const start = () => startRollout(newRollout('1.0.0', 0), '2.0.0', ROLLING, { targets: SITES, now: 0 });

  it('switches one site at a time, each once the previous one is Ready, then completes', () => {
    let state = start();
    state = step(state, ROLLING, 1);
    expect(state.updated).toEqual(['a']);
    expect(versions(state)).toEqual(['2.0.0', '1.0.0', '1.0.0', '1.0.0']);
    // a not Ready yet: nothing more moves.
    expect(step(state, ROLLING, 2, { notReady: ['a'] })).toBe(state);
    for (let now = 3; state.phase === 'rolling'; now++) state = step(state, ROLLING, now);
    expect(state.phase).toBe('complete');
    expect(state.updated).toEqual(SITES);
    expect(versions(state)).toEqual(['2.0.0', '2.0.0', '2.0.0', '2.0.0']);
  });

  it('with failFast, stops at the first site that misses its deadline and leaves the rest alone', () => {
    let state = step(step(start(), ROLLING, 0), ROLLING, 1); // a done, b switched at 1
    expect(state.updated).toEqual(['a', 'b']);
    state = step(state, ROLLING, 1 + LIMITS.progressDeadlineMs, { notReady: ['b'] });
    expect(state.phase).toBe('failed');
    expect(state.reason).toBe('site b not Ready on 2.0.0 within 10 s');
    expect(versions(state)).toEqual(['2.0.0', '2.0.0', '1.0.0', '1.0.0']);
    // Resuming retries from b, with a fresh deadline.
    const resumed = resumeRollout(state, 50_000);
    expect(resumed).toMatchObject({ phase: 'rolling', updated: ['a', 'b'] });
    expect(step(resumed, ROLLING, 50_001, { notReady: ['b'] }).phase).toBe('rolling');
  });

  it('without failFast, goes on past a site that misses its deadline and records it', () => {
    const lenient: RolloutPolicy = { ...ROLLING, failFast: false };
    let state = step(
      startRollout(newRollout('1.0.0', 0), '2.0.0', lenient, { targets: SITES, now: 0 }),
      lenient,
      0,
    );
    state = step(state, lenient, LIMITS.progressDeadlineMs, { notReady: ['a'] });
    expect(state).toMatchObject({ phase: 'rolling', failedSites: ['a'] });
    state = step(state, lenient, LIMITS.progressDeadlineMs + 1, { notReady: ['a'] });
    expect(state.updated).toEqual(['a', 'b']);
  });
});

describe('rolling with an analysis period', () => {
  const start = () => startRollout(newRollout('1.0.0', 0), '2.0.0', ANALYSED, { targets: SITES, now: 0 });

  it('moves to the next site only once the current one ran Ready for the analysis period', () => {
    let state = step(start(), ANALYSED, 0);
    expect(state.updated).toEqual(['a']);
    state = step(state, ANALYSED, 1_000); // a Ready from here
    expect(state.readySince).toEqual({ a: 1_000 });
    expect(step(state, ANALYSED, 3_999)).toBe(state);
    state = step(state, ANALYSED, 4_000);
    expect(state.updated).toEqual(['a', 'b']);
    expect(state.switchedAt.b).toBe(4_000);
  });

  it('starts the period again when the site stops being Ready during it', () => {
    let state = step(step(start(), ANALYSED, 0), ANALYSED, 1_000);
    state = step(state, ANALYSED, 2_000, { notReady: ['a'] });
    expect(state.readySince).toEqual({});
    state = step(state, ANALYSED, 2_500);
    expect(step(state, ANALYSED, 5_000).updated).toEqual(['a']);
    expect(step(state, ANALYSED, 5_500).updated).toEqual(['a', 'b']);
  });

  it('judges the last site too before completing', () => {
    let state = start();
    for (let now = 0; state.updated.length < SITES.length; now += 1_000) state = step(state, ANALYSED, now);
    const last = state;
    expect(last.phase).toBe('rolling');
    const breached = step(step(last, ANALYSED, 20_000), ANALYSED, 21_000, {
      breach: { siteId: 'd', reason: 'error rate 100.0%' },
    });
    expect(breached).toMatchObject({ phase: 'rolled-back', cause: 'slo-breach', breach: { siteId: 'd' } });
    expect(versions(breached)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
  });

  it('a breach at the first site rolls it back before any other site switched', () => {
    const state = step(step(start(), ANALYSED, 0), ANALYSED, 1_000);
    const breached = step(state, ANALYSED, 2_000, { breach: { siteId: 'a', reason: 'error rate 100.0%' } });
    expect(breached.phase).toBe('rolled-back');
    expect(breached.updated).toEqual(['a']);
    expect(versions(breached)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
  });
});

describe('rollout invariants (property)', () => {
  const policies = fc.constantFrom<RolloutPolicy>(ROLLING, ANALYSED, CANARY, {
    ...ANALYSED,
    failFast: false,
  });
  const observations = fc.array(
    fc.record({
      dt: fc.integer({ min: 0, max: 4_000 }),
      notReady: fc.subarray(SITES),
      breach: fc.option(fc.constantFrom<SloBreach>({ siteId: 'b', reason: 'bad' }), { freq: 15 }),
    }),
    { maxLength: 60 },
  );

  it('every site runs one of the two versions; a rollback puts all on the old one and stays there', () => {
    fc.assert(
      fc.property(policies, observations, (policy, steps) => {
        let state = startRollout(newRollout('1.0.0', 0), '2.0.0', policy, { targets: SITES, now: 0 });
        let now = 0;
        for (const o of steps) {
          now += o.dt;
          const before = state;
          state = step(state, policy, now, { notReady: o.notReady, breach: o.breach ?? undefined });
          for (const v of versions(state)) expect(['1.0.0', '2.0.0']).toContain(v);
          expect(new Set(state.updated).size).toBe(state.updated.length);
          if (before.phase === 'rolled-back') expect(state).toBe(before);
          if (state.phase === 'rolled-back') expect(versions(state)).toEqual(SITES.map(() => '1.0.0'));
          if (o.breach && ['canary', 'rolling'].includes(before.phase))
            expect(state.phase).toBe('rolled-back');
        }
      }),
    );
  });

  it('under the rolling strategy a site switches only after the previous one ran Ready for the whole period', () => {
    fc.assert(
      fc.property(observations, (steps) => {
        let state = startRollout(newRollout('1.0.0', 0), '2.0.0', ANALYSED, { targets: SITES, now: 0 });
        let now = 0;
        const readyFrom = new Map<string, number>();
        for (const o of steps) {
          now += o.dt;
          for (const site of SITES)
            if (o.notReady.includes(site) || !state.updated.includes(site)) readyFrom.delete(site);
            else if (!readyFrom.has(site)) readyFrom.set(site, now);
          const before = state;
          state = step(state, ANALYSED, now, { notReady: o.notReady });
          if (state.updated.length > before.updated.length) {
            const previous = before.updated.at(-1);
            if (previous !== undefined)
              expect(now - (readyFrom.get(previous) ?? now)).toBeGreaterThanOrEqual(ANALYSED.analysisMs);
          }
          if (state.phase === 'complete' && before.phase !== 'complete')
            expect(now - (readyFrom.get(SITES.at(-1)!) ?? now)).toBeGreaterThanOrEqual(ANALYSED.analysisMs);
        }
      }),
    );
  });
});

describe('canary', () => {
  const start = () => startRollout(newRollout('1.0.0', 0), '2.0.0', CANARY, { targets: SITES, now: 0 });

  it('runs the canary for the analysis period after it is Ready, then rolls the others one by one', () => {
    let state = step(start(), CANARY, 0);
    expect(state).toMatchObject({ phase: 'canary', canarySites: ['a'], updated: ['a'] });
    expect(versions(state)).toEqual(['2.0.0', '1.0.0', '1.0.0', '1.0.0']);
    state = step(state, CANARY, 1_000); // Ready from here
    expect(state.canaryReadyAt).toBe(1_000);
    expect(step(state, CANARY, 1_000 + CANARY.analysisMs - 1).phase).toBe('canary');
    state = step(state, CANARY, 1_000 + CANARY.analysisMs);
    expect(state.phase).toBe('rolling');
    state = step(state, CANARY, 7_000);
    expect(state.updated).toEqual(['a', 'b']);
  });

  it('rolls every site back on an SLO breach, whether in the canary or later', () => {
    const canary = step(start(), CANARY, 0);
    const breached = step(canary, CANARY, 10, { breach: { siteId: 'a', reason: 'error rate 60%' } });
    expect(breached).toMatchObject({
      phase: 'rolled-back',
      reason: '2.0.0 breached its SLO: error rate 60%',
      cause: 'slo-breach',
      breach: { siteId: 'a' },
    });
    expect(versions(breached)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    // Settled: further observations change nothing.
    expect(step(breached, CANARY, 20)).toBe(breached);
  });

  it('rolls back a canary that never becomes Ready (failFast)', () => {
    const canary = step(start(), CANARY, 0);
    const late = step(canary, CANARY, LIMITS.progressDeadlineMs, { notReady: ['a'] });
    expect(late.phase).toBe('rolled-back');
    expect(late.reason).toMatch(/canary site a not Ready on 2\.0\.0/);
  });
});

describe('operator commands', () => {
  const rolling = () =>
    step(startRollout(newRollout('1.0.0', 0), '2.0.0', ROLLING, { targets: SITES, now: 0 }), ROLLING, 0);

  it('pauses where it is (no step moves it) and resumes into the phase it left', () => {
    const paused = pauseRollout(rolling());
    expect(paused.phase).toBe('paused');
    expect(step(paused, ROLLING, 100)).toBe(paused);
    expect(versions(paused)).toEqual(['2.0.0', '1.0.0', '1.0.0', '1.0.0']);
    expect(resumeRollout(paused, 200).phase).toBe('rolling');
  });

  it('rolls back on request; refuses commands that make no sense in the phase', () => {
    const back = rollBack(rolling(), 'operator');
    expect(versions(back)).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
    expect(() => rollBack(back, 'again')).toThrow(RolloutCommandError);
    expect(() => pauseRollout(back)).toThrow(RolloutCommandError);
    expect(() => resumeRollout(newRollout('1.0.0', 0), 0)).toThrow(RolloutCommandError);
    expect(() => rollBack(newRollout('1.0.0', 0), 'nothing before')).toThrow(/nothing to roll back to/);
  });
});

describe(rollbackHistoryEntry.name, () => {
  const breached: RolloutState = {
    ...startRollout(newRollout('1.0.0', 0), '2.0.0', ANALYSED, { targets: SITES, now: 7 }),
    phase: 'rolled-back',
    cause: 'slo-breach',
    reason: '2.0.0 breached its SLO: bad',
    breach: { siteId: 'a', reason: 'bad' },
  };

  it('records the failed version, what runs again, why and where', () => {
    expect(rollbackHistoryEntry(breached, '2.0.0', 'now')).toEqual({
      at: 'now',
      outcome: 'rolled-back',
      version: '2.0.0',
      rolledBackTo: '1.0.0',
      cause: 'slo-breach',
      reason: '2.0.0 breached its SLO: bad',
      siteId: 'a',
      rolloutStartedAt: 7,
    });
  });

  it('has nothing to record unless rolled back while the desired state still names the failed version', () => {
    expect(rollbackHistoryEntry(breached, '1.0.0', 'now')).toBeUndefined();
    expect(rollbackHistoryEntry({ ...breached, phase: 'rolling' }, '2.0.0', 'now')).toBeUndefined();
    expect(rollbackHistoryEntry(newRollout('2.0.0', 0), '2.0.0', 'now')).toBeUndefined();
  });
});
