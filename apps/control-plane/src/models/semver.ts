import { SEMVER_PATTERN } from '@polis/contracts';

interface ParsedVersion {
  core: [number, number, number];
  prerelease: string[];
}

function parse(version: string): ParsedVersion {
  if (!SEMVER_PATTERN.test(version)) throw new RangeError(`"${version}" is not a semantic version`);
  const [core, ...rest] = version.split('-');
  const [major, minor, patch] = core.split('.').map(Number);
  const prerelease = rest.length > 0 ? rest.join('-').split('.') : [];
  return { core: [major, minor, patch], prerelease };
}

const NUMERIC = /^\d+$/;

function compareIdentifiers(a: string, b: string): number {
  const [aNumeric, bNumeric] = [NUMERIC.test(a), NUMERIC.test(b)];
  if (aNumeric && bNumeric) return Math.sign(Number(a) - Number(b));
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1; // numeric identifiers rank below alphanumeric ones
  return a < b ? -1 : a > b ? 1 : 0; // ASCII order, as SemVer 2.0.0 §11 says
}

/** SemVer 2.0.0 precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    if (pa.core[i] !== pb.core[i]) return Math.sign(pa.core[i] - pb.core[i]);
  }
  // A release ranks above any of its prereleases.
  if (pa.prerelease.length === 0 || pb.prerelease.length === 0) {
    return Math.sign(pb.prerelease.length - pa.prerelease.length);
  }
  for (let i = 0; i < Math.min(pa.prerelease.length, pb.prerelease.length); i++) {
    const order = compareIdentifiers(pa.prerelease[i], pb.prerelease[i]);
    if (order !== 0) return order;
  }
  return Math.sign(pa.prerelease.length - pb.prerelease.length);
}

export function isPrerelease(version: string): boolean {
  return parse(version).prerelease.length > 0;
}
