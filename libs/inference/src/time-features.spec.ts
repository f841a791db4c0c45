import fc from 'fast-check';
import { hourOfDay, isWeekend } from '@polis/onnx';
import { timeFeature } from './time-features';

describe('timeFeature', () => {
  it('matches the features the city models were trained with', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ts) => {
        const angle = (2 * Math.PI * hourOfDay(ts)) / 24;
        expect(timeFeature('hourSin', ts)).toBeCloseTo(Math.sin(angle), 12);
        expect(timeFeature('hourCos', ts)).toBeCloseTo(Math.cos(angle), 12);
        expect(timeFeature('halfDaySin', ts)).toBeCloseTo(Math.sin(2 * angle), 12);
        expect(timeFeature('halfDayCos', ts)).toBeCloseTo(Math.cos(2 * angle), 12);
        expect(timeFeature('weekend', ts)).toBe(isWeekend(ts) ? 1 : 0);
      }),
    );
  });

  it('puts 06:00 UTC at a quarter turn and Saturday in the weekend', () => {
    const saturday6am = Date.UTC(2025, 0, 11, 6);
    expect(timeFeature('hourSin', saturday6am)).toBeCloseTo(1, 12);
    expect(timeFeature('weekend', saturday6am)).toBe(1);
    expect(timeFeature('weekend', Date.UTC(2025, 0, 13, 6))).toBe(0);
  });
});
