import type {
  V1Affinity,
  V1NodeSelectorRequirement,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import type { ModelWorkloadSpec } from './input';
import {
  NODE_LABEL_ACCELERATOR,
  NODE_LABEL_SITE,
  NODE_LABEL_TOPOLOGY_ZONE,
  deploymentMatchLabels,
} from './labels';

/**
 * Required node affinity. The label of the site the pods run on is always required: the kubeconfig
 * already picks the cluster, but should a site's kubeconfig ever point at the wrong cluster, pods stay
 * Pending instead of running a model on another site's sensors.
 */
export function nodeAffinity(spec: ModelWorkloadSpec): V1Affinity {
  const matchExpressions: V1NodeSelectorRequirement[] = [
    { key: NODE_LABEL_SITE, operator: 'In', values: [spec.runsOnSiteId] },
  ];
  if (spec.gpu?.accelerator !== undefined) {
    matchExpressions.push({ key: NODE_LABEL_ACCELERATOR, operator: 'In', values: [spec.gpu.accelerator] });
  }
  for (const requirement of spec.placement.requiredNodeLabels) {
    matchExpressions.push(
      requirement.values === undefined
        ? { key: requirement.key, operator: requirement.operator }
        : { key: requirement.key, operator: requirement.operator, values: [...requirement.values] },
    );
  }
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
    },
  };
}

export function tolerations(spec: ModelWorkloadSpec): V1Toleration[] {
  return spec.placement.tolerations.map((t) => ({ ...t }));
}

/** Spread replicas over zones when there is more than one, but never leave a pod Pending for it. */
export function zoneSpread(spec: ModelWorkloadSpec): V1TopologySpreadConstraint[] | undefined {
  if (spec.replicas <= 1) return undefined;
  return [
    {
      maxSkew: 1,
      topologyKey: NODE_LABEL_TOPOLOGY_ZONE,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...deploymentMatchLabels(spec.deploymentId) } },
    },
  ];
}
