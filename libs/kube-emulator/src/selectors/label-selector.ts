/** Label selectors: the `labelSelector` query string and the `metav1.LabelSelector` object. */
import { asArray, asString, asStringMap, isObject } from '../model/json';

export type LabelOperator = 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Gt' | 'Lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = readonly LabelRequirement[];

export class SelectorParseError extends Error {
  constructor(
    readonly selector: string,
    why: string,
  ) {
    super(`unable to parse requirement: ${why} in selector "${selector}"`);
    this.name = 'SelectorParseError';
  }
}

const KEY = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9.]*[A-Za-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EXISTS = new RegExp(`^(${KEY})$`);
const NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const NUMERIC = new RegExp(`^(${KEY})\\s*([<>])\\s*(-?\\d+)$`);
const SET_VALUE = new RegExp(`^${VALUE}$`);

/** Splits on commas that are not inside a parenthesised value set. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function parseRequirement(text: string, selector: string): LabelRequirement {
  let match = NOT_EXISTS.exec(text);
  if (match?.[1]) return { key: match[1], operator: 'DoesNotExist', values: [] };
  match = EXISTS.exec(text);
  if (match?.[1]) return { key: match[1], operator: 'Exists', values: [] };
  match = EQUALITY.exec(text);
  if (match?.[1] && match[2] !== undefined) {
    return { key: match[1], operator: match[2] === '!=' ? 'NotEquals' : 'Equals', values: [match[3] ?? ''] };
  }
  match = SET.exec(text);
  if (match?.[1] && match[3] !== undefined) {
    const values = match[3].split(',').map((value) => value.trim());
    const bad = values.find((value) => !SET_VALUE.test(value));
    if (bad !== undefined) throw new SelectorParseError(selector, `invalid label value "${bad}"`);
    return { key: match[1], operator: match[2] === 'in' ? 'In' : 'NotIn', values };
  }
  match = NUMERIC.exec(text);
  if (match?.[1] && match[3] !== undefined) {
    return { key: match[1], operator: match[2] === '>' ? 'Gt' : 'Lt', values: [match[3]] };
  }
  throw new SelectorParseError(
    selector,
    `found '${text}', expected: key, !key, key=value, key!=value, key in (...), key notin (...)`,
  );
}

export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.trim() === '') return [];
  return splitTopLevel(selector).map((part) => parseRequirement(part.trim(), selector));
}

export function matchesRequirement(
  labels: Readonly<Record<string, string>>,
  requirement: LabelRequirement,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Equals':
    case 'In':
      return value !== undefined && requirement.values.includes(value);
    case 'NotEquals':
    case 'NotIn':
      return value === undefined || !requirement.values.includes(value);
    case 'Gt':
    case 'Lt': {
      const actual = Number(value);
      const bound = Number(requirement.values[0]);
      if (value === undefined || !Number.isInteger(actual)) return false;
      return requirement.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

export function matchesLabels(
  labels: Readonly<Record<string, string>> | undefined,
  selector: LabelSelector,
): boolean {
  const actual = labels ?? {};
  return selector.every((requirement) => matchesRequirement(actual, requirement));
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = {
  In: 'In',
  NotIn: 'NotIn',
  Exists: 'Exists',
  DoesNotExist: 'DoesNotExist',
};

/**
 * Converts a metav1.LabelSelector object (matchLabels + matchExpressions).
 * Returns undefined for a missing selector; an empty one selects everything.
 */
export function fromLabelSelectorObject(value: unknown): LabelSelector | undefined {
  if (!isObject(value)) return undefined;
  const requirements: LabelRequirement[] = Object.entries(asStringMap(value.matchLabels)).map(
    ([key, label]) => ({
      key,
      operator: 'Equals',
      values: [label],
    }),
  );
  for (const expression of asArray(value.matchExpressions)) {
    if (!isObject(expression)) continue;
    const key = asString(expression.key);
    const operator = EXPRESSION_OPERATORS[asString(expression.operator) ?? ''];
    if (!key || !operator)
      throw new SelectorParseError(JSON.stringify(expression), 'invalid match expression');
    requirements.push({
      key,
      operator,
      values: asArray(expression.values).filter((v): v is string => typeof v === 'string'),
    });
  }
  return requirements;
}

/** The query-string form, as shown in Scale.status.selector and kubectl's wide output. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'Exists':
          return key;
        case 'DoesNotExist':
          return `!${key}`;
        case 'Equals':
          return `${key}=${values[0] ?? ''}`;
        case 'NotEquals':
          return `${key}!=${values[0] ?? ''}`;
        case 'In':
          return `${key} in (${values.join(',')})`;
        case 'NotIn':
          return `${key} notin (${values.join(',')})`;
        case 'Gt':
          return `${key}>${values[0] ?? ''}`;
        case 'Lt':
          return `${key}<${values[0] ?? ''}`;
      }
    })
    .join(',');
}
