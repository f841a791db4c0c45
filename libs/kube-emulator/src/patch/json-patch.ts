/** RFC 6902 JSON patch (`application/json-patch+json`). */
import { deepClone, deepEqual, isObject } from '../model/json';

export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toOperation(raw: unknown): Operation {
  if (!isObject(raw) || typeof raw.op !== 'string' || !OPS.has(raw.op) || typeof raw.path !== 'string') {
    throw new JsonPatchError(`invalid JSON patch operation ${JSON.stringify(raw)}`);
  }
  if ((raw.op === 'move' || raw.op === 'copy') && typeof raw.from !== 'string') {
    throw new JsonPatchError(`"${raw.op}" operation requires "from"`);
  }
  if ((raw.op === 'add' || raw.op === 'replace' || raw.op === 'test') && !('value' in raw)) {
    throw new JsonPatchError(`"${raw.op}" operation requires "value"`);
  }
  return raw as unknown as Operation;
}

function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (forInsert && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchError(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > length || (!forInsert && index === length))
    throw new JsonPatchError(`array index ${index} out of range`);
  return index;
}

function resolve(document: unknown, tokens: readonly string[]): unknown {
  let current = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      current = current[arrayIndex(token, current.length, false)];
    } else if (isObject(current) && token in current) {
      current = current[token];
    } else {
      throw new JsonPatchError(`path "/${tokens.join('/')}" does not exist`);
    }
  }
  return current;
}

/** Returns the parent container of the final token, which must exist. */
function parentOf(document: unknown, tokens: readonly string[]): { parent: unknown; last: string } {
  const last = tokens[tokens.length - 1];
  if (last === undefined) throw new JsonPatchError('the root cannot be the target of this operation');
  return { parent: resolve(document, tokens.slice(0, -1)), last };
}

function add(document: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent.length, true), 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw new JsonPatchError(`cannot add to a non-container at "/${tokens.join('/')}"`);
  }
  return document;
}

function remove(document: unknown, tokens: string[]): unknown {
  const { parent, last } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent.length, false), 1);
  } else if (isObject(parent) && last in parent) {
    delete parent[last];
  } else {
    throw new JsonPatchError(`path "/${tokens.join('/')}" does not exist`);
  }
  return document;
}

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let document = deepClone(target);
  for (const raw of patch) {
    const operation = toOperation(raw);
    const tokens = parsePointer(operation.path);
    switch (operation.op) {
      case 'add':
        document = add(document, tokens, deepClone(operation.value));
        break;
      case 'remove':
        document = remove(document, tokens);
        break;
      case 'replace':
        resolve(document, tokens);
        document =
          tokens.length === 0
            ? deepClone(operation.value)
            : add(remove(document, tokens), tokens, deepClone(operation.value));
        break;
      case 'move': {
        const from = parsePointer(operation.from ?? '');
        const value = resolve(document, from);
        document = add(remove(document, from), tokens, value);
        break;
      }
      case 'copy':
        document = add(document, tokens, deepClone(resolve(document, parsePointer(operation.from ?? ''))));
        break;
      case 'test':
        if (!deepEqual(resolve(document, tokens), operation.value)) {
          throw new JsonPatchError(`test operation failed at "${operation.path}"`);
        }
        break;
    }
  }
  return document;
}
