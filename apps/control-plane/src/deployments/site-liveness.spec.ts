import { isInTrouble, SiteLiveness } from './site-liveness';

const ready = { state: 'ready' as const, nodes: { total: 2, ready: 2 } };
const unreachable = { state: 'unreachable' as const, nodes: { total: 2, ready: 2 } };
const allNotReady = { state: 'degraded' as const, nodes: { total: 2, ready: 0 } };
const oneNotReady = { state: 'degraded' as const, nodes: { total: 2, ready: 1 } };

describe(isInTrouble.name, () => {
  it('is unreachable or reachable with no Ready node; not a partial outage or a credential problem', () => {
    expect(isInTrouble(unreachable)).toBe(true);
    expect(isInTrouble(allNotReady)).toBe(true);
    expect(isInTrouble(oneNotReady)).toBe(false);
    expect(isInTrouble({ state: 'credentials-rejected', nodes: { total: 2, ready: 0 } })).toBe(false);
    expect(isInTrouble({ state: 'pending', nodes: { total: 0, ready: 0 } })).toBe(false);
  });
});

describe(SiteLiveness.name, () => {
  it('loses a site only once it has been in trouble for the whole grace period', () => {
    const liveness = new SiteLiveness(1_000);
    liveness.observe('a', unreachable, 0);
    liveness.observe('a', unreachable, 500); // still the same episode: the clock is not reset
    expect(liveness.isLost('a', 999)).toBe(false);
    expect(liveness.nextLossAt(999)).toBe(1_000);
    expect(liveness.isLost('a', 1_000)).toBe(true);
    expect(liveness.lost(1_000)).toEqual(['a']);
  });

  it('forgets the episode when the site recovers, so a new blip starts a new grace period', () => {
    const liveness = new SiteLiveness(1_000);
    liveness.observe('a', allNotReady, 0);
    liveness.observe('a', ready, 900);
    liveness.observe('a', unreachable, 1_200);
    expect(liveness.isLost('a', 2_000)).toBe(false);
    expect(liveness.isLost('a', 2_200)).toBe(true);
    expect(liveness.nextLossAt(2_200)).toBeUndefined();
  });
});
