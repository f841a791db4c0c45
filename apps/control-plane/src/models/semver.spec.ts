import fc from 'fast-check';
import { compareVersions, isPrerelease } from './semver';

describe(compareVersions.name, () => {
  it('orders the SemVer 2.0.0 specification example chain', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 0; i + 1 < chain.length; i++) {
      expect([chain[i], compareVersions(chain[i], chain[i + 1])]).toEqual([chain[i], -1]);
      expect(compareVersions(chain[i + 1], chain[i])).toBe(1);
    }
    expect([...chain].reverse().sort(compareVersions)).toEqual(chain);
  });

  it('compares numerically, not as text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('10.0.0', '9.99.99')).toBe(1);
  });

  it('is antisymmetric and zero only for equal strings', () => {
    const part = fc.integer({ min: 0, max: 30 }).map(String);
    const pre = fc.array(fc.oneof(part, fc.constantFrom('alpha', 'beta', 'rc', 'x-1')), { maxLength: 3 });
    const version = fc
      .tuple(part, part, part, pre)
      .map(([a, b, c, p]) => `${a}.${b}.${c}${p.length ? `-${p.join('.')}` : ''}`);
    fc.assert(
      fc.property(version, version, (a, b) => {
        const ab = compareVersions(a, b);
        expect(ab).toBe(-compareVersions(b, a) || 0);
        expect(ab === 0).toBe(a === b);
      }),
    );
  });

  it('refuses what is not a version', () => {
    expect(() => compareVersions('1.0', '1.0.0')).toThrow(RangeError);
  });
});

describe(isPrerelease.name, () => {
  it('tells prereleases from releases', () => {
    expect(isPrerelease('1.0.0-rc.1')).toBe(true);
    expect(isPrerelease('1.0.0')).toBe(false);
  });
});
