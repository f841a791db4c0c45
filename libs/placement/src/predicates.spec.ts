import {
  estimateEndToEndMs,
  estimateInferenceMs,
  matchesLabels,
  matchesSiteSelector,
  tolerates,
} from './index';
import { site } from './testing/builders';

describe('scheduling predicates', () => {
  it('matchesLabels requires every selector label with the same value', () => {
    expect(matchesLabels({ gpu: 'true', arch: 'arm64' }, { gpu: 'true' })).toBe(true);
    expect(matchesLabels({ gpu: 'false' }, { gpu: 'true' })).toBe(false);
    expect(matchesLabels({}, { gpu: 'true' })).toBe(false);
    expect(matchesLabels({}, undefined)).toBe(true);
  });

  it('tolerates follows Kubernetes semantics (absent taint value equals the empty string)', () => {
    expect(
      tolerates(
        { key: 'maintenance', operator: 'Equal', value: '' },
        { key: 'maintenance', effect: 'NoSchedule' },
      ),
    ).toBe(true);
    expect(
      tolerates(
        { key: 'maintenance', operator: 'Equal' },
        { key: 'maintenance', value: 'x', effect: 'NoSchedule' },
      ),
    ).toBe(false);
    expect(tolerates({ key: '', operator: 'Equal' }, { key: 'k', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates({ operator: 'Exists', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' })).toBe(
      false,
    );
  });

  it('matchesSiteSelector ANDs the fields and ORs within a list', () => {
    const s = site('traffic-01', { zone: 'north', labels: { ring: 'inner' } });
    expect(matchesSiteSelector(s, {})).toBe(true);
    expect(matchesSiteSelector(s, { kinds: ['energy', 'traffic'], zones: ['north'] })).toBe(true);
    expect(matchesSiteSelector(s, { kinds: ['traffic'], zones: ['south'] })).toBe(false);
    expect(matchesSiteSelector(s, { ids: ['traffic-02'] })).toBe(false);
    expect(matchesSiteSelector(s, { labels: { ring: 'outer' } })).toBe(false);
  });
});

describe('latency model', () => {
  it('divides FLOPs by sustained GFLOPS and adds the RTT when offloaded', () => {
    expect(estimateInferenceMs(2e9, 100)).toBe(20);
    expect(estimateInferenceMs(5e8, 50)).toBe(10);
    expect(estimateEndToEndMs(estimateInferenceMs(2e9, 400), 30)).toBe(35);
  });
});
