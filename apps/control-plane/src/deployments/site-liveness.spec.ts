import fc from 'fast-check';
import type { SiteSymptom } from '../sites';
import { classify, describeSymptom, SiteLiveness, timeOfDay, type SiteHealthSample } from './site-liveness';

const T0 = Date.parse('2026-12-01T19:20:03.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const ready: SiteHealthSample = { state: 'ready', nodes: { total: 2, ready: 2 } };
const oneNotReady: SiteHealthSample = { state: 'degraded', nodes: { total: 2, ready: 1 } };
const allNotReady: SiteHealthSample = { state: 'degraded', nodes: { total: 1, ready: 0 } };
const failed = (state: SiteHealthSample['state'], symptom: SiteSymptom): SiteHealthSample => ({
  state,
  symptom,
  nodes: { total: 1, ready: 1 },
});
const answers503 = failed('error', { kind: 'http', status: 503 });
const refused = failed('unreachable', { kind: 'refused' });

describe(classify.name, () => {
  it.each<[string, SiteHealthSample, string, string | undefined]>([
    ['every node Ready', ready, 'manageable', undefined],
    ['some node NotReady', oneNotReady, 'manageable', undefined],
    ['no node Ready', allNotReady, 'no-ready-node', '1 of 1 nodes NotReady'],
    [
      'no node at all',
      { state: 'degraded', nodes: { total: 0, ready: 0 } },
      'no-ready-node',
      'the cluster has no nodes',
    ],
    ['5xx', answers503, 'unobservable', 'API answers 503'],
    ['refused', refused, 'unobservable', 'connection refused'],
    [
      'timeout',
      failed('unreachable', { kind: 'timeout', detail: 'no answer from the cluster within 1000 ms' }),
      'unobservable',
      'API does not answer (no answer from the cluster within 1000 ms)',
    ],
    [
      '401',
      failed('credentials-rejected', { kind: 'http', status: 401 }),
      'unobservable',
      'API rejects the credentials (401)',
    ],
    ['403', failed('error', { kind: 'http', status: 403 }), 'unobservable', 'API refuses access (403)'],
    [
      'TLS',
      failed('error', { kind: 'tls', detail: 'TLS verification failed: self-signed certificate' }),
      'unobservable',
      'TLS verification failed: self-signed certificate',
    ],
    ['never checked', { state: 'pending', nodes: { total: 0, ready: 0 } }, 'unchecked', 'not checked yet'],
  ])('%s', (_name, sample, condition, what) => {
    expect(classify(sample)).toEqual(what === undefined ? { condition } : { condition, what });
  });

  it('says what was seen for a failure whose symptom is missing, naming the state', () => {
    expect(classify({ state: 'error', nodes: { total: 1, ready: 1 } }).what).toBe('check failed (error)');
  });
});

describe(SiteLiveness.name, () => {
  it('loses a site only once it has been in trouble for the whole grace period', () => {
    const liveness = new SiteLiveness(1_000);
    liveness.observe('a', { ...answers503, checkedAt: at(0) }, T0);
    liveness.observe('a', { ...answers503, checkedAt: at(500) }, T0 + 500); // the same episode
    expect(liveness.isLost('a', T0 + 999)).toBe(false);
    expect(liveness.nextLossAt(T0 + 999)).toBe(T0 + 1_000);
    expect(liveness.isLost('a', T0 + 1_000)).toBe(true);
    expect(liveness.lost(T0 + 1_000)).toEqual(['a']);
  });

  it('reports what was seen and since when, dated by the check, and whether it can be observed', () => {
    const liveness = new SiteLiveness(1_000);
    liveness.observe('a', { ...answers503, checkedAt: at(0) }, T0 + 40);
    expect(liveness.view('a', T0 + 100)).toEqual({
      condition: 'unobservable',
      inTrouble: true,
      lost: false,
      reason: 'API answers 503 since 19:20:03Z',
      since: T0,
      troubleSince: T0,
    });
    expect(liveness.observable('a')).toBe(false);

    liveness.observe('b', { ...allNotReady, checkedAt: at(0) }, T0);
    expect(liveness.view('b', T0).reason).toBe('1 of 1 nodes NotReady since 19:20:03Z');
    expect(liveness.observable('b')).toBe(true); // the API answers: Polis sees the pods unready
  });

  it('keeps the grace running across a change of symptom, but dates the new symptom from when it was seen', () => {
    const liveness = new SiteLiveness(10_000);
    liveness.observe('a', { ...answers503, checkedAt: at(0) }, T0);
    liveness.observe('a', { ...refused, checkedAt: at(4_000) }, T0 + 4_000);
    const view = liveness.view('a', T0 + 10_000);
    expect(view).toMatchObject({
      lost: true,
      reason: 'connection refused since 19:20:07Z',
      troubleSince: T0,
    });
  });

  it('forgets the episode when the site recovers, so a new blip starts a new grace period', () => {
    const liveness = new SiteLiveness(1_000);
    liveness.observe('a', allNotReady, T0);
    liveness.observe('a', ready, T0 + 900);
    expect(liveness.view('a', T0 + 900)).toEqual({ condition: 'manageable', inTrouble: false, lost: false });
    liveness.observe('a', refused, T0 + 1_200);
    expect(liveness.isLost('a', T0 + 2_000)).toBe(false);
    expect(liveness.isLost('a', T0 + 2_200)).toBe(true);
    expect(liveness.nextLossAt(T0 + 2_200)).toBeUndefined();
  });

  it('does not count a site never checked as lost, nor as observable', () => {
    const liveness = new SiteLiveness(0);
    liveness.observe('a', { state: 'pending', nodes: { total: 0, ready: 0 } }, T0);
    expect(liveness.view('a', T0 + 60_000)).toMatchObject({ condition: 'unchecked', lost: false });
    expect(liveness.observable('a')).toBe(false);
  });

  const samples = fc.constantFrom(ready, oneNotReady, allNotReady, answers503, refused);
  const histories = fc.array(fc.tuple(samples, fc.integer({ min: 0, max: 5_000 })), { maxLength: 30 });

  it('never loses a site before it has been in trouble for the grace, and always once it has (property)', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 0, max: 20_000 }), (history, graceMs) => {
        const liveness = new SiteLiveness(graceMs);
        let now = T0;
        let troubleStart: number | undefined;
        for (const [sample, step] of history) {
          now += step;
          liveness.observe('a', { ...sample, checkedAt: new Date(now).toISOString() }, now);
          const trouble = classify(sample).condition !== 'manageable';
          troubleStart = trouble ? (troubleStart ?? now) : undefined;
          const view = liveness.view('a', now);
          expect(view.inTrouble).toBe(trouble);
          expect(view.lost).toBe(troubleStart !== undefined && now - troubleStart >= graceMs);
          expect(view.troubleSince).toBe(troubleStart);
          expect(view.reason === undefined).toBe(!trouble);
          if (view.since !== undefined) expect(view.since).toBeGreaterThanOrEqual(troubleStart ?? Infinity);
        }
      }),
    );
  });
});

describe(describeSymptom.name, () => {
  it('words a status it has no special text for as the status seen', () => {
    expect(describeSymptom({ kind: 'http', status: 500 })).toBe('API answers 500');
    expect(describeSymptom({ kind: 'network', detail: 'connect EHOSTUNREACH' })).toBe(
      'API not reachable (connect EHOSTUNREACH)',
    );
  });

  it('formats the time of day in UTC', () => {
    expect(timeOfDay(T0)).toBe('19:20:03Z');
  });
});
