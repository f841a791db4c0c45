/**
 * Cold-start convergence: 1,000 model workloads (rendered by @polis/manifests) across 100 emulated
 * clusters, from nothing to every Deployment rolled out with its pods Running and Ready, through
 * @polis/kube's reconciler. Reports seconds and Kubernetes API requests per workload (target < 10 s),
 * and the CPU seconds the Polis and emulator processes spent meanwhile, which machine load does not inflate.
 *
 * The clusters run in child processes (--emulator-processes, default 1), as real clusters run
 * elsewhere: the numbers then measure Polis's side, not the emulators sharing its event loop.
 *
 * Usage: npx ts-node -r tsconfig-paths/register --transpile-only bench/converge.bench.ts \
 *          [--clusters 100 --workloads 1000 --nodes 2 --emulator-processes 1]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ClusterPool, ClusterReconciler } from '@polis/kube';
import { KubeEmulator, generateTlsMaterial } from '@polis/kube-emulator';
import { renderModelWorkload } from '@polis/manifests';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '100' },
    workloads: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '2' },
    'timeout-s': { type: 'string', default: '120' },
    'emulator-processes': { type: 'string', default: '1' },
    /** Internal: run as a child that serves the clusters [from, to). */
    serve: { type: 'string' },
  },
});
const CLUSTERS = Number(args.clusters);
const WORKLOADS = Number(args.workloads);
const NODES = Number(args.nodes);
const TARGET_SECONDS = 10;

function siteName(index: number): string {
  return `site-${String(index + 1).padStart(3, '0')}`;
}

interface ServedCluster {
  name: string;
  kubeconfig: string;
}

async function startClusters(from: number, to: number): Promise<KubeEmulator[]> {
  const tls = generateTlsMaterial();
  return Promise.all(
    Array.from({ length: to - from }, async (_, offset) => {
      const index = from + offset;
      const name = siteName(index);
      const emulator = new KubeEmulator({
        name,
        tls,
        podStartDelayMs: 100,
        // An emulator bug must not pass for a slow cluster.
        onError: (error) => process.stderr.write(`${name}: internal error: ${String(error)}\n`),
        nodes: { count: NODES, template: { cpu: '8', memory: '32Gi', labels: { 'polis.city/site': name } } },
      });
      await emulator.start();
      return emulator;
    }),
  );
}

function desiredObjects(siteIndex: number) {
  const siteId = siteName(siteIndex);
  const perSite = Math.ceil(WORKLOADS / CLUSTERS);
  const count = Math.max(0, Math.min(perSite, WORKLOADS - siteIndex * perSite));
  const objects = Array.from(
    { length: count },
    (_, i) =>
      renderModelWorkload({
        deploymentId: `dep-${siteIndex}-${i}`,
        siteId,
        natsUrl: 'nats://hub.polis.bench:4222',
        model: {
          name: `model-${i % 7}`,
          version: '1.0.0',
          artifactUrl: `https://hub.polis.bench/artifacts/model-${i % 7}/1.0.0/model.onnx`,
          artifactSha256: 'b'.repeat(64),
        },
        sensorKinds: ['traffic-loop'],
        runtime: { image: 'ghcr.io/polis-city/model-runner', version: '0.4.1' },
        resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '64Mi', limit: '128Mi' } },
      }).objects,
  ).flat();
  // Every workload renders the shared namespace; it is one object per cluster.
  return [
    ...new Map(
      objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]),
    ).values(),
  ];
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time the emulator processes have used so far, in ms. */
async function emulatorCpuMs(children: readonly ChildProcess[]): Promise<number> {
  const answers = children.map(
    (child) =>
      new Promise<number>((resolve) => {
        child.once('message', (message) => resolve((message as { cpuMs: number }).cpuMs));
        child.send('cpu');
      }),
  );
  return (await Promise.all(answers)).reduce((a, b) => a + b, 0);
}

/** Child mode: serve a slice of the clusters until the parent says stop (or goes away). */
async function serve(range: string): Promise<void> {
  const [from, to] = range.split(':').map(Number) as [number, number];
  const clusters = await startClusters(from, to);
  const stop = async () => {
    await Promise.all(clusters.map((c) => c.stop()));
    process.exit(0);
  };
  // 'cpu' asks for the CPU time used so far (load-independent, unlike seconds); anything else stops.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpuMs: cpuMs() });
    else void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.(clusters.map((c): ServedCluster => ({ name: c.name, kubeconfig: c.kubeconfig() })));
}

async function startEmulatorProcesses(): Promise<{ clusters: ServedCluster[]; children: ChildProcess[] }> {
  const processes = Math.max(1, Number(args['emulator-processes']));
  const perProcess = Math.ceil(CLUSTERS / processes);
  const children: ChildProcess[] = [];
  const slices = await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const range = `${i * perProcess}:${Math.min(CLUSTERS, (i + 1) * perProcess)}`;
      const child = fork(
        __filename,
        ['--serve', range, '--clusters', String(CLUSTERS), '--nodes', String(NODES)],
        {
          // The parent's node flags too, so `node --cpu-prof …` profiles the emulators as well.
          execArgv: [
            ...process.execArgv,
            '-r',
            'ts-node/register/transpile-only',
            '-r',
            'tsconfig-paths/register',
          ],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      children.push(child);
      return new Promise<ServedCluster[]>((resolve, reject) => {
        child.once('message', (message) => resolve(message as ServedCluster[]));
        child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
      });
    }),
  );
  return { clusters: slices.flat(), children };
}

async function main(): Promise<void> {
  process.stdout.write(`starting ${CLUSTERS} emulated clusters with ${NODES} nodes each...\n`);
  const { clusters, children } = await startEmulatorProcesses();
  const pool = new ClusterPool({
    requestTimeoutMs: 10_000,
    maxInflightPerCluster: 16,
    maxInflightTotal: 512,
  });
  const reconcilers: ClusterReconciler[] = [];
  try {
    const desired = clusters.map((_, index) => desiredObjects(index));
    const emulatorCpuBefore = await emulatorCpuMs(children);
    const polisCpuBefore = cpuMs();
    const started = performance.now();
    for (const [index, cluster] of clusters.entries()) {
      const reconciler = new ClusterReconciler(await pool.client(cluster.name, cluster.kubeconfig));
      reconciler.start();
      reconciler.setDesired(desired[index]);
      reconcilers.push(reconciler);
    }
    const deadline = started + Number(args['timeout-s']) * 1000;
    let ready = 0;
    let appliedSeconds: number | undefined;
    while (performance.now() < deadline) {
      ready = reconcilers.reduce((sum, r) => sum + r.readiness().ready, 0);
      if (appliedSeconds === undefined && reconcilers.every((r) => r.converged))
        appliedSeconds = (performance.now() - started) / 1000;
      if (ready >= WORKLOADS && reconcilers.every((r) => r.converged)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const polisCpuSeconds = (cpuMs() - polisCpuBefore) / 1000;
    const emulatorCpuSeconds = ((await emulatorCpuMs(children)) - emulatorCpuBefore) / 1000;
    const requests = Object.values(pool.requestCounts()).reduce((a, b) => a + b, 0);
    const watches = reconcilers.length * 3;
    const result = {
      clusters: CLUSTERS,
      workloads: WORKLOADS,
      ready,
      seconds: Number(seconds.toFixed(2)),
      /** When every desired object had been applied (the rest is the clusters rolling out). */
      appliedSeconds: appliedSeconds === undefined ? undefined : Number(appliedSeconds.toFixed(2)),
      /** CPU time spent meanwhile, which the machine's load does not inflate as it does seconds. */
      polisCpuSeconds: Number(polisCpuSeconds.toFixed(2)),
      emulatorCpuSeconds: Number(emulatorCpuSeconds.toFixed(2)),
      apiRequests: requests,
      watchConnections: watches,
      apiRequestsPerWorkload: Number((requests / WORKLOADS).toFixed(2)),
      targetSeconds: TARGET_SECONDS,
      met: ready >= WORKLOADS && seconds < TARGET_SECONDS,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (!result.met) process.exitCode = 1;
  } finally {
    await Promise.all(reconcilers.map((r) => r.stop()));
    await pool.close();
    for (const child of children) child.send('stop');
  }
}

(args.serve === undefined ? main() : serve(args.serve)).catch((error: unknown) => {
  process.stderr.write(`converge bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
