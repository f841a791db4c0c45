import fc from 'fast-check';
import { planHubSources, sameSources } from './hub-sources';

describe(planHubSources.name, () => {
  it('sources raw readings of raw sites, rollups of rollup sites, nothing of the others', () => {
    const plan = planHubSources('polis', [
      { id: 'b-rollup', dataPolicy: { exports: 'rollup', to: 'hub' } },
      { id: 'a-raw', dataPolicy: { exports: 'raw', to: 'hub' } },
      { id: 'c-none', dataPolicy: { exports: 'none', to: 'nobody' } },
      { id: 'd-zone', dataPolicy: { exports: 'raw', to: 'zone' } },
      { id: 'e-default' },
    ]);
    expect(plan.telemetry).toEqual([
      {
        name: 'POLIS_SITE_A_RAW',
        filter_subject: 'polis.telemetry.a-raw.>',
        external: { api: '$JS.a-raw.API', deliver: '' },
      },
      {
        name: 'POLIS_SITE_E_DEFAULT',
        filter_subject: 'polis.telemetry.e-default.>',
        external: { api: '$JS.e-default.API', deliver: '' },
      },
    ]);
    expect(plan.rollups).toEqual([
      {
        name: 'POLIS_SITE_B_ROLLUP',
        filter_subject: 'polis.rollup.b-rollup.>',
        external: { api: '$JS.b-rollup.API', deliver: '' },
      },
    ]);
  });

  it('never sources a raw subject of a site whose policy is not raw to the hub', () => {
    const policy = fc.constantFrom(
      { exports: 'raw', to: 'hub' } as const,
      { exports: 'raw', to: 'zone' } as const,
      { exports: 'rollup', to: 'hub' } as const,
      { exports: 'rollup', to: 'zone' } as const,
      { exports: 'none', to: 'nobody' } as const,
    );
    const site = fc.record({ id: fc.stringMatching(/^[a-z0-9]{1,8}$/), dataPolicy: policy });
    fc.assert(
      fc.property(fc.uniqueArray(site, { selector: (s) => s.id }), (sites) => {
        const plan = planHubSources('p', sites);
        for (const s of sites) {
          const raw = plan.telemetry.filter((source) => source.filter_subject === `p.telemetry.${s.id}.>`);
          const rollup = plan.rollups.filter((source) => source.filter_subject === `p.rollup.${s.id}.>`);
          const toHub = s.dataPolicy.to === 'hub';
          expect(raw.length).toBe(toHub && s.dataPolicy.exports === 'raw' ? 1 : 0);
          expect(rollup.length).toBe(toHub && s.dataPolicy.exports === 'rollup' ? 1 : 0);
        }
        expect(plan.telemetry.length + plan.rollups.length).toBeLessThanOrEqual(sites.length);
      }),
    );
  });

  it('compares sources regardless of order and of fields JetStream adds', () => {
    const plan = planHubSources('p', [{ id: 'a' }, { id: 'b' }]);
    const reported = [...plan.telemetry].reverse().map((s) => ({ ...s, opt_start_seq: 0 }));
    expect(sameSources(reported, plan.telemetry)).toBe(true);
    expect(sameSources(reported.slice(1), plan.telemetry)).toBe(false);
    expect(sameSources(undefined, [])).toBe(true);
  });
});
