import {
  POLIS_OWNED_SELECTOR,
  deploymentIdOf,
  deploymentSelector,
  formatLabelSelector,
  isOwnedByPolis,
} from './labels';

describe('label selectors', () => {
  it('select everything Polis manages', () => {
    expect(POLIS_OWNED_SELECTOR).toBe('app.kubernetes.io/managed-by=polis');
  });

  it('select one deployment among what Polis manages', () => {
    expect(deploymentSelector('dep-1')).toBe(
      'app.kubernetes.io/managed-by=polis,polis.city/deployment-id=dep-1',
    );
  });

  it('refuse a deployment id that would change the meaning of the selector', () => {
    expect(() => deploymentSelector('dep-1,polis.city/site!=x')).toThrow(RangeError);
    expect(() => deploymentSelector('')).toThrow(RangeError);
  });

  it('format labels in the order given', () => {
    expect(formatLabelSelector({ b: '2', a: '1' })).toBe('b=2,a=1');
  });
});

describe('ownership', () => {
  it('belongs to Polis only with the managed-by label', () => {
    expect(isOwnedByPolis({ 'app.kubernetes.io/managed-by': 'polis' })).toBe(true);
    expect(isOwnedByPolis({ 'app.kubernetes.io/managed-by': 'Helm' })).toBe(false);
    expect(isOwnedByPolis(undefined)).toBe(false);
  });

  it('reads the deployment id only from objects Polis manages', () => {
    const labels = { 'app.kubernetes.io/managed-by': 'polis', 'polis.city/deployment-id': 'dep-1' };
    expect(deploymentIdOf(labels)).toBe('dep-1');
    expect(deploymentIdOf({ ...labels, 'app.kubernetes.io/managed-by': 'someone' })).toBeUndefined();
    expect(deploymentIdOf({ 'app.kubernetes.io/managed-by': 'polis' })).toBeUndefined();
  });
});
