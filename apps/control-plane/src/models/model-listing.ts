import type { ModelVersionRecord } from '@polis/contracts';
import { compareVersions, isPrerelease } from './semver';

export interface ModelSummary {
  name: string;
  /**
   * Highest release neither deprecated nor quarantined; a prerelease only when there is no such release;
   * null when every version is deprecated or quarantined.
   */
  latestVersion: string | null;
  task: ModelVersionRecord['metadata']['task'];
  versions: number;
  deprecatedVersions: number;
  quarantinedVersions: number;
  updatedAt: string;
}

export interface VersionSummary {
  version: string;
  sha256: string;
  sizeBytes: number;
  createdAt: string;
  smokeTest: ModelVersionRecord['smokeTest'];
  deprecated?: ModelVersionRecord['deprecated'];
  quarantined?: ModelVersionRecord['quarantined'];
}

export function latestVersion(records: readonly ModelVersionRecord[]): string | null {
  const live = records.filter((r) => !r.deprecated && !r.quarantined).map((r) => r.version);
  const releases = live.filter((v) => !isPrerelease(v));
  const candidates = releases.length > 0 ? releases : live;
  return candidates.sort(compareVersions).at(-1) ?? null;
}

/** Versions of one model, newest first. */
export function summarizeVersions(records: readonly ModelVersionRecord[]): VersionSummary[] {
  return [...records]
    .sort((a, b) => compareVersions(b.version, a.version))
    .map(({ version, sha256, sizeBytes, createdAt, smokeTest, deprecated, quarantined }) => ({
      version,
      sha256,
      sizeBytes,
      createdAt,
      smokeTest,
      ...(deprecated ? { deprecated } : {}),
      ...(quarantined ? { quarantined } : {}),
    }));
}

/** One line per model name, sorted by name; the task is the one of its latest version. */
export function summarizeModels(records: readonly ModelVersionRecord[]): ModelSummary[] {
  const byName = new Map<string, ModelVersionRecord[]>();
  for (const record of records) byName.set(record.name, [...(byName.get(record.name) ?? []), record]);
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, versions]) => {
      const latest = latestVersion(versions);
      const newest = [...versions].sort((a, b) => compareVersions(a.version, b.version)).at(-1)!;
      const shown = versions.find((v) => v.version === latest) ?? newest;
      return {
        name,
        latestVersion: latest,
        task: shown.metadata.task,
        versions: versions.length,
        deprecatedVersions: versions.filter((v) => v.deprecated).length,
        quarantinedVersions: versions.filter((v) => v.quarantined).length,
        updatedAt: versions
          .map((v) => v.deprecated?.at ?? v.createdAt)
          .sort()
          .at(-1)!,
      };
    });
}
