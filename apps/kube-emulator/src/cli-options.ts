/** Command-line options of the multi-cluster emulator. */
import { parseArgs } from 'node:util';

export interface CliOptions {
  clusters: number;
  nodesPerCluster: number;
  kubeconfigDir: string;
  basePort?: number;
  /** Port of the loopback admin listener (fault switches); absent: a free one. */
  adminPort?: number;
  namePrefix: string;
  nodeCpu: string;
  nodeMemory: string;
  nodeGpus: number;
  podStartDelayMs: number;
  /** Zones the clusters are in, in turn (cluster i: zones[i % n]); empty: no zone labels. */
  zones: string[];
  /** Label each cluster's nodes as a Polis site named after the cluster (polis.city/site, site-kind). */
  siteLabels: boolean;
  /** Run Polis pods as real processes of this program (the simulated kubelet's container runtime). */
  runPods?: string;
  /** Extra environment for those processes, from repeated --pod-env KEY=VALUE. */
  podEnv: Record<string, string>;
}

export const USAGE = `Usage: kube-emulator --clusters N --nodes-per-cluster M --kubeconfig-dir DIR [options]

Starts N emulated Kubernetes clusters (the Polis kube-emulator, not K3s) on 127.0.0.1 and
writes DIR/<cluster>.kubeconfig for each.

Options:
  --clusters N              number of clusters (required, >= 1)
  --nodes-per-cluster M     nodes in each cluster (required, >= 0)
  --kubeconfig-dir DIR      where kubeconfig files are written (required)
  --base-port P             cluster i listens on P + i (default: free ports)
  --admin-port P            the admin listener for fault switches, on 127.0.0.1 (default: a free port);
                            DIR/<cluster>.faults-url names each cluster's fault endpoint there
  --name-prefix NAME        clusters are named NAME-01, NAME-02, ... (default: site)
  --node-cpu Q              allocatable cpu per node (default: 4)
  --node-memory Q           allocatable memory per node (default: 16Gi)
  --node-gpus N             nvidia.com/gpu per node (default: 0)
  --pod-start-delay-ms MS   bind-to-Running delay (default: 100)
  --zones Z1,Z2,...         cluster i is in zone Z(i mod n): node labels topology.kubernetes.io/zone and
                            polis.city/zone (a site's zone; default: none)
  --site-labels             label nodes polis.city/site=<cluster>, polis.city/site-kind=<prefix>
  --run-pods SCRIPT         run each Polis pod as a real \`node SCRIPT\` process (e.g. the edge runtime)
  --pod-env KEY=VALUE       extra environment for those processes (repeatable)
  --help                    show this help`;

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

function integer(
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max)
    throw new CliUsageError(`--${name} must be an integer between ${min} and ${max}, got "${value}"`);
  return parsed;
}

/** Parses argv (without node and script). Returns undefined when --help was asked for. */
export function parseCliOptions(argv: string[]): CliOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        clusters: { type: 'string' },
        'nodes-per-cluster': { type: 'string' },
        'kubeconfig-dir': { type: 'string' },
        'base-port': { type: 'string' },
        'admin-port': { type: 'string' },
        'name-prefix': { type: 'string' },
        'node-cpu': { type: 'string' },
        'node-memory': { type: 'string' },
        'node-gpus': { type: 'string' },
        'pod-start-delay-ms': { type: 'string' },
        zones: { type: 'string' },
        'site-labels': { type: 'boolean' },
        'run-pods': { type: 'string' },
        'pod-env': { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const clusters = integer('clusters', values.clusters, 1, 10_000);
  const nodesPerCluster = integer('nodes-per-cluster', values['nodes-per-cluster'], 0, 10_000);
  const kubeconfigDir = values['kubeconfig-dir'];
  if (clusters === undefined || nodesPerCluster === undefined || !kubeconfigDir) {
    throw new CliUsageError('--clusters, --nodes-per-cluster and --kubeconfig-dir are required');
  }
  const basePort = integer('base-port', values['base-port'], 1, 65_535);
  if (basePort !== undefined && basePort + clusters - 1 > 65_535)
    throw new CliUsageError('--base-port leaves too few ports for --clusters');
  const namePrefix = values['name-prefix'] ?? 'site';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namePrefix))
    throw new CliUsageError('--name-prefix must be a lowercase DNS label');
  return {
    clusters,
    nodesPerCluster,
    kubeconfigDir,
    basePort,
    adminPort: integer('admin-port', values['admin-port'], 1, 65_535),
    namePrefix,
    nodeCpu: values['node-cpu'] ?? '4',
    nodeMemory: values['node-memory'] ?? '16Gi',
    nodeGpus: integer('node-gpus', values['node-gpus'], 0, 64) ?? 0,
    podStartDelayMs: integer('pod-start-delay-ms', values['pod-start-delay-ms'], 0, 600_000) ?? 100,
    zones: parseZones(values.zones),
    siteLabels: values['site-labels'] === true,
    runPods: values['run-pods'],
    podEnv: parsePodEnv(values['pod-env'] ?? []),
  };
}

/** Zones are label values, as a site's zone is. */
function parseZones(value: string | undefined): string[] {
  if (value === undefined) return [];
  const zones = value.split(',').map((zone) => zone.trim());
  for (const zone of zones)
    if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(zone))
      throw new CliUsageError(`--zones must be comma-separated Kubernetes label values, got "${zone}"`);
  return zones;
}

function parsePodEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new CliUsageError(`--pod-env must look like KEY=VALUE, got "${pair}"`);
    env[match[1]] = match[2]!;
  }
  return env;
}
