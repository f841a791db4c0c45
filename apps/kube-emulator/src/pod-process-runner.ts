import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { KubeEmulator, KubeObject, PodLifecycleHooks, PodLogSource } from '@polis/kube-emulator';
import { siteLeafUrl } from '@polis/manifests';
import { isPolisPod, resolvePodEnv } from './pod-env';
import { podArguments, podMounts, podProgram, remapPaths } from './pod-programs';

export interface PodProcessRunnerOptions {
  /** The program every Polis pod runs, e.g. dist/apps/edge-runtime/main.js. */
  script: string;
  /** Folder for each pod's log and writable cache (the pod's emptyDir). */
  stateDir: string;
  /** Variables the site would provide beyond the pod spec (e.g. INFLUX_URL), applied last. */
  extraEnv: Record<string, string>;
  log: (line: string) => void;
  /** The nats-server binary for pods of the `nats` image (default: nats-server on PATH). */
  natsServer?: string;
}

/**
 * The simulated kubelet's container runtime: a Polis pod that the emulator marks Running becomes a real
 * process of the given program, with the environment the pod spec resolves to; deleting the pod stops it.
 * Ports are moved to free ones, since every "node" of every cluster shares this machine's loopback.
 */
export class PodProcessRunner {
  private readonly processes = new Map<string, ChildProcess>();
  private readonly emulators = new Map<string, KubeEmulator>();
  /** Client URL of each running nats-server pod, by pod key (its ports are moved to free loopback ones). */
  private readonly natsUrls = new Map<string, string>();
  /** nats pods between run() and their spawn (free ports are looked up asynchronously). */
  private readonly starting = new Set<string>();

  constructor(private readonly options: PodProcessRunnerOptions) {}

  attach(clusterName: string, emulator: KubeEmulator): void {
    this.emulators.set(clusterName, emulator);
  }

  hooks(clusterName: string): PodLifecycleHooks {
    return {
      onPodRunning: (pod) => this.run(clusterName, pod),
      onPodDeleted: (pod) => this.stop(clusterName, pod),
    };
  }

  /** Where each pod's process writes its output, for `kubectl logs` (one process per pod: its first container). */
  logs(clusterName: string): PodLogSource {
    const runsContainer = (pod: KubeObject, container: string): boolean =>
      isPolisPod(pod) && firstContainer(pod) === container;
    return {
      logFile: (pod, container) => {
        if (!runsContainer(pod, container)) return undefined;
        const file = this.logFile(podKey(clusterName, pod));
        return existsSync(file) ? file : undefined;
      },
      running: (pod, container) =>
        runsContainer(pod, container) && this.processes.has(podKey(clusterName, pod)),
    };
  }

  /** A site going dark takes its processes with it. */
  async stopCluster(clusterName: string): Promise<void> {
    const mine = [...this.processes.entries()].filter(([key]) => key.startsWith(`${clusterName}/`));
    for (const [key] of mine) this.processes.delete(key);
    await Promise.all(mine.map(([, child]) => terminate(child)));
  }

  /** Pods still Running after a site comes back get their processes again. */
  resume(clusterName: string): void {
    const emulator = this.emulators.get(clusterName);
    for (const pod of emulator?.list('', 'pods') ?? []) {
      if ((pod.status as { phase?: string } | undefined)?.phase === 'Running') this.run(clusterName, pod);
    }
  }

  /** The client URL of a cluster's running NATS pod (its leaf node), once it started. */
  natsUrl(clusterName: string): string | undefined {
    for (const [key, url] of this.natsUrls)
      if (key.startsWith(`${clusterName}/`) && this.processes.has(key)) return url;
    return undefined;
  }

  get running(): string[] {
    return [...this.processes.keys()];
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((child) => terminate(child)));
    this.processes.clear();
  }

  private run(clusterName: string, pod: KubeObject): void {
    if (!isPolisPod(pod)) return;
    const key = podKey(clusterName, pod);
    if (this.processes.has(key)) return;
    const emulator = this.emulators.get(clusterName);
    const namespace = (pod.metadata as { namespace?: string }).namespace;
    const resolved = resolvePodEnv(pod, (name) => emulator?.get('', 'configmaps', namespace, name));
    if (!resolved.ok) {
      this.options.log(`[${key}] not started: ${resolved.reason}`);
      return;
    }
    const dir = this.podDir(key);
    mkdirSync(dir, { recursive: true });
    if (podProgram(pod) === 'nats-server') {
      if (this.starting.has(key)) return;
      this.starting.add(key);
      void this.runNats(key, pod, dir, (name) => emulator?.get('', 'configmaps', namespace, name))
        .catch((error: unknown) => this.options.log(`[${key}] not started: ${String(error)}`))
        .finally(() => this.starting.delete(key));
      return;
    }
    const out = openSync(this.logFile(key), 'a');
    // A pod told to dial its site's leaf Service dials the cluster's leaf process (no cluster DNS here).
    const leaf = this.natsUrl(clusterName);
    const env = { ...resolved.env };
    if (leaf && env.POLIS_NATS_URL === siteLeafUrl()) env.POLIS_NATS_URL = leaf;
    const child = spawn(process.execPath, [this.options.script], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        POLIS_HTTP_PORT: '0',
        POLIS_HTTP_HOST: '127.0.0.1',
        POLIS_MODEL_CACHE_DIR: join(dir, 'cache'),
        ...this.options.extraEnv,
      },
      stdio: ['ignore', out, out],
    });
    this.processes.set(key, child);
    child.once('exit', (code, signal) => {
      if (this.processes.get(key) === child) this.processes.delete(key);
      this.options.log(`[${key}] exited (${signal ?? code})`);
    });
    this.options.log(`[${key}] started pid ${child.pid} (log ${this.logFile(key)})`);
  }

  /**
   * A `nats` pod: its ConfigMap volumes become files and its emptyDirs folders under the pod's folder, the
   * mount paths in its command line and in those files are rewritten to them, and its client and
   * monitoring ports move to free loopback ones (nats-server's flags override its config file).
   */
  private async runNats(
    key: string,
    pod: KubeObject,
    dir: string,
    configMap: (name: string) => KubeObject | undefined,
  ): Promise<void> {
    const mapping = new Map<string, string>();
    const files: { path: string; text: string }[] = [];
    for (const mount of podMounts(pod)) {
      const local = join(dir, 'volumes', mount.volume);
      mkdirSync(local, { recursive: true });
      mapping.set(mount.mountPath, local);
      if (mount.configMap === undefined) continue;
      const found = configMap(mount.configMap);
      if (!found) {
        this.options.log(`[${key}] not started: configmap "${mount.configMap}" not found`);
        return;
      }
      for (const [name, text] of Object.entries((found.data as Record<string, string> | undefined) ?? {})) {
        files.push({ path: join(local, name), text });
      }
    }
    for (const file of files) writeFileSync(file.path, remapPaths(file.text, mapping));
    const [clientPort, monitorPort] = [await freePort(), await freePort()];
    if (this.processes.has(key)) return;
    const args = [
      ...podArguments(pod).map((arg) => remapPaths(arg, mapping)),
      ...['-a', '127.0.0.1', '-p', String(clientPort), '-m', String(monitorPort)],
    ];
    const out = openSync(this.logFile(key), 'a');
    const child = spawn(this.options.natsServer ?? 'nats-server', args, {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', out, out],
    });
    this.processes.set(key, child);
    this.natsUrls.set(key, `nats://127.0.0.1:${clientPort}`);
    child.once('exit', (code, signal) => {
      if (this.processes.get(key) === child) this.processes.delete(key);
      this.options.log(`[${key}] exited (${signal ?? code})`);
    });
    this.options.log(
      `[${key}] started nats-server pid ${child.pid} on ${clientPort} (log ${this.logFile(key)})`,
    );
  }

  private podDir(key: string): string {
    return join(this.options.stateDir, key.replace(/\//g, '_'));
  }

  private logFile(key: string): string {
    return join(this.podDir(key), 'container.log');
  }

  private async stop(clusterName: string, pod: KubeObject): Promise<void> {
    const key = podKey(clusterName, pod);
    const child = this.processes.get(key);
    if (!child) return;
    this.processes.delete(key);
    await terminate(child);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function firstContainer(pod: KubeObject): string | undefined {
  return ((pod.spec as { containers?: { name?: string }[] } | undefined)?.containers ?? [])[0]?.name;
}

function podKey(clusterName: string, pod: KubeObject): string {
  const meta = pod.metadata as { namespace?: string; name?: string };
  return `${clusterName}/${meta.namespace ?? 'default'}/${meta.name ?? 'unnamed'}`;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
