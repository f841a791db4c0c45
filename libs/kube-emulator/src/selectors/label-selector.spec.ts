import fc from 'fast-check';
import {
  formatLabelSelector,
  fromLabelSelectorObject,
  matchesLabels,
  parseLabelSelector,
  SelectorParseError,
} from './label-selector';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'edge', 'polis.io/zone': 'north' };

  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (api, web)', true],
    ['app notin (api,web)', false],
    ['missing notin (x)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['polis.io/zone=north,app in (web),!gpu', true],
    ['polis.io/zone=north,app in (api)', false],
    ['', true],
  ])('%s matches %s', (selector, expected) => {
    expect(matchesLabels(labels, parseLabelSelector(selector))).toBe(expected);
  });

  it('compares Gt and Lt numerically', () => {
    expect(matchesLabels({ gen: '10' }, parseLabelSelector('gen>9'))).toBe(true);
    expect(matchesLabels({ gen: '10' }, parseLabelSelector('gen<9'))).toBe(false);
    expect(matchesLabels({ gen: 'x' }, parseLabelSelector('gen>1'))).toBe(false);
  });

  it.each(['app in (web', 'app = = web', '=web', 'app in (bad value)', 'Ápp=x'])(
    'rejects "%s" with a typed error',
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow(SelectorParseError);
    },
  );

  it('converts matchLabels and matchExpressions objects', () => {
    const selector = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['edge', 'core'] },
        { key: 'gpu', operator: 'DoesNotExist' },
      ],
    });
    expect(selector && matchesLabels(labels, selector)).toBe(true);
    expect(selector && matchesLabels({ ...labels, gpu: '1' }, selector)).toBe(false);
    expect(fromLabelSelectorObject(undefined)).toBeUndefined();
    expect(() => fromLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(
      SelectorParseError,
    );
  });

  it('formats selectors that parse back to the same requirements', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
    const value = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    const requirement = fc.oneof(
      fc.record({
        key,
        operator: fc.constantFrom('Equals' as const, 'NotEquals' as const),
        values: value.map((v) => [v]),
      }),
      fc.record({
        key,
        operator: fc.constantFrom('In' as const, 'NotIn' as const),
        values: fc.array(value, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        key,
        operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
        values: fc.constant([] as string[]),
      }),
    );
    fc.assert(
      fc.property(fc.array(requirement, { minLength: 1, maxLength: 4 }), (requirements) => {
        expect(parseLabelSelector(formatLabelSelector(requirements))).toEqual(requirements);
      }),
    );
  });
});
