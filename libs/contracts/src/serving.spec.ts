import fc from 'fast-check';
import {
  decisionMessageId,
  publicSubjectOf,
  resultMessageId,
  servingStream,
  servingSubject,
} from './serving';

const token = fc.stringMatching(/^[a-z0-9-]{1,20}$/);

describe('serving subjects and message ids', () => {
  it('maps a serving subject back to the public one the stream republishes it on', () => {
    expect(servingSubject('polis', 'inference', 'traffic-03', 'congestion-classifier')).toBe(
      'polis.serving.inference.traffic-03.congestion-classifier',
    );
    expect(publicSubjectOf('polis', 'polis.serving.decision.traffic-03.m')).toBe(
      'polis.decision.traffic-03.m',
    );
    expect(() => publicSubjectOf('polis', 'polis.inference.traffic-03.m')).toThrow(RangeError);
  });

  it('gives two windows the same id exactly when site, model, sensor and window are the same (property)', () => {
    const address = fc.record({ siteId: token, modelName: token, sensorId: token, windowTs: fc.nat() });
    fc.assert(
      fc.property(address, address, (a, b) => {
        const same =
          a.siteId === b.siteId &&
          a.modelName === b.modelName &&
          a.sensorId === b.sensorId &&
          a.windowTs === b.windowTs;
        expect(resultMessageId(a) === resultMessageId(b)).toBe(same);
        const action = { type: 'load-alert', reason: 'anomaly' };
        expect(decisionMessageId(a, action) === decisionMessageId(b, action)).toBe(same);
      }),
    );
  });

  it('keeps decisions of another kind apart from each other and from results', () => {
    const w = { siteId: 's', modelName: 'm', sensorId: 'x', windowTs: 300_000 };
    const ids = new Set([
      resultMessageId(w),
      decisionMessageId(w, { type: 'load-alert', reason: 'anomaly' }),
      decisionMessageId(w, { type: 'load-alert', reason: 'forecast-above-threshold' }),
      decisionMessageId(w, { type: 'signal-phase-extension' }),
    ]);
    expect(ids.size).toBe(4);
  });

  it('captures only the serving subjects and republishes them without the serving token', () => {
    const stream = servingStream('t-a');
    expect(stream.name).toBe('T_A_SERVING');
    expect(stream.subjects).toEqual(['t-a.serving.inference.*.*', 't-a.serving.decision.*.*']);
    expect(stream.republish.dest).toBe('t-a.{{wildcard(1)}}.{{wildcard(2)}}.{{wildcard(3)}}');
  });
});
