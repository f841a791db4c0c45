/** Server-side printing: the meta.k8s.io Table that `kubectl get` asks for. */
import { asArray, asNumber, asString, asStringMap, getPath, isObject, type JsonObject } from '../model/json';
import type { KubeObject } from '../model/types';
import { formatLabelSelector, fromLabelSelectorObject } from '../selectors/label-selector';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  priority?: number;
  cell: (object: KubeObject, now: Date) => string | number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** apimachinery's duration.HumanDuration, the format of every AGE column. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

function age(timestamp: unknown, now: Date): string {
  const text = asString(timestamp);
  return text ? humanDuration(now.getTime() - Date.parse(text)) : '<unknown>';
}

const NAME: Column = { name: 'Name', type: 'string', cell: (object) => object.metadata.name ?? '' };
const AGE: Column = {
  name: 'Age',
  type: 'string',
  cell: (object, now) => age(object.metadata.creationTimestamp, now),
};

function num(object: KubeObject, path: string): number {
  return asNumber(getPath(object, path.split('.'))) ?? 0;
}

function str(object: KubeObject, path: string, fallback = '<none>'): string {
  return asString(getPath(object, path.split('.'))) || fallback;
}

function containers(object: KubeObject, path: string): JsonObject[] {
  return asArray(getPath(object, path.split('.'))).filter(isObject);
}

function workloadColumns(): Column[] {
  return [
    {
      name: 'Containers',
      type: 'string',
      priority: 1,
      cell: (o) =>
        containers(o, 'spec.template.spec.containers')
          .map((c) => asString(c.name) ?? '')
          .join(','),
    },
    {
      name: 'Images',
      type: 'string',
      priority: 1,
      cell: (o) =>
        containers(o, 'spec.template.spec.containers')
          .map((c) => asString(c.image) ?? '')
          .join(','),
    },
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cell: (o) => formatLabelSelector(fromLabelSelectorObject(getPath(o, ['spec', 'selector'])) ?? []),
    },
  ];
}

function podStatus(pod: KubeObject): string {
  const waiting = asArray(getPath(pod, ['status', 'containerStatuses']))
    .filter(isObject)
    .map((status) => asString(getPath(status, ['state', 'waiting', 'reason'])))
    .find((reason) => reason !== undefined);
  return waiting ?? (asString(getPath(pod, ['status', 'reason'])) || str(pod, 'status.phase', 'Unknown'));
}

function nodeStatus(node: KubeObject): string {
  const ready = asArray(getPath(node, ['status', 'conditions']))
    .filter(isObject)
    .find((c) => c.type === 'Ready');
  const state = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return getPath(node, ['spec', 'unschedulable']) === true ? `${state},SchedulingDisabled` : state;
}

function nodeRoles(node: KubeObject): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length));
  return roles.length > 0 ? roles.sort().join(',') : '<none>';
}

function nodeAddress(node: KubeObject, type: string): string {
  const address = asArray(getPath(node, ['status', 'addresses']))
    .filter(isObject)
    .find((a) => a.type === type);
  return asString(address?.address) ?? '<none>';
}

function servicePorts(service: KubeObject): string {
  const ports = asArray(getPath(service, ['spec', 'ports'])).filter(isObject);
  if (ports.length === 0) return '<none>';
  return ports
    .map(
      (port) =>
        `${asNumber(port.port) ?? ''}${asNumber(port.nodePort) ? `:${asNumber(port.nodePort)}` : ''}/${asString(port.protocol) ?? 'TCP'}`,
    )
    .join(',');
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const statuses = asArray(getPath(o, ['status', 'containerStatuses'])).filter(isObject);
        const total = containers(o, 'spec.containers').length;
        return `${statuses.filter((s) => s.ready === true).length}/${total}`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) =>
        String(
          asArray(getPath(o, ['status', 'containerStatuses']))
            .filter(isObject)
            .reduce((sum, s) => sum + (asNumber(s.restartCount) ?? 0), 0),
        ),
    },
    AGE,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => str(o, 'status.podIP') },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => str(o, 'spec.nodeName') },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  Deployment: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(o, 'status.updatedReplicas') },
    { name: 'Available', type: 'integer', cell: (o) => num(o, 'status.availableReplicas') },
    AGE,
    ...workloadColumns(),
  ],
  ReplicaSet: [
    NAME,
    { name: 'Desired', type: 'integer', cell: (o) => num(o, 'spec.replicas') },
    { name: 'Current', type: 'integer', cell: (o) => num(o, 'status.replicas') },
    { name: 'Ready', type: 'integer', cell: (o) => num(o, 'status.readyReplicas') },
    AGE,
    ...workloadColumns(),
  ],
  Node: [
    NAME,
    { name: 'Status', type: 'string', cell: nodeStatus },
    { name: 'Roles', type: 'string', cell: nodeRoles },
    AGE,
    { name: 'Version', type: 'string', cell: (o) => str(o, 'status.nodeInfo.kubeletVersion', '') },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (o) => nodeAddress(o, 'InternalIP') },
    { name: 'External-IP', type: 'string', priority: 1, cell: (o) => nodeAddress(o, 'ExternalIP') },
    {
      name: 'OS-Image',
      type: 'string',
      priority: 1,
      cell: (o) => str(o, 'status.nodeInfo.osImage', '<unknown>'),
    },
    {
      name: 'Kernel-Version',
      type: 'string',
      priority: 1,
      cell: (o) => str(o, 'status.nodeInfo.kernelVersion', '<unknown>'),
    },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      cell: (o) => str(o, 'status.nodeInfo.containerRuntimeVersion', '<unknown>'),
    },
  ],
  Service: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(o, 'spec.type', 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(o, 'spec.clusterIP') },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
    AGE,
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cell: (o) =>
        Object.entries(asStringMap(getPath(o, ['spec', 'selector'])))
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
  ],
  ConfigMap: [
    NAME,
    {
      name: 'Data',
      type: 'integer',
      cell: (o) =>
        Object.keys(isObject(o.data) ? o.data : {}).length +
        Object.keys(isObject(o.binaryData) ? o.binaryData : {}).length,
    },
    AGE,
  ],
  Secret: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(o, 'type', 'Opaque') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys(isObject(o.data) ? o.data : {}).length },
    AGE,
  ],
  Namespace: [NAME, { name: 'Status', type: 'string', cell: (o) => str(o, 'status.phase', 'Active') }, AGE],
  ServiceAccount: [NAME, { name: 'Secrets', type: 'integer', cell: (o) => asArray(o.secrets).length }, AGE],
  Event: [
    {
      name: 'Last Seen',
      type: 'string',
      cell: (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
    },
    { name: 'Type', type: 'string', cell: (o) => str(o, 'type', '') },
    { name: 'Reason', type: 'string', cell: (o) => str(o, 'reason', '') },
    {
      name: 'Object',
      type: 'string',
      cell: (o) => `${str(o, 'involvedObject.kind', '').toLowerCase()}/${str(o, 'involvedObject.name', '')}`,
    },
    { name: 'Message', type: 'string', cell: (o) => str(o, 'message', '') },
  ],
};

function rowObject(object: KubeObject, include: IncludeObject, version: string): JsonObject | undefined {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return object;
    case 'Metadata':
      return {
        kind: 'PartialObjectMetadata',
        apiVersion: `meta.k8s.io/${version}`,
        metadata: object.metadata,
      };
  }
}

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  include: IncludeObject;
  resourceVersion: string;
  continueToken?: string;
  now: Date;
}

export function toTable(kind: string, objects: readonly KubeObject[], options: TableOptions): JsonObject {
  const columns = COLUMNS[kind] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: {
      resourceVersion: options.resourceVersion,
      ...(options.continueToken ? { continue: options.continueToken } : {}),
    },
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column === NAME ? 'name' : '',
      description: column.name,
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => {
      const included = rowObject(object, options.include, options.version);
      return {
        cells: columns.map((column) => column.cell(object, options.now)),
        ...(included ? { object: included } : {}),
      };
    }),
  };
}
