/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds, as kubectl
 * (client-side apply, edit, scale) and helm (upgrade, rollback) send it: keyed lists merge by their
 * merge key, `$patch: replace|delete`, `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…`.
 */
import { deepClone, deepEqual, isObject, type JsonObject } from '../model/json';
import { listStrategy } from './list-strategy';

export class StrategicMergePatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategicMergePatchError';
  }
}

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';

function isDirectiveKey(key: string): boolean {
  return (
    key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE)
  );
}

/** Removes patch directives from a value that is inserted as is. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => !(isObject(item) && item[PATCH] !== undefined)).map(stripDirectives);
  }
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isDirectiveKey(key) && item !== null) result[key] = stripDirectives(item);
  }
  return result;
}

function orderBy(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const identity = (item: unknown): unknown => (key && isObject(item) ? item[key] : item);
  const rank = new Map<string, number>();
  order.forEach((item, index) => rank.set(JSON.stringify(identity(item)), index));
  const ranked = list.map((item, index) => ({ item, index, rank: rank.get(JSON.stringify(identity(item))) }));
  ranked.sort(
    (a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) || a.index - b.index,
  );
  return ranked.map(({ item }) => item);
}

function mergeList(original: unknown, patch: unknown[], path: string[]): unknown[] {
  const strategy = listStrategy(path, false);
  const current: unknown[] = Array.isArray(original) ? (original as unknown[]) : [];
  if (strategy.kind === 'atomic') return stripDirectives(patch) as unknown[];
  if (strategy.kind === 'set') {
    const result = [...current];
    for (const item of patch) if (!result.some((existing) => deepEqual(existing, item))) result.push(item);
    return result;
  }
  const key = strategy.keys[0] ?? 'name';
  if (patch.some((item) => isObject(item) && item[PATCH] === 'replace')) {
    return stripDirectives(
      patch.filter((item) => !(isObject(item) && item[PATCH] === 'replace')),
    ) as unknown[];
  }
  let result = [...current];
  for (const item of patch) {
    if (!isObject(item))
      throw new StrategicMergePatchError(`list ${path.join('.')} expects objects keyed by "${key}"`);
    if (item[key] === undefined)
      throw new StrategicMergePatchError(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`,
      );
    const index = result.findIndex((existing) => isObject(existing) && deepEqual(existing[key], item[key]));
    if (item[PATCH] === 'delete') {
      if (index >= 0) result = result.filter((_, i) => i !== index);
    } else if (index >= 0) {
      result[index] = mergeMap(result[index], item, path);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

function mergeMap(original: unknown, patch: JsonObject, path: string[]): JsonObject {
  if (patch[PATCH] === 'replace') return stripDirectives(patch) as JsonObject;
  const result: JsonObject = isObject(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete result[key];
    } else if (isObject(value) && value[PATCH] === 'delete') {
      delete result[key];
    } else if (isObject(value)) {
      result[key] = mergeMap(result[key], value, [...path, key]);
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, [...path, key]);
    } else {
      result[key] = value;
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE) && Array.isArray(value)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE.length);
      const list = result[field];
      if (Array.isArray(list))
        result[field] = list.filter((item) => !value.some((gone) => deepEqual(gone, item)));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ORDER) && Array.isArray(value)) {
      const field = key.slice(SET_ORDER.length);
      const list = result[field];
      const strategy = listStrategy([...path, field], false);
      if (Array.isArray(list))
        result[field] = orderBy(list, value, strategy.kind === 'map' ? strategy.keys[0] : undefined);
    }
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw new StrategicMergePatchError('a strategic merge patch must be a JSON object');
  return mergeMap(deepClone(target), patch, []);
}
