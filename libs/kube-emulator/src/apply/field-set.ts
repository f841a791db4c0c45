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

/** Walks a value, adding its owned paths. `names` are the field names on the way (the filter's and listStrategy's input). */
function collect(value: unknown, path: string, names: string[], filter: FieldFilter, out: Set<string>): void {
  const child = (element: string): string => (path === '' ? element : `${path}${SEPARATOR}${element}`);
  if (isObject(value)) {
    let empty = true;
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === null || item === undefined) continue;
      empty = false;
      names.push(key);
      if (filter(names)) collect(item, child(`f:${key}`), names, filter, out);
      names.pop();
    }
    if (empty && path !== '') out.add(path);
    return;
  }
  if (Array.isArray(value)) {
    const strategy = listStrategy(names, true);
    if (strategy.kind === 'atomic') {
      out.add(path);
    } else if (strategy.kind === 'set') {
      for (const item of value) out.add(child(`v:${JSON.stringify(item)}`));
    } else {
      for (const item of value) {
        const key = itemKey(item, strategy);
        if (key === undefined) {
          out.add(path);
          return;
        }
        const itemPath = child(key);
        out.add(itemPath);
        collect(item, itemPath, names, filter, out);
      }
    }
    return;
  }
  out.add(path);
}

/** Every owned path of an object: leaves, atomic lists and keyed list items. */
export function fieldSetOf(object: unknown, filter: FieldFilter): Set<string> {
  const out = new Set<string>();
  collect(object, '', [], filter, out);
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

/** Marks a node owned although it has children: `"."`, listed first as the API server does. */
function markOwnedParent(node: JsonObject): void {
  if ('.' in node) return;
  const children = Object.entries(node);
  for (const [element] of children) delete node[element];
  node['.'] = {};
  for (const [element, child] of children) node[element] = child;
}

/** Serialises a field set to the nested `fieldsV1` form stored in managedFields. */
export function toFieldsV1(set: ReadonlySet<string>): JsonObject {
  const root: JsonObject = {};
  const owned = new Set<JsonObject>();
  for (const key of set) {
    let node = root;
    for (const element of decodePath(key)) {
      let child = node[element] as JsonObject | undefined;
      if (!child) {
        if (owned.has(node)) markOwnedParent(node);
        child = {};
        node[element] = child;
      }
      node = child;
    }
    owned.add(node);
    if (Object.keys(node).length > 0) markOwnedParent(node);
  }
  return root;
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
