/**
 * Runs many emulated Kubernetes clusters in one process (the Polis kube-emulator, not K3s):
 *   npm run kube-emulator -- --clusters 3 --nodes-per-cluster 2 --kubeconfig-dir .polis/kube
 * Prints one JSON line per cluster once all are up, then serves until SIGINT/SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startFleet, type Fleet, type NodeTemplate } from '@polis/kube-emulator';
import { type CliOptions, CliUsageError, parseCliOptions, USAGE } from './cli-options';
import { PodProcessRunner } from './pod-process-runner';

const SITE_KINDS = new Set(['traffic', 'energy', 'safety', 'central']);

function nodeTemplate(options: CliOptions, clusterName: string, index: number): NodeTemplate {
  const labels: Record<string, string> = options.siteLabels
    ? {
        'polis.city/site': clusterName,
        ...(SITE_KINDS.has(options.namePrefix) ? { 'polis.city/site-kind': options.namePrefix } : {}),
      }
    : {};
  return {
    cpu: options.nodeCpu,
    memory: options.nodeMemory,
    gpus: options.nodeGpus,
    instanceType: 'emulated.standard',
    zone: options.zones.length > 0 ? options.zones[index % options.zones.length] : undefined,
    labels,
  };
}

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const kubeconfigDir = resolve(options.kubeconfigDir);
  const runner = options.runPods
    ? new PodProcessRunner({
        script: resolve(options.runPods),
        stateDir: resolve(kubeconfigDir, '..', 'pods'),
        extraEnv: options.podEnv,
        log: (line) => process.stderr.write(`kube-emulator: pod ${line}\n`),
      })
    : undefined;
  const fleet: Fleet = await startFleet({
    clusters: options.clusters,
    nodesPerCluster: options.nodesPerCluster,
    kubeconfigDir,
    basePort: options.basePort,
    namePrefix: options.namePrefix,
    nodeTemplate: (clusterName, index) => nodeTemplate(options, clusterName, index),
    podStartDelayMs: options.podStartDelayMs,
    admin: { port: options.adminPort },
    hooks: runner ? (clusterName) => runner.hooks(clusterName) : undefined,
    podLogs: runner ? (clusterName) => runner.logs(clusterName) : undefined,
    onError: (cluster, error) =>
      process.stderr.write(
        `[${cluster}] internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      ),
  });
  const admin = fleet.admin;
  if (!admin) throw new Error('the fleet started without its admin listener');
  for (const cluster of fleet.clusters) {
    runner?.attach(cluster.name, cluster.emulator);
    // Beside the kubeconfig (whose token it takes): where the drill CLI switches this cluster's faults.
    const faults = admin.faultsUrl(cluster.name);
    await writeFile(join(kubeconfigDir, `${cluster.name}.faults-url`), `${faults}\n`);
    process.stdout.write(
      `${JSON.stringify({ cluster: cluster.name, server: cluster.emulator.url, kubeconfig: cluster.kubeconfigPath, faults })}\n`,
    );
  }
  process.stderr.write(
    `kube-emulator: ${fleet.clusters.length} emulated cluster(s) ready; kubeconfigs in ${kubeconfigDir}; admin listener ${admin.url}\n`,
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`kube-emulator: ${signal}, stopping\n`);
    Promise.all([runner?.stopAll(), fleet.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    process.stderr.write(`kube-emulator: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `kube-emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
