import { z } from 'zod';
import { PolisError } from './errors';
import { parseInput, parseStoredJson } from './parse-input';

describe(parseInput.name, () => {
  const schema = z.object({ id: z.string().min(1), replicas: z.number().int() }).strict();

  it('returns the parsed value', () => {
    expect(parseInput(schema, { id: 'a', replicas: 2 })).toEqual({ id: 'a', replicas: 2 });
  });

  it('lists every bad field in a typed invalid-input error', () => {
    let caught: unknown;
    try {
      parseInput(schema, { id: '', replicas: 1.5 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolisError);
    expect((caught as PolisError).code).toBe('invalid-input');
    expect((caught as PolisError).message).toMatch(/^id: .*; replicas: /);
    expect((caught as PolisError).details).toMatchObject({
      problem: 'invalid-body',
      problems: [{ path: 'id' }, { path: 'replicas' }],
    });
  });
});

describe(parseStoredJson.name, () => {
  it('reads JSON and gives undefined for anything else', () => {
    expect(parseStoredJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseStoredJson('{broken')).toBeUndefined();
  });
});
