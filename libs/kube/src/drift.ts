import { parseQuantity } from '@polis/quantity';

/** Fields whose values are resource quantities: the API server may write "1" back as "1000m". */
function isQuantityPath(path: readonly string[]): boolean {
  return path.includes('resources') || path.includes('overhead') || path[path.length - 1] === 'sizeLimit';
}

function sameQuantity(a: string, b: string): boolean {
  try {
    return parseQuantity(a) === parseQuantity(b);
  } catch {
    return false;
  }
}

/**
 * True when everything `desired` sets is in `live` with the same value: the live object may carry
 * more (defaults, status, other managers' fields), not less or different. Lists must have the same
 * length, each element matching in order, as server-side apply leaves the lists Polis owns.
 * This is how the reconciler tells drift (someone changed a field Polis sets) from noise.
 */
export function satisfies(desired: unknown, live: unknown, path: readonly string[] = []): boolean {
  if (desired === undefined || desired === null) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((item, index) => satisfies(item, live[index], [...path, String(index)]))
    );
  }
  if (typeof desired === 'object') {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    const liveRecord = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([key, value]) =>
      satisfies(value, liveRecord[key], [...path, key]),
    );
  }
  if (desired === live) return true;
  return (
    typeof desired === 'string' &&
    typeof live === 'string' &&
    isQuantityPath(path) &&
    sameQuantity(desired, live)
  );
}
