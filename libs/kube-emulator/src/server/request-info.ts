/** Decodes an API path the way the API server's RequestInfoFactory does. */

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** The legacy `/watch/` path prefix was used. */
  watchPrefix: boolean;
}

export type ApiRequest =
  | ResourceRequest
  | { kind: 'root' }
  | { kind: 'version' }
  | { kind: 'health'; check: string }
  | { kind: 'legacy-versions' }
  | { kind: 'group-list' }
  | { kind: 'group'; group: string }
  | { kind: 'group-version'; group: string; version: string }
  | { kind: 'openapi-v2' }
  | { kind: 'openapi-v3'; path: string }
  | { kind: 'faults' }
  | { kind: 'unknown' };

/** `namespaces/{name}/{x}` addresses the namespace's own subresource only for these. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const HEALTH_CHECKS = new Set(['healthz', 'readyz', 'livez']);

function resourceRequest(group: string, version: string, rest: string[]): ApiRequest {
  let parts = rest;
  let watchPrefix = false;
  if (parts[0] === 'watch') {
    watchPrefix = true;
    parts = parts.slice(1);
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  const [resource, name, subresource, ...extra] = parts;
  if (!resource || extra.length > 0) return { kind: 'unknown' };
  return { kind: 'resource', group, version, namespace, resource, name, subresource, watchPrefix };
}

export function parseApiPath(pathname: string): ApiRequest {
  const parts = pathname
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const [first, second, third, ...rest] = parts;
  if (first === undefined) return { kind: 'root' };
  if (parts.length === 1 && first === 'version') return { kind: 'version' };
  if (HEALTH_CHECKS.has(first)) return { kind: 'health', check: parts.join('/') };
  if (first === 'emulator' && second === 'faults' && parts.length === 2) return { kind: 'faults' };
  if (first === 'openapi') {
    if (second === 'v2' && parts.length === 2) return { kind: 'openapi-v2' };
    if (second === 'v3') return { kind: 'openapi-v3', path: parts.slice(2).join('/') };
    return { kind: 'unknown' };
  }
  if (first === 'api') {
    if (second === undefined) return { kind: 'legacy-versions' };
    if (third === undefined) return { kind: 'group-version', group: '', version: second };
    return resourceRequest('', second, [third, ...rest]);
  }
  if (first === 'apis') {
    if (second === undefined) return { kind: 'group-list' };
    if (third === undefined) return { kind: 'group', group: second };
    if (rest.length === 0) return { kind: 'group-version', group: second, version: third };
    return resourceRequest(second, third, rest);
  }
  return { kind: 'unknown' };
}
