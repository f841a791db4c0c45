/**
 * Field sets as server-side apply tracks them: every owned leaf (and every owned list item) as a
 * path of elements in the `fieldsV1` vocabulary: `f:<field>`, `k:{"name":"x"}` (list-map item),
 * `v:<json>` (set item).
 */
import { deepEqual, isObject, type JsonObject } from '../model/json';
import { listStrategy, type ListStrategy } from '../patch/list-strategy';

export type FieldPath = readonly string[];

/** Paths are stored in Sets as strings; elements never contain a NUL. */
const SEPARATOR = '\u0000';

export function encodePath(path: FieldPath): string {
  return path.join(SEPARATOR);
}

export function decodePath(key: string): FieldPath {
  return key === '' ? [] : key.split(SEPARATOR);
}

/** Decides whether a top-level or nested field is tracked at all (e.g. status, metadata.uid). */
export type FieldFilter = (fieldNames: readonly string[]) => boolean;

function fieldNames(path: FieldPath): string[] {
  return path.filter((element) => element.startsWith('f:')).map((element) => element.slice(2));
}

function itemKey(item: unknown, strategy: Extract<ListStrategy, { kind: 'map' }>): string | undefined {
  if (!isObject(item)) return undefined;
  const key: JsonObject = {};
  for (const name of strategy.keys) {
    const value = item[name] ?? strategy.defaults[name];
    if (value === undefined) {
      if (name === strategy.keys[0]) return undefined;
      continue;
    }
    key[name] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

function collect(value: unknown, path: string[], filter: FieldFilter, out: Set<string>): void {
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== null && item !== undefined);
    if (entries.length === 0 && path.length > 0) out.add(encodePath(path));
    for (const [key, item] of entries) {
      const child = [...path, `f:${key}`];
      if (filter(fieldNames(child))) collect(item, child, filter, out);
    }
    return;
  }
  if (Array.isArray(value)) {
    const strategy = listStrategy(fieldNames(path), true);
    if (strategy.kind === 'atomic') {
      out.add(encodePath(path));
    } else if (strategy.kind === 'set') {
      for (const item of value) out.add(encodePath([...path, `v:${JSON.stringify(item)}`]));
    } else {
      for (const item of value) {
        const key = itemKey(item, strategy);
        if (key === undefined) {
          out.add(encodePath(path));
          return;
        }
        const itemPath = [...path, key];
        out.add(encodePath(itemPath));
        collect(item, itemPath, filter, out);
      }
    }
    return;
  }
  out.add(encodePath(path));
}

/** Every owned path of an object: leaves, atomic lists and keyed list items. */
export function fieldSetOf(object: unknown, filter: FieldFilter): Set<string> {
  const out = new Set<string>();
  collect(object, [], filter, out);
  return out;
}

function isItem(element: string): boolean {
  return element.startsWith('k:') || element.startsWith('v:');
}

/** Finds the value a path points to, or undefined. */
export function valueAt(object: unknown, path: FieldPath): unknown {
  let current: unknown = object;
  const names: string[] = [];
  for (const element of path) {
    if (element.startsWith('f:')) {
      const name = element.slice(2);
      names.push(name);
      current = isObject(current) ? current[name] : undefined;
    } else if (Array.isArray(current)) {
      current = findItem(current, element, listStrategy(names, true));
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

function findItem(list: unknown[], element: string, strategy: ListStrategy): unknown {
  if (element.startsWith('v:')) {
    const wanted: unknown = JSON.parse(element.slice(2));
    return list.find((item) => deepEqual(item, wanted));
  }
  if (strategy.kind !== 'map') return undefined;
  return list.find((item) => itemKey(item, strategy) === element);
}

/** Removes what a path points to (a field or a list item); missing paths are ignored. */
export function removePath(object: unknown, path: FieldPath): void {
  const last = path[path.length - 1];
  if (last === undefined) return;
  const parentPath = path.slice(0, -1);
  const parent = valueAt(object, parentPath);
  if (last.startsWith('f:')) {
    if (isObject(parent)) delete parent[last.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const item = findItem(parent, last, listStrategy(fieldNames(parentPath), true));
  const index = parent.indexOf(item);
  if (index >= 0) parent.splice(index, 1);
}

interface FieldNode {
  owned: boolean;
  children: Map<string, FieldNode>;
}

function serialise(node: FieldNode): JsonObject {
  const result: JsonObject = node.owned && node.children.size > 0 ? { '.': {} } : {};
  for (const [element, child] of node.children) result[element] = serialise(child);
  return result;
}

/** Serialises a field set to the nested `fieldsV1` form stored in managedFields. */
export function toFieldsV1(set: ReadonlySet<string>): JsonObject {
  const root: FieldNode = { owned: false, children: new Map() };
  for (const key of set) {
    let node = root;
    for (const element of decodePath(key)) {
      let child = node.children.get(element);
      if (!child) {
        child = { owned: false, children: new Map() };
        node.children.set(element, child);
      }
      node = child;
    }
    node.owned = true;
  }
  return serialise(root);
}

/** Parses `fieldsV1` back into a field set. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: string[]): void => {
    if (!isObject(node)) return;
    const children = Object.keys(node).filter((key) => key !== '.');
    if (path.length > 0 && ('.' in node || children.length === 0)) out.add(encodePath(path));
    for (const key of children) walk(node[key], [...path, key]);
  };
  walk(fields, []);
  return out;
}

/** `.spec.template.spec.containers[name="app"].image`, the form conflict messages use. */
export function formatPath(path: FieldPath): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('v:')) return `[${element.slice(2)}]`;
      const key: unknown = JSON.parse(element.slice(2));
      const parts = isObject(key)
        ? Object.entries(key).map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        : [];
      return `[${parts.join(',')}]`;
    })
    .join('');
}

export function isItemPath(path: FieldPath): boolean {
  const last = path[path.length - 1];
  return last !== undefined && isItem(last);
}

export function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((element, i) => path[i] === element);
}
