import type { Accelerators, Toleration } from '@polis/placement';
import { tolerates } from '@polis/placement';
import type { DeploymentSpecBody, DeploymentToleration } from './deployment.schema';
import type { ModelRequirements } from './model-profile';

/** Where the replicas of a deployment may run, as both placement and the manifests take it. */
export interface Scheduling {
  /** Extended resources each replica needs, e.g. `{ "nvidia.com/gpu": 1 }`; empty for CPU models. */
  accelerators: Accelerators;
  nodeSelector: Record<string, string>;
  /** The deployment's own tolerations plus, for each accelerator, the taint device nodes usually carry. */
  tolerations: DeploymentToleration[];
}

/** The larger count per accelerator of the given models: a site must be able to run any of them. */
function modelAccelerators(models: readonly ModelRequirements[]): Accelerators {
  const counts: Record<string, number> = {};
  for (const model of models)
    for (const [name, count] of Object.entries(model.accelerators))
      counts[name] = Math.max(counts[name] ?? 0, count);
  return counts;
}

/**
 * Device nodes are tainted `<resource>:NoSchedule` (the NVIDIA device plugin's and the cloud providers'
 * convention) so that CPU pods keep off them; a pod that asks for the device tolerates that taint.
 */
function acceleratorToleration(resource: string): DeploymentToleration {
  return { key: resource, operator: 'Exists', effect: 'NoSchedule' };
}

/**
 * Accelerators come from the deployment when it names them (they replace the model's), else from the
 * metadata of the model versions that may run (during a rollout, both). Pure.
 */
export function deploymentScheduling(
  spec: Pick<DeploymentSpecBody, 'resources' | 'nodeSelector' | 'tolerations'>,
  models: readonly ModelRequirements[],
): Scheduling {
  const accelerators = { ...(spec.resources?.accelerators ?? modelAccelerators(models)) };
  const tolerations = [...(spec.tolerations ?? [])];
  for (const resource of Object.keys(accelerators).sort()) {
    const taint = { key: resource, effect: 'NoSchedule' as const };
    if (!tolerations.some((t) => tolerates(placementToleration(t), taint)))
      tolerations.push(acceleratorToleration(resource));
  }
  return { accelerators, nodeSelector: { ...spec.nodeSelector }, tolerations };
}

/** Placement knows no `tolerationSeconds` (it only decides where a pod may start). */
export function placementToleration(toleration: DeploymentToleration): Toleration {
  const { key, operator, value, effect } = toleration;
  return {
    operator,
    ...(key === undefined ? {} : { key }),
    ...(value === undefined ? {} : { value }),
    ...(effect === undefined ? {} : { effect }),
  };
}
