import {
  DEFAULT_DATA_POLICY,
  hubSourceFilters,
  rollupSubject,
  siteDataPolicySchema,
  siteDomain,
  siteStreamSubjects,
} from './edge';

describe('edge data plane contract', () => {
  it('puts rollups of a site under <prefix>.rollup.<site>', () => {
    expect(rollupSubject('polis', { siteId: 'traffic-03', sensorKind: 'loop', sensorId: 'l-1' })).toBe(
      'polis.rollup.traffic-03.loop.l-1',
    );
    expect(() => rollupSubject('polis', { siteId: 'a.b', sensorKind: 'x', sensorId: 'y' })).toThrow(/siteId/);
  });

  it('sources raw readings, rollups or nothing, and only to the hub', () => {
    expect(hubSourceFilters('p', 's', { exports: 'raw', to: 'hub' })).toEqual([
      { siteId: 's', stream: 'telemetry', filterSubject: 'p.telemetry.s.>' },
    ]);
    expect(hubSourceFilters('p', 's', { exports: 'rollup', to: 'hub' })).toEqual([
      { siteId: 's', stream: 'rollup', filterSubject: 'p.rollup.s.>' },
    ]);
    expect(hubSourceFilters('p', 's', { exports: 'none', to: 'nobody' })).toEqual([]);
    expect(hubSourceFilters('p', 's', { exports: 'raw', to: 'zone' })).toEqual([]);
  });

  it('validates a policy', () => {
    expect(siteDataPolicySchema.parse(DEFAULT_DATA_POLICY)).toEqual({ exports: 'raw', to: 'hub' });
    expect(siteDataPolicySchema.safeParse({ exports: 'none', to: 'hub' }).success).toBe(false);
    expect(siteDataPolicySchema.safeParse({ exports: 'raw', to: 'nobody' }).success).toBe(false);
    expect(siteDataPolicySchema.safeParse({ exports: 'all', to: 'hub' }).success).toBe(false);
  });

  it('keeps a site stream to the site and a domain to one token', () => {
    expect(siteStreamSubjects('p', 's')).toContain('p.heartbeat.s.>');
    expect(siteStreamSubjects('p', 's').every((subject) => subject.split('.')[2] === 's')).toBe(true);
    expect(() => siteDomain('a.b')).toThrow();
  });
});
