import { buildSeriesQuery, seriesQuerySchema } from './series-query';

const layout = { database: 'polis', rawPolicy: 'raw', rollupPolicy: 'rollup_1m' };
const base = {
  kind: 'traffic-loop',
  site: 'traffic-01',
  from: '2026-06-01T00:00:00Z',
  to: '2026-06-01T01:00:00Z',
};

describe(buildSeriesQuery.name, () => {
  it('reads raw points of a site, quoting hyphenated identifiers', () => {
    const q = buildSeriesQuery(seriesQuerySchema.parse(base), layout);
    expect(q).toContain('FROM "polis"."raw"."traffic-loop"');
    expect(q).toContain(`"site" = 'traffic-01'`);
    expect(q).toContain(`time >= ${Date.parse(base.from)}ms`);
  });

  it('aggregates one field per window and sensor', () => {
    const q = buildSeriesQuery(
      seriesQuerySchema.parse({
        ...base,
        sensor: 'north',
        field: 'vehicleCount',
        window: '5m',
        aggregation: 'max',
      }),
      layout,
    );
    expect(q).toContain('max("vehicleCount")');
    expect(q).toContain(`"sensor" = 'north'`);
    expect(q).toContain('GROUP BY time(5m), "sensor"');
  });

  it('reads the rollup policy with the mean_ field names the continuous query writes', () => {
    const q = buildSeriesQuery(
      seriesQuerySchema.parse({ ...base, field: 'occupancyPct', source: 'rollup' }),
      layout,
    );
    expect(q).toContain('"rollup_1m"');
    expect(q).toContain('"mean_occupancyPct"');
  });

  it.each([
    [{ ...base, site: "x' OR 1=1 --" }, 'site'],
    [{ ...base, window: '5 minutes' }, 'window'],
    [{ ...base, to: base.from }, 'from'],
    [{ ...base, field: 'a"b' }, 'field'],
  ])('rejects unsafe or inconsistent input (%#)', (input, path) => {
    const result = seriesQuerySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([path]);
  });
});
