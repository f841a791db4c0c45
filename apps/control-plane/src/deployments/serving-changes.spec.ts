import type { Assignment } from '@polis/placement';
import { servingChanges, servingOf } from './serving-changes';

function assignment(target: string, runsOn: string, extra: Partial<Assignment> = {}): Assignment {
  return {
    deploymentId: 'd',
    targetSiteId: target,
    replica: 0,
    siteId: runsOn,
    nodeName: `${runsOn}-n0`,
    offloaded: runsOn !== target,
    estimatedLatencyMs: 1,
    ...extra,
  };
}

const home = servingOf({ assignments: [assignment('a', 'a'), assignment('b', 'b')] }, new Set());
const version = () => '1.0.0';

describe(servingChanges.name, () => {
  it('a lost site served from central is a failover; its return home is a return', () => {
    const lost = servingOf(
      {
        assignments: [
          assignment('a', 'central', {
            offloadCode: 'site-unreachable',
            offloadReason: 'site a is unreachable',
          }),
          assignment('b', 'b'),
        ],
      },
      new Set(['a']),
    );
    expect(servingChanges(home, lost, version)).toEqual([
      {
        type: 'failover',
        deploymentId: 'd',
        siteId: 'a',
        runsOn: ['central'],
        version: '1.0.0',
        reason: 'site a is unreachable',
      },
    ]);
    expect(servingChanges(lost, home, version)).toEqual([
      expect.objectContaining({ type: 'return', siteId: 'a', runsOn: ['a'], reason: 'site a is back' }),
    ]);
    expect(servingChanges(lost, lost, version)).toEqual([]);
  });

  it('a reachable site served from central is an offload, with the placement reason', () => {
    const full = servingOf(
      {
        assignments: [
          assignment('a', 'a'),
          assignment('b', 'central', {
            offloadCode: 'insufficient-resources',
            offloadReason: 'no room at b',
          }),
        ],
      },
      new Set(),
    );
    expect(servingChanges(home, full, version)).toEqual([
      expect.objectContaining({ type: 'offload', siteId: 'b', reason: 'no room at b' }),
    ]);
  });

  it('the central policy runs at central by design: no offload; an unplaced site makes no event', () => {
    const central = servingOf(
      { assignments: [assignment('a', 'central', { offloadCode: 'policy-central' })] },
      new Set(),
    );
    expect(central.get('d\u0000a')?.mode).toBe('home');
    expect(servingChanges(new Map(), central, version)).toEqual([]);
    expect(servingChanges(home, new Map(), version)).toEqual([]);
  });

  it('counts a site offloaded when first seen (a new deployment, or a control plane that just started)', () => {
    const offloaded = servingOf({ assignments: [assignment('a', 'central')] }, new Set());
    expect(servingChanges(new Map(), offloaded, version).map((e) => e.type)).toEqual(['offload']);
  });
});
