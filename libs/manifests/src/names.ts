import { createHash } from 'node:crypto';

/** RFC 1123 label: what Kubernetes accepts as the name of a Namespace, ConfigMap or Deployment. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1035 label: a Service name must also start with a letter (it becomes a DNS name). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;

const NAME_HASH_CHARS = 8;

export function isDns1123Label(name: string): boolean {
  return name.length <= DNS_LABEL_MAX && DNS1123_LABEL.test(name);
}

export function isDns1035Label(name: string): boolean {
  return name.length <= DNS_LABEL_MAX && DNS1035_LABEL.test(name);
}

/**
 * `${base}${suffix}` when it fits in a DNS label; otherwise the base is cut and a hash of the full,
 * uncut name is put before the suffix so that two long names sharing a prefix still differ, and the
 * same input always yields the same name (server-side apply must find its own object again).
 * The caller passes parts that are already DNS-1123 labels, so only length needs care here.
 */
export function boundedName(base: string, suffix = ''): string {
  const full = `${base}${suffix}`;
  if (full.length <= DNS_LABEL_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, NAME_HASH_CHARS);
  const room = DNS_LABEL_MAX - suffix.length - NAME_HASH_CHARS - 1;
  if (room < 1) throw new RangeError(`suffix "${suffix}" leaves no room for a name`);
  const head = base.slice(0, room).replace(/-+$/, '');
  return `${head}-${hash}${suffix}`;
}
