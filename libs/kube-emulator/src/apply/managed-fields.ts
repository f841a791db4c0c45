/**
 * Field ownership (metadata.managedFields): server-side apply with conflict detection, and the
 * silent ownership transfer that plain create/update/patch requests cause.
 */
import { deepClone, deepEqual, isObject, type JsonObject } from '../model/json';
import type { KubeObject, ManagedFieldsEntry, StatusCause } from '../model/types';
import { listStrategy } from '../patch/list-strategy';
import {
  decodePath,
  fieldSetOf,
  formatPath,
  fromFieldsV1,
  isItemPath,
  removePath,
  startsWith,
  toFieldsV1,
  valueAt,
  type FieldFilter,
  type FieldPath,
} from './field-set';

export interface OwnershipContext {
  manager: string;
  apiVersion: string;
  /** 'status' when the request went to the /status subresource. */
  subresource?: string;
  now: string;
  /** Which fields this request may own (e.g. everything but status on the main resource). */
  filter: FieldFilter;
}

export class ApplyConflictError extends Error {
  constructor(readonly causes: StatusCause[]) {
    super(`Apply failed with ${causes.length} conflict(s)`);
    this.name = 'ApplyConflictError';
  }
}

interface Ownership {
  entry: ManagedFieldsEntry;
  fields: Set<string>;
  /** How many fields `entry` lists. Other managers' sets only ever shrink: same size, same set. */
  recorded: number;
}

/**
 * Parsed field sets of stored managedFields entries. Stored objects are frozen, so an entry's
 * fieldsV1 never changes and is parsed once, not on every write to the object.
 */
const parsedFieldSets = new WeakMap<object, ReadonlySet<string>>();

function fieldsOf(entry: ManagedFieldsEntry): Set<string> {
  const fieldsV1 = entry.fieldsV1;
  if (!Object.isFrozen(fieldsV1)) return fromFieldsV1(fieldsV1);
  let parsed = parsedFieldSets.get(fieldsV1);
  if (!parsed) {
    parsed = fromFieldsV1(fieldsV1);
    parsedFieldSets.set(fieldsV1, parsed);
  }
  // The callers edit the set they get.
  return new Set(parsed);
}

function ownerships(object: KubeObject | undefined): Ownership[] {
  return (object?.metadata.managedFields ?? []).map((entry) => {
    const fields = fieldsOf(entry);
    return { entry, fields, recorded: fields.size };
  });
}

function sameScope(entry: ManagedFieldsEntry, context: OwnershipContext): boolean {
  return (entry.subresource ?? '') === (context.subresource ?? '');
}

function toEntries(list: Ownership[]): ManagedFieldsEntry[] {
  return list
    .filter(({ fields }) => fields.size > 0)
    .map(({ entry, fields, recorded }) =>
      fields.size === recorded ? entry : { ...entry, fieldsV1: toFieldsV1(fields) },
    );
}

function ownEntry(
  context: OwnershipContext,
  operation: ManagedFieldsEntry['operation'],
  fields: Set<string>,
): Ownership {
  return {
    entry: {
      manager: context.manager,
      operation,
      apiVersion: context.apiVersion,
      time: context.now,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      ...(context.subresource ? { subresource: context.subresource } : {}),
    },
    fields,
    recorded: -1,
  };
}

/**
 * Merges an applied configuration into a live object: maps recursively, keyed lists by key. Builds
 * new maps and lists along the applied paths and shares the rest; it edits neither input, and the
 * result takes the applied values themselves (the applied object is the decoded request, used once).
 */
function mergeApplied(live: unknown, applied: unknown, names: string[], filter: FieldFilter): unknown {
  if (isObject(applied)) {
    const result: JsonObject = isObject(live) ? { ...live } : {};
    for (const [key, value] of Object.entries(applied)) {
      if (value === null || value === undefined || !filter([...names, key])) continue;
      result[key] = mergeApplied(result[key], value, [...names, key], filter);
    }
    return result;
  }
  if (Array.isArray(applied)) {
    const strategy = listStrategy(names, true);
    const current: unknown[] = Array.isArray(live) ? [...(live as unknown[])] : [];
    if (strategy.kind === 'set') {
      for (const item of applied)
        if (!current.some((existing) => deepEqual(existing, item))) current.push(item);
      return current;
    }
    if (strategy.kind === 'map') {
      const keyOf = (item: unknown): string =>
        JSON.stringify(
          strategy.keys.map((key) => (isObject(item) ? (item[key] ?? strategy.defaults[key]) : undefined)),
        );
      for (const item of applied) {
        const index = current.findIndex((existing) => keyOf(existing) === keyOf(item));
        if (index >= 0) current[index] = mergeApplied(current[index], item, names, filter);
        else current.push(item);
      }
      return current;
    }
  }
  return applied;
}

/**
 * Server-side apply. Returns the merged object carrying updated managedFields.
 * Throws ApplyConflictError when another manager owns a field the configuration changes (unless forced).
 */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  context: OwnershipContext & { force: boolean },
): KubeObject {
  const appliedFields = fieldSetOf(applied, context.filter);
  const owners = ownerships(live);
  const mine = owners.find(
    ({ entry }) =>
      entry.manager === context.manager && entry.operation === 'Apply' && sameScope(entry, context),
  );
  const others = owners.filter((owner) => owner !== mine);

  const causes: StatusCause[] = [];
  const stolen = new Map<Ownership, string[]>();
  for (const owner of others) {
    // Managers are identified by name and operation: an apply can conflict with its own manager's updates.
    if (!sameScope(owner.entry, context)) continue;
    for (const key of appliedFields) {
      if (!owner.fields.has(key)) continue;
      const path = decodePath(key);
      if (isItemPath(path) || deepEqual(valueAt(live, path), valueAt(applied, path))) continue;
      causes.push({
        reason: 'FieldManagerConflict',
        message: `conflict with "${owner.entry.manager}"${owner.entry.operation === 'Update' ? ` using ${owner.entry.apiVersion}` : ''}: ${formatPath(path)}`,
        field: formatPath(path),
      });
      stolen.set(owner, [...(stolen.get(owner) ?? []), key]);
    }
  }
  if (causes.length > 0 && !context.force) throw new ApplyConflictError(causes);
  for (const [owner, keys] of stolen) for (const key of keys) owner.fields.delete(key);

  const base = live ?? { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const droppedKeys = [...(mine?.fields ?? [])].filter((key) => !appliedFields.has(key));
  // The live object is stored, so frozen: it is copied only when fields have to be removed from it.
  const result = droppedKeys.length > 0 ? deepClone(base) : base;
  if (droppedKeys.length > 0) {
    const ownedElsewhere = others.flatMap(({ fields }) => [...fields].map(decodePath));
    const dropped = droppedKeys
      .map(decodePath)
      .filter((path) => !ownedElsewhere.some((owned) => startsWith(owned, path)))
      .sort((a, b) => a.length - b.length);
    // Remove outer paths first; whatever lies below a removed list item or field goes with it
    // (and could not be found once the item's key field is gone).
    const removed: FieldPath[] = [];
    for (const path of dropped) {
      if (removed.some((outer) => startsWith(path, outer))) continue;
      removePath(result, path);
      removed.push(path);
    }
  }

  const merged = mergeApplied(result, applied, [], context.filter) as KubeObject;
  const next = ownEntry(context, 'Apply', appliedFields);
  const updated = mine ? owners.map((owner) => (owner === mine ? next : owner)) : [...owners, next];
  merged.metadata.managedFields = toEntries(updated);
  return merged;
}

/**
 * Records ownership for a create/update/patch by `context.manager`: it takes every field it
 * changed or added, away from whoever owned it before; removed fields are forgotten.
 */
export function trackUpdate(
  previous: KubeObject | undefined,
  next: KubeObject,
  context: OwnershipContext,
): ManagedFieldsEntry[] {
  const before = previous ? fieldSetOf(previous, context.filter) : new Set<string>();
  const after = fieldSetOf(next, context.filter);
  const changed = [...after].filter(
    (key) =>
      !before.has(key) || !deepEqual(valueAt(previous, decodePath(key)), valueAt(next, decodePath(key))),
  );
  const removed = [...before].filter((key) => !after.has(key));
  const owners = ownerships(previous);
  if (changed.length === 0 && removed.length === 0) return previous?.metadata.managedFields ?? [];

  for (const owner of owners) {
    if (!sameScope(owner.entry, context)) continue;
    for (const key of removed) owner.fields.delete(key);
    if (owner.entry.manager === context.manager && owner.entry.operation === 'Update') continue;
    for (const key of changed) owner.fields.delete(key);
  }
  const mine = owners.find(
    ({ entry }) =>
      entry.manager === context.manager && entry.operation === 'Update' && sameScope(entry, context),
  );
  const fields = new Set([...(mine?.fields ?? []), ...changed].filter((key) => after.has(key)));
  const next_ = ownEntry(context, 'Update', fields);
  const updated = mine ? owners.map((owner) => (owner === mine ? next_ : owner)) : [...owners, next_];
  return toEntries(updated);
}
