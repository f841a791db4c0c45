import type { KubeObject } from '@polis/kube-emulator';

type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } };
type EnvFrom = { configMapRef?: { name?: string; optional?: boolean } };
type Container = { name?: string; env?: EnvVar[]; envFrom?: EnvFrom[] };

export type PodEnvResult = { ok: true; env: Record<string, string> } | { ok: false; reason: string };

function field(pod: KubeObject, path: string): string | undefined {
  const meta = pod.metadata as { name?: string; namespace?: string } | undefined;
  const spec = pod.spec as { nodeName?: string } | undefined;
  switch (path) {
    case 'metadata.name':
      return meta?.name;
    case 'metadata.namespace':
      return meta?.namespace;
    case 'spec.nodeName':
      return spec?.nodeName;
    default:
      return undefined;
  }
}

/**
 * The environment a kubelet would give the pod's first container: `envFrom` ConfigMaps first, then `env`
 * (literal values and the downward-API fields Polis uses). Pure, so the rules are tested without processes.
 */
export function resolvePodEnv(
  pod: KubeObject,
  configMap: (name: string) => KubeObject | undefined,
): PodEnvResult {
  const container = ((pod.spec as { containers?: Container[] } | undefined)?.containers ?? [])[0];
  if (!container) return { ok: false, reason: 'pod has no container' };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const found = configMap(name);
    if (!found) {
      if (source.configMapRef?.optional) continue;
      return { ok: false, reason: `configmap "${name}" not found` };
    }
    Object.assign(env, (found.data as Record<string, string> | undefined) ?? {});
  }
  for (const variable of container.env ?? []) {
    const path = variable.valueFrom?.fieldRef?.fieldPath;
    const value = path ? field(pod, path) : variable.value;
    if (value !== undefined) env[variable.name] = value;
  }
  return { ok: true, env };
}

/** Only pods Polis manages are run as real processes; anything else stays a simulated pod. */
export function isPolisPod(pod: KubeObject): boolean {
  const labels = (pod.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  return labels['app.kubernetes.io/managed-by'] === 'polis';
}
