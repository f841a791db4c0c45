import fc from 'fast-check';
import { longNamesInput, minimalCpuInput } from './__golden__/cases';
import { DNS_LABEL_MAX, boundedName, isDns1035Label, isDns1123Label } from './names';
import { renderModelWorkload } from './render';

const LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-'.split('');
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));

/** A DNS-1123 label of 1..63 characters; `first` narrows its first character. */
function label(first: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(first, fc.array(fc.constantFrom(...LABEL_CHARS), { maxLength: 61 }), alnum)
    .map(([head, middle, tail]) => (middle.length === 0 ? head : `${head}${middle.join('')}${tail}`));
}

describe('boundedName', () => {
  it('keeps a name that fits', () => {
    expect(boundedName('traffic-anomaly-dep-1', '-config')).toBe('traffic-anomaly-dep-1-config');
  });

  it('cuts a long name to 63 characters, keeps its suffix and stays a DNS-1123 label', () => {
    fc.assert(
      fc.property(label(alnum), label(alnum), fc.constantFrom('', '-config'), (a, b, suffix) => {
        const name = boundedName(`${a}-${b}`, suffix);
        expect(name.length).toBeLessThanOrEqual(DNS_LABEL_MAX);
        expect(isDns1123Label(name)).toBe(true);
        expect(name.endsWith(suffix)).toBe(true);
      }),
    );
  });

  it('tells apart long names that share their first 63 characters', () => {
    const head = 'x'.repeat(70);
    expect(boundedName(`${head}-a`)).not.toBe(boundedName(`${head}-b`));
    expect(boundedName(`${head}-a`)).toBe(boundedName(`${head}-a`));
  });
});

describe('object names', () => {
  it('are DNS labels of at most 63 characters, Service names DNS-1035, for any valid model and id', () => {
    fc.assert(
      fc.property(label(letter), label(alnum), (modelName, deploymentId) => {
        const input = {
          ...minimalCpuInput(),
          deploymentId,
          model: { ...minimalCpuInput().model, name: modelName },
        };
        const { objects, service } = renderModelWorkload(input);
        for (const object of objects) expect(isDns1123Label(object.metadata.name)).toBe(true);
        expect(isDns1035Label(service.metadata.name)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('differ between two deployments of the same model on a site, even when cut', () => {
    const one = renderModelWorkload(longNamesInput());
    const two = renderModelWorkload({
      ...longNamesInput(),
      deploymentId: '5f0c6d2e-8a41-4b7e-9c3d-2e1f0a9b8c7e',
    });
    expect(one.deployment.metadata.name.length).toBe(DNS_LABEL_MAX);
    expect(two.deployment.metadata.name).not.toBe(one.deployment.metadata.name);
    expect(two.configMap.metadata.name).not.toBe(one.configMap.metadata.name);
  });
});
