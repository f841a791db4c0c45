import { PolisError } from './errors';
import { revisionFromIfMatch } from './if-match';

describe(revisionFromIfMatch.name, () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['W/"12"', 12],
  ])('reads %s as revision %i', (header, revision) => {
    expect(revisionFromIfMatch(header)).toBe(revision);
  });

  it.each([undefined, '', '"0"', '"abc"', '"1.5"'])('refuses %p with a typed error', (header) => {
    expect(() => revisionFromIfMatch(header)).toThrow(PolisError);
  });
});
