import { TOKEN_PATTERN } from '@polis/contracts';
import { InvalidCityOptionsError, createCity } from './city';

describe('createCity', () => {
  it('lays out the requested sites with 4 loops per intersection and 2-3 feeders per substation', () => {
    const city = createCity({ seed: 'layout', intersections: 7, substations: 4 });
    expect(city.intersections.map((x) => x.siteId)).toEqual([
      'traffic-01',
      'traffic-02',
      'traffic-03',
      'traffic-04',
      'traffic-05',
      'traffic-06',
      'traffic-07',
    ]);
    expect(city.substations.map((s) => s.siteId)).toEqual([
      'energy-01',
      'energy-02',
      'energy-03',
      'energy-04',
    ]);
    for (const x of city.intersections) {
      expect(x.loops.map((l) => l.sensorId)).toEqual(['loop-n', 'loop-e', 'loop-s', 'loop-w']);
    }
    for (const s of city.substations) {
      expect(s.feeders.length).toBeGreaterThanOrEqual(2);
      expect(s.feeders.length).toBeLessThanOrEqual(3);
      expect(s.feeders[0]?.profile).toBe('residential');
    }
  });

  it('uses only site and sensor ids the subject contract accepts, unique per city', () => {
    const city = createCity({ seed: 1, intersections: 120, substations: 101, airQualityShare: 1 });
    const keys = city.sensors.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of city.sensors) {
      expect(s.siteId).toMatch(TOKEN_PATTERN);
      expect(s.sensorId).toMatch(TOKEN_PATTERN);
      expect(s.key).toBe(`${s.siteId}/${s.sensorId}`);
    }
  });

  it('gives each arterial one inbound approach that carries the morning rush', () => {
    for (const x of createCity({ seed: 'tide', intersections: 20 }).intersections) {
      const morningLeaders = x.loops.filter((l) => l.morningRushWeight === 1);
      const eveningLeaders = x.loops.filter((l) => l.eveningRushWeight === 1);
      expect(morningLeaders).toHaveLength(1);
      expect(eveningLeaders).toHaveLength(1);
      expect(morningLeaders[0]?.approach).not.toBe(eveningLeaders[0]?.approach);
    }
  });

  it('spreads air-quality stations evenly by share', () => {
    const count = (share: number): number =>
      createCity({ seed: 's', intersections: 10, airQualityShare: share }).intersections.filter(
        (x) => x.airQuality,
      ).length;
    expect(count(0)).toBe(0);
    expect(count(0.5)).toBe(5);
    expect(count(1)).toBe(10);
    const city = createCity({ seed: 's', intersections: 4, airQualityShare: 0.5 });
    expect(city.intersections.map((x) => x.airQuality !== undefined)).toEqual([false, true, false, true]);
    const station = city.intersections[1]?.airQuality;
    expect(station?.loops).toBe(city.intersections[1]?.loops);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = createCity({ seed: 'same', intersections: 5, substations: 3 });
    expect(createCity({ seed: 'same', intersections: 5, substations: 3 })).toEqual(a);
    const b = createCity({ seed: 'other', intersections: 5, substations: 3 });
    expect(b.intersections[0]?.loops[0]?.capacityVph).not.toBe(a.intersections[0]?.loops[0]?.capacityVph);
    // A numeric seed and its string are the same seed.
    expect(createCity({ seed: 17 })).toEqual(createCity({ seed: '17' }));
  });

  it('applies defaults and lets the climate be overridden field by field', () => {
    const city = createCity({ seed: 'd', climate: { annualMeanC: 25 } });
    expect(city.intersections).toHaveLength(6);
    expect(city.substations).toHaveLength(3);
    expect(city.dropout.probability).toBe(0.05);
    expect(city.climate.annualMeanC).toBe(25);
    expect(city.climate.seasonalAmplitudeC).toBeGreaterThan(0);
  });

  it.each([
    [{ seed: '' }, /seed/],
    [{ seed: 'x', intersections: -1 }, /intersections/],
    [{ seed: 'x', intersections: 1.5 }, /intersections/],
    [{ seed: 'x', dropoutProbability: 2 }, /dropoutProbability/],
    [{ seed: 'x', intersections: 0, substations: 0 }, /at least one site/],
    [{ seed: 'x', climate: { dailyAmplitudeC: -1 } }, /climate.dailyAmplitudeC/],
  ])('rejects %j with a typed error naming the option', (options, message) => {
    expect(() => createCity(options)).toThrow(InvalidCityOptionsError);
    expect(() => createCity(options)).toThrow(message);
  });
});
