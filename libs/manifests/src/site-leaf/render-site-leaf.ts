import type { V1ConfigMap, V1Deployment, V1Service } from '@kubernetes/client-node';
import {
  ANNOTATION_CONFIG_HASH,
  LABEL_COMPONENT,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_SITE,
  polisOwnedMatchLabels,
} from '../labels';
import type { Rendered } from '../manifest';
import { configHash } from '../runner-config';
import { renderLeafConfig } from './leaf-config';
import {
  LEAF_APP_NAME,
  LEAF_CLIENT_PORT,
  LEAF_CONFIG_DIR,
  LEAF_CONFIG_FILE,
  LEAF_MONITOR_PORT,
  LEAF_STORE_DIR,
  POLIS_SYSTEM_NAMESPACE,
  SiteLeafInputError,
  siteLeafInputSchema,
  type SiteLeafInput,
  type SiteLeafSpec,
} from './leaf-input';

/** UID of the official nats image's non-root variant is not fixed; any non-zero id works with runAsNonRoot. */
const LEAF_UID = 10002;
export const LEAF_CONTAINER = 'nats';

export interface RenderedSiteLeaf {
  spec: SiteLeafSpec;
  /** The nats-server configuration, as the ConfigMap carries it. */
  config: string;
  configMap: Rendered<V1ConfigMap>;
  deployment: Rendered<V1Deployment>;
  service: Rendered<V1Service>;
  /** Apply order: the config before the pod that reads it, the service last. */
  objects: readonly [Rendered<V1ConfigMap>, Rendered<V1Deployment>, Rendered<V1Service>];
}

function labels(spec: SiteLeafSpec): Record<string, string> {
  return {
    ...polisOwnedMatchLabels(),
    [LABEL_NAME]: LEAF_APP_NAME,
    [LABEL_COMPONENT]: 'leaf-node',
    [LABEL_PART_OF]: 'polis',
    [LABEL_SITE]: spec.siteId,
  };
}

function selector(): Record<string, string> {
  return { ...polisOwnedMatchLabels(), [LABEL_NAME]: LEAF_APP_NAME };
}

function parse(input: SiteLeafInput): SiteLeafSpec {
  const result = siteLeafInputSchema.safeParse(input);
  if (result.success) return result.data;
  throw new SiteLeafInputError(
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

/**
 * Renders a site's NATS leaf node: a ConfigMap with its nats-server configuration, a one-replica
 * Deployment (Recreate: two servers must never share one JetStream store) and a ClusterIP Service the
 * site's sensors, runners and agent connect to. Pure: same input, same objects.
 */
export function renderSiteLeaf(input: SiteLeafInput): RenderedSiteLeaf {
  const spec = parse(input);
  const config = renderLeafConfig(spec);
  const meta = { name: LEAF_APP_NAME, namespace: POLIS_SYSTEM_NAMESPACE, labels: labels(spec) };
  const configMap: Rendered<V1ConfigMap> = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...meta, labels: { ...meta.labels } },
    data: { [LEAF_CONFIG_FILE]: config },
  };
  const deployment: Rendered<V1Deployment> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta, labels: { ...meta.labels } },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector() },
      strategy: { type: 'Recreate' },
      template: {
        metadata: {
          labels: { ...meta.labels },
          // A config change is a template change, so the pod restarts with it.
          annotations: { [ANNOTATION_CONFIG_HASH]: configHash({ [LEAF_CONFIG_FILE]: config }) },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: LEAF_UID,
            runAsGroup: LEAF_UID,
            fsGroup: LEAF_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: LEAF_CONTAINER,
              image: `${spec.image.repository}:${spec.image.tag}`,
              imagePullPolicy: 'IfNotPresent',
              command: ['nats-server', '-c', `${LEAF_CONFIG_DIR}/${LEAF_CONFIG_FILE}`],
              ports: [
                { name: 'client', containerPort: LEAF_CLIENT_PORT, protocol: 'TCP' },
                { name: 'monitor', containerPort: LEAF_MONITOR_PORT, protocol: 'TCP' },
              ],
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              // healthz answers once JetStream is up, which it is with the uplink down: the site stays served.
              startupProbe: {
                httpGet: { path: '/healthz', port: 'monitor' },
                periodSeconds: 2,
                failureThreshold: 30,
              },
              readinessProbe: { httpGet: { path: '/healthz', port: 'monitor' }, periodSeconds: 5 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'monitor' },
                periodSeconds: 10,
                failureThreshold: 3,
              },
              securityContext: {
                runAsNonRoot: true,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: LEAF_CONFIG_DIR, readOnly: true },
                { name: 'jetstream', mountPath: LEAF_STORE_DIR },
              ],
            },
          ],
          terminationGracePeriodSeconds: 30,
          volumes: [
            { name: 'config', configMap: { name: LEAF_APP_NAME } },
            // emptyDir: the site's data window survives container restarts, not the pod's deletion.
            {
              name: 'jetstream',
              emptyDir: { sizeLimit: `${Math.ceil(spec.maxFileStoreBytes / 1024 ** 2)}Mi` },
            },
          ],
        },
      },
    },
  };
  const service: Rendered<V1Service> = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...meta, labels: { ...meta.labels } },
    spec: {
      type: 'ClusterIP',
      selector: selector(),
      ports: [{ name: 'client', port: LEAF_CLIENT_PORT, targetPort: 'client', protocol: 'TCP' }],
    },
  };
  return { spec, config, configMap, deployment, service, objects: [configMap, deployment, service] };
}

/** The URL a site's clients use for their leaf: the Service's cluster DNS name. */
export function siteLeafUrl(): string {
  return `nats://${LEAF_APP_NAME}.${POLIS_SYSTEM_NAMESPACE}.svc:${LEAF_CLIENT_PORT}`;
}
