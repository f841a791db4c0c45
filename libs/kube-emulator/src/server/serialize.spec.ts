import { deepFreeze } from '../model/json';
import { toJson, watchEventLine } from './serialize';

describe('toJson', () => {
  afterEach(() => jest.restoreAllMocks());

  it('serialises a frozen (stored) object once for all its readers', () => {
    const object = deepFreeze({ kind: 'Pod', metadata: { name: 'a' } });
    const stringify = jest.spyOn(JSON, 'stringify');
    expect(toJson(object)).toBe('{"kind":"Pod","metadata":{"name":"a"}}');
    expect(toJson(object)).toBe('{"kind":"Pod","metadata":{"name":"a"}}');
    expect(stringify).toHaveBeenCalledTimes(1);
  });

  it('serialises objects that can still change every time', () => {
    const object: { kind: string; spec?: object } = { kind: 'Pod' };
    expect(toJson(object)).toBe('{"kind":"Pod"}');
    object.spec = {};
    expect(toJson(object)).toBe('{"kind":"Pod","spec":{}}');
  });
});

describe('watchEventLine', () => {
  it('is one JSON line of type and object', () => {
    const object = deepFreeze({ kind: 'Pod', metadata: { name: 'a"b' } });
    const line = watchEventLine('MODIFIED', object);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ type: 'MODIFIED', object });
  });
});
