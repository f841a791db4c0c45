import { byString, type CompiledDeployment, type Demand, type Fleet, type SiteSlot } from './fleet';
import type { DeploymentSpec } from './model';
import { matchesSiteSelector } from './predicates';

/**
 * The planner reserves max(requested memory, model peak memory) per replica: a pod that requests less than
 * the model's peak would be OOM-killed, so the peak is the honest reservation.
 */
export function demandOf(spec: DeploymentSpec): Demand {
  return {
    cpu: spec.resources.cpuMillicores,
    memory: Math.max(spec.resources.memoryBytes, spec.profile.peakMemoryBytes),
    accelerators: Object.entries(spec.resources.accelerators ?? {})
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => byString(a, b)),
  };
}

export function compileDeployments(specs: readonly DeploymentSpec[], fleet: Fleet): CompiledDeployment[] {
  const keyStride = Math.max(0, ...specs.map((s) => s.replicasPerSite)) + 1;
  return [...specs]
    .sort((a, b) => byString(a.id, b.id))
    .map((spec, index) => {
      const targets = selectTargets(spec, fleet);
      return {
        index,
        spec,
        demand: demandOf(spec),
        sloMs: spec.latencySloMs ?? Infinity,
        targets,
        targetSet: new Set(targets),
        keyBase: index * fleet.sites.length * keyStride,
        keyStride,
      };
    });
}

function selectTargets(spec: DeploymentSpec, fleet: Fleet): SiteSlot[] {
  const ids = spec.targets.ids;
  const pool =
    ids === undefined
      ? fleet.sites
      : [...new Set(ids)].flatMap((id) => fleet.sitesById.get(id) ?? []).sort((a, b) => a.index - b.index);
  // The pool already honours `ids`; skip re-checking them per site.
  const rest = ids === undefined ? spec.targets : { ...spec.targets, ids: undefined };
  return pool.filter((slot) => matchesSiteSelector(slot.site, rest));
}
