import type { KubeObject } from '../model/types';
import { humanDuration, toTable } from './table';

describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each([
    [-5000, '<invalid>'],
    [0, '0s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86_400_000 + 3600_000, '3d1h'],
    [400 * 86_400_000, '400d'],
    [3 * 365 * 86_400_000, '3y'],
  ])('%d ms is %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('toTable', () => {
  const now = new Date('2025-01-01T00:10:00Z');
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'Running',
      podIP: '10.42.0.2',
      containerStatuses: [
        { ready: true, restartCount: 1 },
        { ready: false, restartCount: 2 },
      ],
    },
  };

  it('prints the columns kubectl shows for pods, with metadata rows by default', () => {
    const table = toTable('Pod', [pod], {
      version: 'v1',
      include: 'Metadata',
      resourceVersion: '7',
      now,
    }) as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(table.rows[0]?.cells).toEqual([
      'p',
      '1/2',
      'Running',
      '3',
      '10m',
      '10.42.0.2',
      'n1',
      '<none>',
      '<none>',
    ]);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });

  it('falls back to Name and Age for kinds without printers', () => {
    const table = toTable('Widget', [{ ...pod, kind: 'Widget' }], {
      version: 'v1',
      include: 'None',
      resourceVersion: '1',
      now,
    }) as { rows: { cells: unknown[]; object?: unknown }[] };
    expect(table.rows[0]).toEqual({ cells: ['p', '10m'] });
  });
});
