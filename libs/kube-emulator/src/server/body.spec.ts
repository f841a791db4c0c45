import { ApiError } from '../model/api-error';
import { decodePatchBody } from './body';

const apply = (text: string): unknown => decodePatchBody(Buffer.from(text), 'apply');

describe('decodePatchBody', () => {
  it('reads apply configurations sent as JSON, as client-node and kubectl send them', () => {
    expect(apply('{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1"}}')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { a: '1' },
    });
  });

  it('reads apply configurations in YAML, block or flow style', () => {
    expect(apply('kind: ConfigMap\ndata:\n  a: "1"\n')).toEqual({ kind: 'ConfigMap', data: { a: '1' } });
    // Starts like JSON but is YAML only (unquoted keys): the YAML parser takes over.
    expect(apply('{kind: ConfigMap, data: {a: "1"}}')).toEqual({ kind: 'ConfigMap', data: { a: '1' } });
  });

  it('answers 400 for bodies that are neither', () => {
    const decode = (): unknown => apply('{"kind": [}');
    expect(decode).toThrow(ApiError);
    expect(decode).toThrow(/could not be decoded as YAML/);
  });

  it('keeps other patch types JSON-only', () => {
    expect(() => decodePatchBody(Buffer.from('kind: ConfigMap'), 'merge')).toThrow(/as JSON/);
  });
});

describe('"__proto__" keys', () => {
  it('are refused in JSON and YAML bodies, which would otherwise reach plain-assignment merges', () => {
    const json = Buffer.from('{"metadata":{"name":"x","__proto__":{"polluted":true}}}');
    expect(() => decodePatchBody(json, 'merge')).toThrow(/__proto__/);
    expect(() => decodePatchBody(json, 'apply')).toThrow(/__proto__/);
    expect(() =>
      decodePatchBody(Buffer.from('metadata:\n  __proto__:\n    polluted: true\n'), 'apply'),
    ).toThrow(/__proto__/);
  });

  it('are only keys: the word in a value is data', () => {
    const body = Buffer.from('{"data":{"note":"mentions __proto__ in text"}}');
    expect(decodePatchBody(body, 'merge')).toEqual({ data: { note: 'mentions __proto__ in text' } });
  });
});
