/** Validation the real API server performs that clients visibly depend on (422 Invalid). */
import { asArray, asString, isObject } from '../model/json';
import type { KubeObject, StatusCause } from '../model/types';
import { fromLabelSelectorObject, matchesLabels, SelectorParseError } from '../selectors/label-selector';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);

function nameCauses(object: KubeObject): StatusCause[] {
  const name = object.metadata.name ?? '';
  if (name === '')
    return [
      {
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      },
    ];
  if (LABEL_NAMED_KINDS.has(object.kind)) {
    if (name.length > 63 || !DNS_LABEL.test(name)) {
      return [
        {
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
        },
      ];
    }
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return [
      {
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ];
  }
  return [];
}

function labelCauses(object: KubeObject): StatusCause[] {
  return Object.entries(object.metadata.labels ?? {})
    .filter(([, value]) => typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value))
    .map(([key, value]) => ({
      field: `metadata.labels`,
      message: `Invalid value: "${String(value)}": a valid label value for "${key}" must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`,
    }));
}

function containerCauses(podSpec: unknown, field: string): StatusCause[] {
  if (!isObject(podSpec)) return [{ field, reason: 'FieldValueRequired', message: 'Required value' }];
  const containers = asArray(podSpec.containers);
  if (containers.length === 0)
    return [{ field: `${field}.containers`, reason: 'FieldValueRequired', message: 'Required value' }];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  containers.forEach((container, index) => {
    const name = isObject(container) ? asString(container.name) : undefined;
    const image = isObject(container) ? asString(container.image) : undefined;
    if (!name)
      causes.push({
        field: `${field}.containers[${index}].name`,
        reason: 'FieldValueRequired',
        message: 'Required value',
      });
    else if (seen.has(name))
      causes.push({
        field: `${field}.containers[${index}].name`,
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${name}"`,
      });
    if (name) seen.add(name);
    if (!image)
      causes.push({
        field: `${field}.containers[${index}].image`,
        reason: 'FieldValueRequired',
        message: 'Required value',
      });
  });
  return causes;
}

function workloadCauses(object: KubeObject): StatusCause[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const template = isObject(spec.template) ? spec.template : {};
  const causes = containerCauses(template.spec, 'spec.template.spec');
  let selector;
  try {
    selector = fromLabelSelectorObject(spec.selector);
  } catch (error) {
    if (!(error instanceof SelectorParseError)) throw error;
    return [...causes, { field: 'spec.selector', message: `Invalid value: ${error.message}` }];
  }
  if (!selector)
    return [...causes, { field: 'spec.selector', reason: 'FieldValueRequired', message: 'Required value' }];
  if (selector.length === 0)
    return [
      ...causes,
      { field: 'spec.selector', message: 'Invalid value: empty selector is invalid for deployment' },
    ];
  const templateLabels =
    isObject(template.metadata) && isObject(template.metadata.labels)
      ? (template.metadata.labels as Record<string, string>)
      : {};
  if (!matchesLabels(templateLabels, selector)) {
    causes.push({
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${JSON.stringify(templateLabels)}: \`selector\` does not match template \`labels\``,
    });
  }
  const replicas = spec.replicas;
  if (
    replicas !== undefined &&
    (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
  ) {
    causes.push({
      field: 'spec.replicas',
      message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    });
  }
  return causes;
}

export function validateObject(object: KubeObject): StatusCause[] {
  const causes = [...nameCauses(object), ...labelCauses(object)];
  switch (object.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return [...causes, ...workloadCauses(object)];
    case 'Pod':
      return [...causes, ...containerCauses(object.spec, 'spec')];
    default:
      return causes;
  }
}

/** Fields that may not change once set. */
export function validateImmutable(previous: KubeObject, next: KubeObject): StatusCause[] {
  if (next.kind !== 'Deployment' && next.kind !== 'ReplicaSet') return [];
  const before = JSON.stringify(isObject(previous.spec) ? previous.spec.selector : undefined);
  const after = JSON.stringify(isObject(next.spec) ? next.spec.selector : undefined);
  return before === after
    ? []
    : [{ field: 'spec.selector', message: `Invalid value: ${after}: field is immutable` }];
}
