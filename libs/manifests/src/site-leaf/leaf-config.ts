import { leafDeniedSubjects, siteDomain } from '@polis/contracts';
import { LEAF_CLIENT_PORT, LEAF_MONITOR_PORT, LEAF_STORE_DIR, type SiteLeafSpec } from './leaf-input';

/** A nats-server config string: JSON string syntax is valid in its format and escapes everything. */
const str = (value: string): string => JSON.stringify(value);
const list = (values: readonly string[]): string => `[${values.map(str).join(', ')}]`;

/**
 * The site leaf node's nats-server configuration: a JetStream domain of its own (the site id), so the
 * site's streams keep serving while the uplink is down and the hub reaches them as `$JS.<domain>.API`;
 * one remote to the hub that never lets readings or rollups cross as core NATS (they leave only through
 * the hub's sourcing, which follows the data policy). Listens on every interface of the pod: the Service
 * is how the site's clients reach it, and nothing outside the site routes to a ClusterIP.
 */
export function renderLeafConfig(spec: SiteLeafSpec): string {
  const denied = leafDeniedSubjects(spec.subjectPrefix);
  return [
    `# Rendered by Polis for site ${spec.siteId}; edits are overwritten.`,
    `server_name: ${str(`${spec.siteId}-leaf`)}`,
    `listen: ${str(`0.0.0.0:${LEAF_CLIENT_PORT}`)}`,
    `http: ${str(`0.0.0.0:${LEAF_MONITOR_PORT}`)}`,
    `max_payload: 1048576`,
    `jetstream {`,
    `  domain: ${str(siteDomain(spec.siteId))}`,
    `  store_dir: ${str(LEAF_STORE_DIR)}`,
    `  max_memory_store: ${spec.maxMemoryStoreBytes}`,
    `  max_file_store: ${spec.maxFileStoreBytes}`,
    `}`,
    `leafnodes {`,
    `  reconnect: 2`,
    `  remotes: [`,
    `    {`,
    `      url: ${str(spec.hubLeafUrl)}`,
    `      deny_exports: ${list(denied)}`,
    `      deny_imports: ${list(denied)}`,
    `    }`,
    `  ]`,
    `}`,
    '',
  ].join('\n');
}
