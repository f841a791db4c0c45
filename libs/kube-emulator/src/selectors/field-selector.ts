/** Field selectors (`fieldSelector=metadata.name=x,status.phase!=Failed`). */
import { getPath } from '../model/json';

export interface FieldRequirement {
  field: string;
  negated: boolean;
  value: string;
}

export type FieldSelector = readonly FieldRequirement[];

export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

/** Splits on separators that are not escaped with a backslash, unescaping as it goes. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (char === '\\' && i + 1 < text.length) {
      current += char + text.charAt(i + 1);
      i += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function parseTerm(term: string): FieldRequirement {
  const operators = ['!=', '==', '='] as const;
  for (const operator of operators) {
    const index = findUnescaped(term, operator);
    if (index >= 0) {
      return {
        field: term.slice(0, index).trim(),
        negated: operator === '!=',
        value: unescape(term.slice(index + operator.length)),
      };
    }
  }
  throw new FieldSelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
}

function findUnescaped(text: string, needle: string): number {
  for (let i = 0; i <= text.length - needle.length; i += 1) {
    if (text.charAt(i) === '\\') {
      i += 1;
      continue;
    }
    if (text.startsWith(needle, i)) return i;
  }
  return -1;
}

/** Parses a field selector, rejecting fields the resource does not index. */
export function parseFieldSelector(selector: string, supported: ReadonlySet<string>): FieldSelector {
  if (selector.trim() === '') return [];
  return splitUnescaped(selector, ',').map((term) => {
    const requirement = parseTerm(term);
    if (!supported.has(requirement.field)) {
      throw new FieldSelectorError(`field label not supported: ${requirement.field}`);
    }
    return requirement;
  });
}

function fieldValue(object: unknown, field: string): string {
  const value = getPath(object, field.split('.'));
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function matchesFields(object: unknown, selector: FieldSelector): boolean {
  return selector.every(({ field, negated, value }) => (fieldValue(object, field) === value) !== negated);
}

/** The single name a selector pins, e.g. kubectl's `metadata.name=x` on watches. */
export function pinnedName(selector: FieldSelector): string | undefined {
  return selector.find((requirement) => requirement.field === 'metadata.name' && !requirement.negated)?.value;
}
