/** Many emulated clusters in one process, each with its own port, token and kubeconfig file. */
import { join } from 'node:path';
import { EmulatorAdminServer } from './admin-server';
import type { NodeTemplate } from './controllers/nodes';
import type { PodLifecycleHooks } from './controllers/cluster-simulator';
import { KubeEmulator } from './emulator';
import type { PodLogSource } from './server/pod-logs';
import { generateTlsMaterial } from './tls';

export interface FleetOptions {
  clusters: number;
  nodesPerCluster: number;
  kubeconfigDir: string;
  /** First port; cluster i listens on basePort + i. Absent: free ports are picked. */
  basePort?: number;
  /** Cluster i is named `${namePrefix}-${i+1, zero padded}`. Default "site". */
  namePrefix?: string;
  /** One template for every cluster, or one per cluster (e.g. to label nodes with their site). */
  nodeTemplate?: NodeTemplate | ((clusterName: string, index: number) => NodeTemplate);
  podStartDelayMs?: number;
  hooks?: (clusterName: string) => PodLifecycleHooks;
  podLogs?: (clusterName: string) => PodLogSource;
  onError?: (clusterName: string, error: unknown) => void;
  /** Also start the loopback admin listener for every cluster's faults (port 0 or absent: a free one). */
  admin?: { port?: number };
}

export interface FleetCluster {
  name: string;
  emulator: KubeEmulator;
  kubeconfigPath: string;
}

export interface Fleet {
  clusters: FleetCluster[];
  /** The admin listener, when asked for. */
  admin?: EmulatorAdminServer;
  stop(): Promise<void>;
}

export function clusterName(prefix: string, index: number, total: number): string {
  return `${prefix}-${String(index + 1).padStart(Math.max(2, String(total).length), '0')}`;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  if (!Number.isInteger(options.clusters) || options.clusters < 1)
    throw new RangeError('clusters must be a positive integer');
  if (!Number.isInteger(options.nodesPerCluster) || options.nodesPerCluster < 0)
    throw new RangeError('nodesPerCluster must be a non-negative integer');
  const tls = generateTlsMaterial();
  const clusters: FleetCluster[] = [];
  try {
    for (let index = 0; index < options.clusters; index += 1) {
      const name = clusterName(options.namePrefix ?? 'site', index, options.clusters);
      const emulator = new KubeEmulator({
        name,
        tls,
        port: options.basePort === undefined ? 0 : options.basePort + index,
        nodes: {
          count: options.nodesPerCluster,
          template:
            typeof options.nodeTemplate === 'function'
              ? options.nodeTemplate(name, index)
              : options.nodeTemplate,
        },
        podStartDelayMs: options.podStartDelayMs,
        hooks: options.hooks?.(name),
        podLogs: options.podLogs?.(name),
        onError: (error) => options.onError?.(name, error),
      });
      await emulator.start();
      const kubeconfigPath = join(options.kubeconfigDir, `${name}.kubeconfig`);
      await emulator.writeKubeconfig(kubeconfigPath);
      clusters.push({ name, emulator, kubeconfigPath });
    }
  } catch (error) {
    await Promise.all(clusters.map(({ emulator }) => emulator.stop()));
    throw error;
  }
  const admin = options.admin ? new EmulatorAdminServer({ clusters, port: options.admin.port }) : undefined;
  try {
    await admin?.start();
  } catch (error) {
    await Promise.all(clusters.map(({ emulator }) => emulator.stop()));
    throw error;
  }
  return {
    clusters,
    admin,
    stop: async () => {
      await Promise.all([admin?.stop(), ...clusters.map(({ emulator }) => emulator.stop())]);
    },
  };
}
