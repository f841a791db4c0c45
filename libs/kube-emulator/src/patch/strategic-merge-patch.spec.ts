import { applyStrategicMergePatch, StrategicMergePatchError } from './strategic-merge-patch';

const deployment = {
  metadata: { finalizers: ['a'] },
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'side:1' },
        ],
        tolerations: [{ key: 'x', operator: 'Exists' }],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeping the rest', () => {
    const result = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }] }] },
        },
      },
    });
    expect(result).toEqual({
      metadata: { finalizers: ['a'] },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:2',
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '2' },
                ],
                ports: [{ containerPort: 80 }],
              },
              { name: 'sidecar', image: 'side:1' },
            ],
            tolerations: [{ key: 'x', operator: 'Exists' }],
          },
        },
      },
    });
  });

  it('replaces lists without a merge key (tolerations) and unions finalizers', () => {
    const result = applyStrategicMergePatch(deployment, {
      metadata: { finalizers: ['b', 'a'] },
      spec: { template: { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } } },
    }) as typeof deployment;
    expect(result.spec.template.spec.tolerations).toEqual([{ key: 'y', operator: 'Exists' }]);
    expect(result.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('honours $patch delete and replace, null deletions and $setElementOrder', () => {
    const result = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
            containers: [
              { name: 'app', env: [{ $patch: 'replace' }, { name: 'Z', value: '9' }], ports: null },
              { name: 'sidecar', $patch: 'delete' },
            ],
          },
        },
      },
    }) as typeof deployment;
    expect(result.spec.template.spec.containers).toEqual([
      { name: 'app', image: 'app:1', env: [{ name: 'Z', value: '9' }] },
    ]);
  });

  it('applies $retainKeys and $deleteFromPrimitiveList', () => {
    const result = applyStrategicMergePatch(
      {
        spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
        metadata: { finalizers: ['a', 'b'] },
      },
      {
        spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      },
    );
    expect(result).toEqual({ spec: { strategy: { type: 'Recreate' } }, metadata: { finalizers: ['b'] } });
  });

  it('merges service ports by port and container ports by containerPort', () => {
    const service = applyStrategicMergePatch(
      { spec: { ports: [{ port: 80, name: 'http' }] } },
      { spec: { ports: [{ port: 443, name: 'https' }] } },
    );
    expect(service).toEqual({
      spec: {
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      },
    });
  });

  it('rejects list items without their merge key', () => {
    expect(() =>
      applyStrategicMergePatch(deployment, {
        spec: { template: { spec: { containers: [{ image: 'x' }] } } },
      }),
    ).toThrow(StrategicMergePatchError);
    expect(() => applyStrategicMergePatch(deployment, ['not', 'an', 'object'])).toThrow(
      StrategicMergePatchError,
    );
  });
});
