import type { KubeObject } from '@polis/kube-emulator';

/** What the simulated kubelet knows how to run for real: the programs behind the images Polis uses. */
export type PodProgram = 'node-script' | 'nats-server';

type Container = { image?: string; command?: string[]; args?: string[]; volumeMounts?: Mount[] };
type Mount = { name?: string; mountPath?: string };
type Volume = { name?: string; configMap?: { name?: string }; emptyDir?: object };

/**
 * The program for a pod's first container, by image repository: `nats` (any registry) is a NATS server,
 * anything else Polis runs is the edge runtime as a node process (as before this table existed).
 */
export function podProgram(pod: KubeObject): PodProgram {
  const image = firstContainer(pod)?.image ?? '';
  const repository = image.replace(/[:@].*$/, '');
  return repository === 'nats' || repository.endsWith('/nats') ? 'nats-server' : 'node-script';
}

export interface PodMount {
  mountPath: string;
  /** A ConfigMap's name (its keys become files) or undefined for an emptyDir. */
  configMap?: string;
  volume: string;
}

/** The first container's mounts with the volumes behind them (ConfigMaps and emptyDirs; others ignored). */
export function podMounts(pod: KubeObject): PodMount[] {
  const volumes = ((pod.spec as { volumes?: Volume[] } | undefined)?.volumes ?? []).filter((v) => v.name);
  const mounts: PodMount[] = [];
  for (const mount of firstContainer(pod)?.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume || !mount.mountPath || !mount.name) continue;
    if (volume.configMap?.name)
      mounts.push({ mountPath: mount.mountPath, configMap: volume.configMap.name, volume: mount.name });
    else if (volume.emptyDir) mounts.push({ mountPath: mount.mountPath, volume: mount.name });
  }
  return mounts;
}

/** The container's command line after the program name (command + args, as a kubelet joins them). */
export function podArguments(pod: KubeObject): string[] {
  const container = firstContainer(pod);
  return [...(container?.command ?? []).slice(1), ...(container?.args ?? [])];
}

/** Rewrites every mount path in a text (an argument, a config file) to where the mount is on this machine. */
export function remapPaths(text: string, mapping: ReadonlyMap<string, string>): string {
  let result = text;
  // Longest first, so /etc/nats/x is not rewritten through /etc.
  for (const [from, to] of [...mapping.entries()].sort((a, b) => b[0].length - a[0].length)) {
    result = result.split(from).join(to);
  }
  return result;
}

function firstContainer(pod: KubeObject): Container | undefined {
  return ((pod.spec as { containers?: Container[] } | undefined)?.containers ?? [])[0];
}
