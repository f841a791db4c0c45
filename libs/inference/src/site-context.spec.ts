import { SiteContext } from './site-context';

describe('SiteContext', () => {
  it('prefers the latest reading over the configured default', () => {
    const context = new SiteContext({ temperatureC: 10 });
    expect(context.valueOf('temperatureC')).toBe(10);
    context.update({ temperatureC: 14, humidity: 0.5 });
    expect(context.valueOf('temperatureC')).toBe(14);
    expect(context.valueOf('pressure')).toBeUndefined();
    expect(context.names.sort()).toEqual(['humidity', 'temperatureC']);
  });

  it('ignores non-finite values', () => {
    const context = new SiteContext({ t: 1 });
    context.update({ t: Number.NaN });
    expect(context.valueOf('t')).toBe(1);
  });
});
