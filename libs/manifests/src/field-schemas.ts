import { TOKEN_PATTERN } from '@polis/contracts';
import { z } from 'zod';
import { DNS1035_LABEL, DNS1123_LABEL, DNS_LABEL_MAX } from './names';
import { QUANTITY_PATTERN, quantityValue } from './quantity';

/** Zod schemas of the Kubernetes and Polis fields a model workload is made of, with errors a person can act on. */

export const dnsLabel = z
  .string()
  .max(DNS_LABEL_MAX, `must be at most ${DNS_LABEL_MAX} characters`)
  .regex(
    DNS1123_LABEL,
    'must be a DNS-1123 label (lowercase letters, digits and "-", alphanumeric at both ends)',
  );

// The model name is a NATS token, a label value and the head of the object names. It starts with a
// letter so that names built from it are also valid Service names (DNS-1035).
export const modelName = z
  .string()
  .max(DNS_LABEL_MAX, `must be at most ${DNS_LABEL_MAX} characters`)
  .regex(
    DNS1035_LABEL,
    'must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter)',
  );

// The site id is a NATS token (contracts' TOKEN_PATTERN) and a label value: the intersection is a DNS-1123 label.
export const siteId = dnsLabel.refine((id) => TOKEN_PATTERN.test(id), `must match ${TOKEN_PATTERN.source}`);

export const sensorKind = z.string().regex(TOKEN_PATTERN, `must match ${TOKEN_PATTERN.source}`);

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
export const labelValue = z
  .string()
  .max(DNS_LABEL_MAX, `must be at most ${DNS_LABEL_MAX} characters`)
  .regex(LABEL_VALUE, 'must be a label value (alphanumerics, "-", "_", "."; alphanumeric at both ends)');

const LABEL_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return LABEL_NAME.test(name);
}
export const labelKey = z
  .string()
  .refine(
    isQualifiedName,
    'must be a qualified name such as "polis.city/zone" (optional DNS prefix, "/", name)',
  );

export const quantity = z
  .string()
  .regex(QUANTITY_PATTERN, 'must be a Kubernetes quantity such as "250m", "1" or "512Mi"');

export const SUBJECT_PREFIX = /^[a-z0-9-]{1,64}(?:\.[a-z0-9-]{1,64}){0,3}$/;
export const IMAGE_REPOSITORY =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const EXTENDED_RESOURCE = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/[a-z0-9](?:[-a-z0-9_.]*[a-z0-9])?$/;

function protocolOf(raw: string): string | undefined {
  try {
    return new URL(raw).protocol;
  } catch {
    return undefined; // already reported by .url()
  }
}

export function urlWithProtocols(protocols: readonly string[]) {
  return z
    .string()
    .url('must be a URL')
    .refine(
      (raw) => {
        const protocol = protocolOf(raw);
        return protocol === undefined || protocols.includes(protocol);
      },
      `must use ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
}

export const resourcePair = (request: string, limit: string) =>
  z
    .object({ request: quantity.default(request), limit: quantity.default(limit) })
    .strict()
    .default({})
    .superRefine((pair, ctx) => {
      const [req, lim] = [quantityValue(pair.request), quantityValue(pair.limit)];
      if (req !== undefined && lim !== undefined && req > lim) {
        ctx.addIssue({ code: 'custom', path: ['request'], message: `exceeds the limit ${pair.limit}` });
      }
    });

export const nodeRequirement = z
  .object({
    key: labelKey,
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(labelValue).max(64).optional(),
  })
  .strict()
  .superRefine((req, ctx) => {
    const hasValues = (req.values?.length ?? 0) > 0;
    const needsValues = req.operator === 'In' || req.operator === 'NotIn';
    if (needsValues !== hasValues) {
      const message = needsValues
        ? `${req.operator} needs at least one value`
        : `${req.operator} takes no values`;
      ctx.addIssue({ code: 'custom', path: ['values'], message });
    }
  });

export const toleration = z
  .object({
    key: labelKey.optional(),
    operator: z.enum(['Equal', 'Exists']).default('Equal'),
    value: labelValue.optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.operator === 'Exists' && t.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'Exists takes no value' });
    }
    if (t.operator === 'Equal' && t.key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'Equal needs a key' });
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      ctx.addIssue({
        code: 'custom',
        path: ['tolerationSeconds'],
        message: 'only applies to the NoExecute effect',
      });
    }
  });
