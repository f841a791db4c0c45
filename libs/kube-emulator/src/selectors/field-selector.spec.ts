import { FieldSelectorError, matchesFields, parseFieldSelector, pinnedName } from './field-selector';

describe('field selectors', () => {
  const supported = new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase']);
  const pod = {
    metadata: { name: 'a', namespace: 'edge' },
    spec: { nodeName: 'node-1' },
    status: { phase: 'Running' },
  };

  it.each([
    ['metadata.name=a', true],
    ['metadata.name==b', false],
    ['spec.nodeName=node-1,status.phase!=Failed', true],
    ['status.phase!=Running', false],
    ['spec.nodeName=', false],
    ['', true],
  ])('%s matches %s', (selector, expected) => {
    expect(matchesFields(pod, parseFieldSelector(selector, supported))).toBe(expected);
  });

  it('treats a missing field as the empty string (unscheduled pods have spec.nodeName=)', () => {
    expect(
      matchesFields({ metadata: { name: 'p' }, spec: {} }, parseFieldSelector('spec.nodeName=', supported)),
    ).toBe(true);
  });

  it('unescapes values and rejects unsupported fields', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', supported)).toEqual([
      { field: 'metadata.name', negated: false, value: 'a,b' },
    ]);
    expect(() => parseFieldSelector('spec.replicas=1', supported)).toThrow(
      new FieldSelectorError('field label not supported: spec.replicas'),
    );
    expect(() => parseFieldSelector('metadata.name', supported)).toThrow(FieldSelectorError);
  });

  it('finds the name a selector pins', () => {
    expect(pinnedName(parseFieldSelector('metadata.namespace=x,metadata.name=web', supported))).toBe('web');
    expect(pinnedName(parseFieldSelector('metadata.name!=web', supported))).toBeUndefined();
  });
});
