import type { ModelVersionRecord } from '@polis/contracts';
import { latestVersion, summarizeModels, summarizeVersions } from './model-listing';

let clock = Date.parse('2025-01-01T00:00:00Z');

function record(
  name: string,
  version: string,
  options: { deprecated?: boolean; quarantined?: boolean; task?: string } = {},
) {
  clock += 60_000;
  return {
    name,
    version,
    sha256: version.padEnd(64, '0'),
    sizeBytes: 10,
    createdAt: new Date(clock).toISOString(),
    metadata: { task: options.task ?? 'forecast' },
    insight: {},
    smokeTest: { sessionCreated: true, inferenceOk: true, latencyMs: 1 },
    ...(options.deprecated ? { deprecated: { at: new Date(clock + 1).toISOString(), reason: 'old' } } : {}),
    ...(options.quarantined
      ? { quarantined: { at: new Date(clock + 1).toISOString(), reason: 'breached', siteId: 's' } }
      : {}),
  } as unknown as ModelVersionRecord;
}

describe(latestVersion.name, () => {
  it('prefers the highest release, by precedence and not by upload order', () => {
    expect(latestVersion([record('m', '1.10.0'), record('m', '1.9.0'), record('m', '2.0.0-rc.1')])).toBe(
      '1.10.0',
    );
  });

  it('skips deprecated versions, falls back to prereleases, and gives null when nothing is live', () => {
    expect(latestVersion([record('m', '1.0.0', { deprecated: true }), record('m', '0.9.0')])).toBe('0.9.0');
    expect(latestVersion([record('m', '1.0.0-rc.2'), record('m', '1.0.0-rc.10')])).toBe('1.0.0-rc.10');
    expect(latestVersion([record('m', '1.0.0', { deprecated: true })])).toBeNull();
  });
});

describe('quarantined versions', () => {
  it('are never the latest: the highest healthy release is, or null when none is left', () => {
    expect(latestVersion([record('m', '1.0.0'), record('m', '1.1.0', { quarantined: true })])).toBe('1.0.0');
    expect(latestVersion([record('m', '1.1.0', { quarantined: true }), record('m', '1.2.0-rc.1')])).toBe(
      '1.2.0-rc.1',
    );
    expect(latestVersion([record('m', '1.1.0', { quarantined: true })])).toBeNull();
  });

  it('are counted and flagged with where and why', () => {
    const records = [record('m', '1.0.0'), record('m', '1.1.0', { quarantined: true })];
    expect(summarizeModels(records)[0]).toMatchObject({ latestVersion: '1.0.0', quarantinedVersions: 1 });
    expect(summarizeVersions(records)[0]).toMatchObject({
      version: '1.1.0',
      quarantined: { reason: 'breached', siteId: 's' },
    });
    expect(summarizeVersions(records)[1]).not.toHaveProperty('quarantined');
  });
});

describe(summarizeModels.name, () => {
  it('groups by name, counts versions and deprecations, and reports the latest task', () => {
    const records = [
      record('b', '1.0.0', { task: 'forecast' }),
      record('a', '1.0.0'),
      record('b', '2.0.0', { task: 'classification' }),
      record('b', '3.0.0', { deprecated: true, task: 'other' }),
    ];
    const summaries = summarizeModels(records);
    expect(summaries.map((s) => [s.name, s.latestVersion, s.task, s.versions, s.deprecatedVersions])).toEqual(
      [
        ['a', '1.0.0', 'forecast', 1, 0],
        ['b', '2.0.0', 'classification', 3, 1],
      ],
    );
    expect(summaries[1].updatedAt).toBe(records[3].deprecated!.at);
  });
});

describe(summarizeVersions.name, () => {
  it('lists newest first and flags deprecated versions', () => {
    const summaries = summarizeVersions([
      record('m', '1.0.0'),
      record('m', '1.1.0', { deprecated: true }),
      record('m', '0.1.0'),
    ]);
    expect(summaries.map((s) => [s.version, Boolean(s.deprecated)])).toEqual([
      ['1.1.0', true],
      ['1.0.0', false],
      ['0.1.0', false],
    ]);
  });
});
