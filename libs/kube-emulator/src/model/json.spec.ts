import fc from 'fast-check';
import { deepClone, deepEqual, deepFreeze } from './json';

const json = fc.jsonValue();

describe('deepClone', () => {
  it('copies any JSON document into an equal one that shares no object with it', () => {
    fc.assert(
      fc.property(json, (value) => {
        const copy = deepClone(value);
        expect(copy).toEqual(value);
        const objects = (v: unknown): unknown[] =>
          typeof v === 'object' && v !== null ? [v, ...Object.values(v).flatMap(objects)] : [];
        const original = new Set(objects(value));
        expect(objects(copy).some((o) => original.has(o))).toBe(false);
      }),
    );
  });

  it('keeps a "__proto__" key as data instead of changing the prototype', () => {
    const parsed = JSON.parse('{"metadata":{"__proto__":{"polluted":true}}}') as { metadata: object };
    const copy = deepClone(parsed);
    expect(Object.keys(copy.metadata)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(copy.metadata)).toBe(Object.prototype);
    expect((copy.metadata as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('gives a writable copy of a frozen document', () => {
    const copy = deepClone(deepFreeze({ spec: { containers: [{ name: 'a' }] } }));
    copy.spec.containers[0].name = 'b';
    expect(copy.spec.containers[0]?.name).toBe('b');
  });
});

describe('deepFreeze', () => {
  it('freezes every object and array of a document', () => {
    fc.assert(
      fc.property(json, (value) => {
        const frozen = deepFreeze(deepClone(value));
        const objects = (v: unknown): unknown[] =>
          typeof v === 'object' && v !== null ? [v, ...Object.values(v).flatMap(objects)] : [];
        expect(objects(frozen).every((o) => Object.isFrozen(o))).toBe(true);
        expect(deepEqual(frozen, value)).toBe(true);
      }),
    );
  });

  it('does not walk into parts that are already frozen', () => {
    const shared = Object.freeze({ inner: { writable: true } });
    const document = deepFreeze({ spec: shared, status: { phase: 'Running' } });
    expect(Object.isFrozen(document.status)).toBe(true);
    // Frozen parts are taken as deep-frozen already: the store only ever freezes whole trees.
    expect(Object.isFrozen(shared.inner)).toBe(false);
  });
});
