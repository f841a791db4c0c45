import type { DeploymentSpec } from '@polis/placement';
import type { DeploymentSpecBody } from './deployment.schema';
import { largerProfile, type ModelRequirements } from './model-profile';
import { deploymentScheduling, placementToleration } from './scheduling';

export interface PlannableDeployment {
  spec: DeploymentSpecBody;
  /** Versions that may run during the rollout (the new one, and the one it replaces). */
  versions: readonly string[];
}

export interface PlacementDeployments {
  specs: DeploymentSpec[];
  /** Deployments that cannot be planned, with why. */
  blocked: Map<string, string>;
}

/**
 * The placement engine's deployment specs. Resources, accelerators and the SLO default to the model's
 * metadata. During a rollout both versions can run on a site, so the profile and the devices are the larger
 * of the two: a site is chosen only if it can run either.
 */
export function placementDeployments(
  deployments: readonly PlannableDeployment[],
  model: (name: string, version: string) => ModelRequirements | undefined,
): PlacementDeployments {
  const specs: DeploymentSpec[] = [];
  const blocked = new Map<string, string>();
  for (const { spec, versions } of deployments) {
    const requirements = versions.map((version) => ({ version, found: model(spec.model.name, version) }));
    const missing = requirements.find((r) => r.found === undefined);
    if (missing) {
      blocked.set(spec.id, `model ${spec.model.name}@${missing.version} is not in the registry`);
      continue;
    }
    const found = requirements.map((r) => r.found as ModelRequirements);
    const current = model(spec.model.name, spec.model.version) ?? found[0];
    const latencySloMs = spec.latencySloMs ?? current.defaultLatencySloMs;
    const { cpuMillicores, memoryBytes } = spec.resources ?? current.defaultResources;
    // Both versions of a rollout may run on a site: it must have the devices either needs.
    const scheduling = deploymentScheduling(spec, found);
    const hasAccelerators = Object.keys(scheduling.accelerators).length > 0;
    specs.push({
      id: spec.id,
      model: { name: spec.model.name, version: spec.model.version },
      profile: found.map((r) => r.profile).reduce(largerProfile),
      targets: spec.targets,
      replicasPerSite: spec.replicasPerSite,
      resources: {
        cpuMillicores,
        memoryBytes,
        ...(hasAccelerators ? { accelerators: scheduling.accelerators } : {}),
      },
      nodeSelector: scheduling.nodeSelector,
      tolerations: scheduling.tolerations.map(placementToleration),
      latencySloMs,
      priority: spec.priority,
      policy: spec.policy,
      strategy: 'spread',
    });
  }
  return { specs, blocked };
}
