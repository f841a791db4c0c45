import { negotiate } from './negotiation';
import { parseApiPath } from './request-info';

describe('parseApiPath', () => {
  it.each([
    [
      '/api/v1/namespaces',
      {
        kind: 'resource',
        group: '',
        version: 'v1',
        resource: 'namespaces',
        name: undefined,
        namespace: undefined,
      },
    ],
    [
      '/api/v1/namespaces/edge',
      { kind: 'resource', resource: 'namespaces', name: 'edge', namespace: undefined },
    ],
    [
      '/api/v1/namespaces/edge/status',
      { kind: 'resource', resource: 'namespaces', name: 'edge', subresource: 'status' },
    ],
    [
      '/api/v1/namespaces/edge/pods',
      { kind: 'resource', resource: 'pods', namespace: 'edge', name: undefined },
    ],
    [
      '/api/v1/namespaces/edge/pods/p1/status',
      { kind: 'resource', resource: 'pods', namespace: 'edge', name: 'p1', subresource: 'status' },
    ],
    [
      '/apis/apps/v1/namespaces/edge/deployments/web/scale',
      { kind: 'resource', group: 'apps', resource: 'deployments', name: 'web', subresource: 'scale' },
    ],
    [
      '/api/v1/watch/namespaces/edge/pods',
      { kind: 'resource', resource: 'pods', namespace: 'edge', watchPrefix: true },
    ],
    ['/api/v1/nodes/n1', { kind: 'resource', resource: 'nodes', name: 'n1' }],
    ['/api', { kind: 'legacy-versions' }],
    ['/api/v1', { kind: 'group-version', group: '', version: 'v1' }],
    ['/apis', { kind: 'group-list' }],
    ['/apis/apps', { kind: 'group', group: 'apps' }],
    ['/apis/apps/v1', { kind: 'group-version', group: 'apps', version: 'v1' }],
    ['/openapi/v3/apis/apps/v1', { kind: 'openapi-v3', path: 'apis/apps/v1' }],
    ['/readyz', { kind: 'health', check: 'readyz' }],
    ['/version', { kind: 'version' }],
    ['/emulator/faults', { kind: 'faults' }],
    ['/api/v1/namespaces/edge/pods/p1/log/extra', { kind: 'unknown' }],
    ['/metrics', { kind: 'unknown' }],
  ])('%s', (path, expected) => {
    expect(parseApiPath(path)).toMatchObject(expected);
  });
});

describe('negotiate', () => {
  it.each([
    [undefined, { kind: 'object' }],
    ['application/json', { kind: 'object' }],
    ['application/vnd.kubernetes.protobuf,application/json', { kind: 'object' }],
    [
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      { kind: 'table', version: 'v1' },
    ],
    ['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1', { kind: 'metadata', version: 'v1' }],
    [
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      { kind: 'discovery', version: 'v2' },
    ],
    ['application/json;as=Table;v=v9;g=meta.k8s.io,application/json', { kind: 'object' }],
  ])('%s', (accept, expected) => {
    expect(negotiate(accept)).toEqual(expected);
  });

  it('refuses what it cannot produce', () => {
    expect(negotiate('application/vnd.kubernetes.protobuf')).toBeUndefined();
    expect(negotiate('application/cbor')).toBeUndefined();
  });
});
