import { satisfies } from './drift';

describe(satisfies.name, () => {
  const desired = {
    metadata: { name: 'a', labels: { 'app.kubernetes.io/managed-by': 'polis' } },
    spec: {
      replicas: 1,
      template: { spec: { containers: [{ name: 'runner', resources: { limits: { cpu: '1' } } }] } },
    },
  };

  it('accepts a live object that carries more than Polis set (defaults, status, other managers)', () => {
    const live = {
      metadata: {
        name: 'a',
        uid: 'u',
        labels: { 'app.kubernetes.io/managed-by': 'polis', extra: 'x' },
        annotations: { note: 'y' },
      },
      spec: {
        replicas: 1,
        strategy: { type: 'RollingUpdate' },
        template: {
          spec: {
            containers: [
              { name: 'runner', imagePullPolicy: 'IfNotPresent', resources: { limits: { cpu: '1000m' } } },
            ],
          },
        },
      },
      status: { readyReplicas: 1 },
    };
    expect(satisfies(desired, live)).toBe(true);
  });

  it('sees a changed, missing or reordered field Polis set as drift', () => {
    expect(satisfies(desired, { ...desired, spec: { ...desired.spec, replicas: 3 } })).toBe(false);
    expect(satisfies(desired, { metadata: desired.metadata })).toBe(false);
    expect(satisfies(desired, { ...desired, metadata: { name: 'a', labels: {} } })).toBe(false);
    const twoContainers = {
      spec: { template: { spec: { containers: [{ name: 'x' }, { name: 'runner' }] } } },
    };
    expect(
      satisfies(
        { spec: { template: { spec: { containers: [{ name: 'runner' }, { name: 'x' }] } } } },
        twoContainers,
      ),
    ).toBe(false);
  });

  it('compares quantities by value only where quantities live', () => {
    expect(satisfies({ resources: { cpu: '0.5' } }, { resources: { cpu: '500m' } })).toBe(true);
    expect(satisfies({ labels: { v: '1' } }, { labels: { v: '1.0' } })).toBe(false);
  });
});
